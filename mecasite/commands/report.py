"""The translation report: every item x language, as a terminal table, JSON for tools, and an HTML dashboard.

The dashboard is a single self-contained file for editors to open locally; it is never part of the site.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import jinja2

from mecasite.config.settings import SiteConfig
from mecasite.content.translations import STATES, State, summary

MARKS = {"source": "source", "up to date": "ok", "outdated": "OUTDATED", "fallback": "unfinished", "missing": "MISSING"}


def table(config: SiteConfig, states: Sequence[State]) -> str:
    """A plain-text table: one row per item, one column per language."""
    rows: dict[str, dict[str, str]] = {}
    for state in states:
        rows.setdefault(f"{state.collection}/{state.id}", {})[state.lang] = state.status
    width = max([len(name) for name in rows] + [4])
    columns = [max(len(s) for s in STATES)] * len(config.codes)
    lines = ["item".ljust(width) + "  " + "  ".join(c.ljust(w) for c, w in zip(config.codes, columns, strict=False))]
    lines.append("-" * len(lines[0]))
    for name, row in rows.items():
        lines.append(
            name.ljust(width)
            + "  "
            + "  ".join(row.get(c, "").ljust(w) for c, w in zip(config.codes, columns, strict=False))
        )
    lines.append("")
    for lang, counts in summary(states).items():
        if lang != config.default_language:
            lines.append(f"{lang}: " + ", ".join(f"{counts[s]} {s}" for s in STATES if s != "source"))
    return "\n".join(line.rstrip() for line in lines) + "\n"


Parity = Mapping[tuple[str, str, str], int]  # (collection, id, lang) -> parity findings (content/parity.py)


def as_json(config: SiteConfig, states: Sequence[State], parity: Parity | None = None) -> str:
    parity = parity or {}
    items = [s.as_dict() | {"parity_findings": parity.get((s.collection, s.id, s.lang), 0)} for s in states]
    return (
        json.dumps(
            {
                "default_language": config.default_language,
                "languages": list(config.codes),
                "summary": summary(states),
                "items": items,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


DASHBOARD = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string("""\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Translations: {{ counts_total }} to do</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: .35rem .6rem; text-align: left; }
td.status { font-weight: 600; }
.s-up-to-date { color: #176f2c; } .s-source { color: #555; } .s-outdated { color: #8a4b00; background: #fff4e0; }
.s-missing, .s-fallback { color: #a00; background: #fdeaea; }
.parity { display: block; font-weight: 400; color: #8a4b00; }
code { font-size: .9em; }
</style>
</head>
<body>
<h1>Translations</h1>
<p>Source language: <strong>{{ default }}</strong>. <em>outdated</em>: the original changed since the translation
was made; <em>fallback</em>: the translation file still has parts marked TODO(translate), so the site shows the
original; <em>missing</em>: no translation file yet.</p>
<ul>
{% for lang, counts in summary.items() if lang != default %}
  <li><strong>{{ lang }}</strong>: {% for s in states if s != 'source' %}{{ counts[s] }} {{ s }}{% if not loop.last %}, {% endif %}{% endfor %}</li>
{% endfor %}
</ul>
<table>
<thead><tr><th scope="col">Item</th>{% for lang in langs %}<th scope="col">{{ lang }}</th>{% endfor %}</tr></thead>
<tbody>
{% for name, row in rows.items() %}
<tr><th scope="row"><code>{{ name }}</code></th>
{% for lang in langs %}{% set s = row[lang] %}{% set n = parity.get((s.collection, s.id, s.lang), 0) %}<td class="status s-{{ s.status | replace(' ', '-') }}" title="{{ s.path }}">{{ s.status }}{% if n %} <span class="parity">{{ n }} parity finding{{ 's' if n != 1 }}</span>{% endif %}</td>{% endfor %}
</tr>
{% endfor %}
</tbody>
</table>
<p>To create a missing translation: <code>python build.py translate ITEM --to LANG</code>. Once a translation
matches its original again: <code>python build.py translate ITEM --to LANG --refresh</code>. A <em>parity
finding</em> is a difference in structure, links, numbers, dates or names between an up-to-date translation and its
original: <code>python build.py check</code> says where, and how to acknowledge one once checked.</p>
</body>
</html>
""")


def dashboard(config: SiteConfig, states: Sequence[State], parity: Parity | None = None) -> str:
    rows: dict[str, dict[str, State]] = {}
    for state in states:
        rows.setdefault(f"{state.collection}/{state.id}", {})[state.lang] = state
    todo = sum(s.status in ("outdated", "missing", "fallback") for s in states)
    return DASHBOARD.render(
        rows=rows,
        langs=config.codes,
        default=config.default_language,
        summary=summary(states),
        states=STATES,
        counts_total=todo,
        parity=parity or {},
    )
