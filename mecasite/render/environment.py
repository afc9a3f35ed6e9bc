"""The Jinja environment pages are rendered with: Jinja's, with three things made cheaper that a page does a
hundred times and a list of actions a dozen times a card. What it writes is the same, byte for byte
(tests/test_environment.py).

- `{{ value }}`. Jinja compiles each output expression of an autoescaped template to markupsafe's
  `escape(value)`, which makes a `Markup` of the result (two more Python calls, and a check for `__html__`):
  a tenth of a page's time in Jinja. What is written is only joined into the page (or into a block, which
  Jinja makes `Markup` itself), so it needs no `Markup` around it: a plain string is escaped by
  `str.replace` as markupsafe escapes it, a `Markup` is written as it is, anything else goes to markupsafe.
- A template's globals. Jinja keeps them as a `ChainMap` of the template's over the environment's, which
  every render copies into its context and every `{% from ... import %}` compares key by key, in Python.
  Ours never change once a template is loaded (the renderer sets them first), so each template gets a
  plain dict of them.
- A call, `t('share.title')`, `lang_attr(...)`, `item.picture(...)`: Jinja's `Context.call` asks each
  callable twice whether it wants the context handed in (`pass_context`). A plain function or method that
  was not marked so is called at once; anything else (a macro, a marked function) as Jinja does.

And one thing made clearer: a template's mistake about one of our values (`{{ item.titel }}`) says what the
value has (`Undefined`), not the name of a Python class.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from types import FunctionType, MethodType
from typing import Any

import jinja2
import jinja2.runtime
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from jinja2.utils import internalcode
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
    output expression. It overrides `_output_child_pre`, an underscore method: should a Jinja release rename
    it, templates compile to `escape()` again (slower, the same bytes) and the tests say so. An
    `{% autoescape %}` block, whose escaping is decided as it runs, and a `finalize` keep Jinja's code."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)


class Context(jinja2.runtime.Context):
    """Jinja's context, with a plain function's call made at once (see the module's docstring)."""

    @internalcode  # left out of template tracebacks, as Jinja's own call is
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805  # Jinja's signature
        if type(__obj) in (FunctionType, MethodType) and not hasattr(__obj, "jinja_pass_arg"):
            kwargs.pop("_block_vars", None)  # what Jinja's code hands a call for a context it does not take
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


class Environment(jinja2.Environment):
    """Jinja's environment with the three changes above (`code_generator_class`, `make_globals` and
    `context_class` are what Jinja documents for them). Set its globals before loading a template: a
    template keeps those it saw."""

    code_generator_class = OutputCodeGenerator
    context_class = Context
    escape_output = staticmethod(escape_output)  # what the compiled code calls

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class Undefined(jinja2.StrictUndefined):
    """Jinja's StrictUndefined (a typo in a template is an error, never an empty string), whose message, for a
    value of ours, says what it has: "an item has no attribute 'titel' (it has: countries, date, ...)", not
    "'mecasite.render.view_data.ItemView object' has no attribute 'titel'"."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        value, name = self._undefined_obj, self._undefined_name
        ours = type(value).__module__.startswith("mecasite.")
        if self._undefined_hint or not ours or not isinstance(name, str):
            return str(super()._undefined_message)
        shown = value.view() if callable(getattr(type(value), "view", None)) else value  # a LazyItem: its view
        kind = type(shown).__name__
        what = _CALLED.get(kind, f"a {kind}")
        has = ", ".join(sorted(n for n in dir(shown) if not n.startswith(("_", "render_"))))
        return f"{what} has no attribute {name!r} (it has: {has})"


_CALLED = {"ItemView": "an item", "Frame": "the page's frame", "Link": "a link", "Quote": "a quote"}
