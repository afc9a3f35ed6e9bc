"""How a template writes `{{ value }}`: escaped exactly as markupsafe escapes it, in fewer Python calls.

Jinja compiles every output expression of an autoescaped template to `escape(value)`, markupsafe's, which
makes a `Markup` of the result (two more Python calls, and a check for `__html__`): a page writes about a
hundred values, a list of actions a dozen per card, and that was a tenth of a page's time in Jinja. What
is written is only joined into the page (or into a block, which Jinja makes `Markup` itself), so the escaped
text needs no `Markup` around it: a plain string is escaped by `str.replace`, a `Markup` is written as it
is, anything else goes to markupsafe. The page's bytes are the same (tests/test_escaping.py).
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from markupsafe import Markup, escape


def escape_output(value: Any) -> str:
    """`str(markupsafe.escape(value))`: `&`, `<`, `>`, `'` and `"` as markupsafe writes them."""
    if type(value) is str:
        return (
            value.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    if type(value) is Markup:
        return value
    return escape(value)  # numbers, objects with __html__, and Undefined (which raises there)


class OutputCodeGenerator(CodeGenerator):
    """Jinja's code generator, with `environment.escape_output(...)` where it writes `escape(...)` around an
    output expression (Jinja documents `Environment.code_generator_class` for changing compiled code). An
    `{% autoescape %}` block, whose escaping is decided as it runs, and a `finalize` keep Jinja's code."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)


def use_escape_output(env: jinja2.Environment) -> None:
    """Compile `env`'s templates with `escape_output` (before any is compiled)."""
    env.code_generator_class = OutputCodeGenerator
    env.escape_output = escape_output  # type: ignore[attr-defined]  # what the compiled code calls
