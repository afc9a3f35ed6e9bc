"""The renderer's Jinja environment: `{{ value }}` written by escape_output, byte for byte as markupsafe's escape
writes it, and templates' globals as plain dicts, rendering what Jinja's own environment renders."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup, escape
from sitekit import text, write_site

from mecasite.build.pipeline import render_site
from mecasite.config.engine import JINJA_OPTIONS
from mecasite.config.settings import load_config
from mecasite.render.environment import Context, Environment, escape_output

SAMPLES = [
    "",
    "plain",
    "&",
    "<>",
    "'\"",
    "a & b < c > d ' e \" f",
    "&amp; already",
    "É’ – ⟨x⟩ \u2028 \x00",
    "<'&\">" * 3,
]


class Html:
    def __html__(self) -> str:
        return "<b>kept</b>"


@pytest.mark.parametrize("value", [*SAMPLES, Markup("<i>safe</i>"), 42, 1.5, None, Html()])
def test_escape_output_writes_what_markupsafe_writes(value: object) -> None:
    assert escape_output(value) == str(escape(value))


def test_escape_output_keeps_a_markup_value_and_refuses_undefined() -> None:
    markup = Markup("<i>safe</i>")
    assert escape_output(markup) is markup
    with pytest.raises(jinja2.UndefinedError):
        escape_output(jinja2.StrictUndefined(name="missing"))


@jinja2.pass_context
def seen(context: jinja2.runtime.Context, name: str) -> str:
    return f"{name}={context.get(name)}"


def empty() -> str:
    raise StopIteration


def environments() -> tuple[jinja2.Environment, jinja2.Environment]:
    options = {**JINJA_OPTIONS, "undefined": jinja2.StrictUndefined}
    loader = jinja2.DictLoader({"macros.html": MACROS})
    ours = Environment(loader=loader, **options)  # type: ignore[arg-type]
    jinja = jinja2.Environment(loader=loader, **options)  # type: ignore[arg-type]
    for env in (jinja, ours):
        env.globals.update(site="<Site & co>", shout=lambda text: text.upper(), seen=seen, empty=empty)
    return jinja, ours


MACROS = """{% macro shouted(x) %}<em>{{ shout(x) }} {{ site }}</em>{% endmacro %}"""
SOURCE = """\
{% from "macros.html" import shouted %}
{{ shouted(value) }} {{ site }}
{% macro item(x) %}<li title="{{ x }}">{{ x }}</li>{% endmacro %}
{% set block %}<p>{{ value }}</p>{% endset %}
<h1>{{ value }}</h1>{{ block }}{{ item(value) }}{{ markup }}{{ number }}
{% for v in values %}{{ v }}|{{ shout(v) }}|{{ seen("number") }}{% endfor %}
{{ seen("value") }} {{ empty() is undefined }} {{ "a,b".split(",") }}
{% autoescape false %}{{ value }}{% endautoescape %}
{{ value ~ markup }}{{ value | upper }}
"""


def test_templates_compile_to_it_and_write_the_same_bytes() -> None:
    jinja, ours = environments()
    assert "environment.escape_output(" in ours.compile(SOURCE, raw=True)
    assert "environment.escape_output(" not in jinja.compile(SOURCE, raw=True)
    values = {"value": "<a href='x'>&\"</a>", "markup": Markup("<br>"), "number": 7, "values": SAMPLES}
    page = ours.from_string(SOURCE).render(values)
    assert page == jinja.from_string(SOURCE).render(values)
    assert "<em>&lt;A HREF=&#39;X&#39;&gt;&amp;&#34;&lt;/A&gt; &lt;Site &amp; co&gt;</em>" in page


def test_a_call_hands_the_context_only_to_what_asks_for_it() -> None:
    _, ours = environments()
    template = ours.from_string('{{ seen("lang") }} {{ shout(lang) }} {{ empty() is undefined }}')
    assert isinstance(template.new_context(), Context)
    assert template.render(lang="fr") == "lang=fr FR True"


def test_a_template_keeps_its_globals_in_a_plain_dict() -> None:
    _, ours = environments()
    template = ours.get_template("macros.html")
    assert type(template.globals) is dict
    assert template.globals["site"] == "<Site & co>"
    assert ours.from_string("{{ site }}", globals={"site": "own"}).render() == "own"
    with pytest.raises(jinja2.UndefinedError):
        ours.from_string("{{ nothing }}").render()


def test_a_title_with_markup_characters_is_escaped_on_its_page(tmp_path) -> None:
    title = 'Fish & <chips> \\"o\'clock\\"'
    config = load_config(write_site(tmp_path, {"content/actions/fair/en.md": text(title, "fair")}))
    html = render_site(config).files["en/actions/fair/index.html"].decode()
    assert "<h1>Fish &amp; &lt;chips&gt; &#34;o&#39;clock&#34;</h1>" in html
    assert "<chips>" not in html
