"""The translation report: every item x language, as a terminal table, JSON for tools, and an HTML dashboard.

The dashboard is a single self-contained file for editors to open locally; it is never part of the site. A
draft (`draft: true`, content/drafts.py) is listed like any item, and marked: its translations are wanted too,
but nothing of it is published yet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2

from mecasite.commands.history import Change, changes_since
from mecasite.config.settings import SiteConfig
from mecasite.content.drafts import is_draft
from mecasite.content.model import ItemKey, Model
from mecasite.content.translations import HASH_FIELD, OUTDATED, STATES, WORDS, State, finding, summary
from mecasite.problems import Collector
from mecasite.site.resolve import resolve_site
from mecasite.sources.files import read_text


def drafts_of(model: Model) -> frozenset[ItemKey]:
    """The items the report marks as drafts."""
    return frozenset(key for key, item in model.items.items() if is_draft(item))


def table(config: SiteConfig, states: Sequence[State], drafts: frozenset[ItemKey] = frozenset()) -> str:
    """A plain-text table: one row per item (a draft's marked), one column per language."""
    rows: dict[str, dict[str, str]] = {}
    for state in states:
        mark = " (draft)" if (state.collection, state.id) in drafts else ""
        rows.setdefault(f"{state.collection}/{state.id}{mark}", {})[state.lang] = state.status
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


def as_json(
    config: SiteConfig, states: Sequence[State], parity: Parity | None = None, drafts: frozenset[ItemKey] = frozenset()
) -> str:
    parity = parity or {}
    items = [
        s.as_dict()
        | {"parity_findings": parity.get((s.collection, s.id, s.lang), 0), "draft": (s.collection, s.id) in drafts}
        for s in states
    ]
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
th, td { border-bottom: 1px solid #ccc; padding: .35rem .6rem; text-align: left; vertical-align: top; }
td.status { font-weight: 600; }
td small, th small { display: block; font-weight: 400; }
.s-up-to-date { color: #176f2c; } .s-source { color: #555; } .s-outdated { color: #8a4b00; background: #fff4e0; }
.s-missing, .s-fallback { color: #a00; background: #fdeaea; }
.parity { display: block; font-weight: 400; color: #8a4b00; }
th small.draft { color: #555; font-style: italic; }
.diff { white-space: pre-wrap; border: 1px solid #ccc; padding: .5rem .8rem; background: #fafafa; }
del { background: #fdd; color: #700; } ins { background: #dfd; color: #050; text-decoration: none; }
code { font-size: .9em; }
</style>
</head>
<body>
<h1>Translations</h1>
<p>Source language: <strong>{{ default }}</strong>. The words are those of <code>python build.py check</code>:
<em>{{ words['outdated'] }}</em>: the original changed since the translation was made (what changed is shown
below the table); <em>{{ words['fallback'] }}</em>: the translation file still has parts marked TODO(translate),
so the site shows the original; <em>{{ words['missing'] }}</em>: no translation file yet. Each cell links to
its file and to its page in the preview (<code>make serve</code>, at {{ preview }}).</p>
<ul>
{% for lang, counts in summary.items() if lang != default %}
  <li><strong>{{ lang }}</strong>: {% for s in states if s != 'source' %}{{ words[s] }}: {{ counts[s] }}{% if not loop.last %}, {% endif %}{% endfor %}</li>
{% endfor %}
</ul>
<table>
<thead><tr><th scope="col">Item</th>{% for lang in langs %}<th scope="col">{{ lang }}</th>{% endfor %}</tr></thead>
<tbody>
{% for name, row in rows.items() %}{% set src = row[default] %}
<tr><th scope="row"><code>{{ name }}</code>{% if (src.collection, src.id) in drafts %}<small class="draft">draft: not published</small>{% endif %}<small><a href="{{ files[src.source] }}">{{ src.source }}</a></small></th>
{% for lang in langs %}{% set s = row[lang] %}{% set key = (s.collection, s.id, s.lang) %}{% set n = parity.get(key, 0) %}
<td class="status s-{{ s.status | replace(' ', '-') }}">{% if s.status != 'missing' %}<a href="{{ files[s.path] }}">{% endif %}{{ words[s.status] }}{% if n %} <span class="parity">{{ n }} parity finding{{ 's' if n != 1 }}</span>{% endif %}{% if s.status != 'missing' %}</a>{% endif %}
{% if key in pages %}<small><a href="{{ preview }}{{ pages[key] }}">preview</a></small>{% endif %}
{% if key in changes %}<small><a href="#changed-{{ s.collection }}-{{ s.id }}-{{ s.lang }}">what changed</a></small>{% endif %}
{% if hints[key] %}<small>{{ hints[key] }}</small>{% endif %}</td>
{% endfor %}
</tr>
{% endfor %}
</tbody>
</table>
{% if changes %}
<h2>What changed in the original since the translation was made</h2>
{% for key, change in changes.items() %}{% set s = rows[key[0] ~ '/' ~ key[1]][key[2]] %}
<section id="changed-{{ key | join('-') }}">
<h3><code>{{ key[0] }}/{{ key[1] }}</code>, {{ key[2] }}: <a href="{{ files[s.path] }}">{{ s.path }}</a>, translated from <a href="{{ files[s.source] }}">{{ s.source }}</a>{% if change.commit %} as of commit <code>{{ change.commit[:10] }}</code>{% endif %}</h3>
{% if change.diff %}<div class="diff">{{ change.diff | safe }}</div>{% else %}<p>{{ change.reason }}: compare it with the original by hand.</p>{% endif %}
</section>
{% endfor %}
{% endif %}
<p>To create a missing translation: <code>python build.py translate ITEM --to LANG</code>. Once a translation
matches its original again: <code>python build.py translate ITEM --to LANG --refresh</code>. A <em>parity
finding</em> is a difference in structure, links, numbers, dates or names between an up-to-date translation and its
original: <code>python build.py check</code> says where, and how to acknowledge one once checked.</p>
</body>
</html>
""")

Key = tuple[str, str, str]  # (collection, id, lang)


def dashboard(
    config: SiteConfig,
    states: Sequence[State],
    parity: Parity | None = None,
    pages: Mapping[Key, str] | None = None,
    changes: Mapping[Key, Change] | None = None,
    folder: Path | None = None,
    drafts: frozenset[ItemKey] = frozenset(),
) -> str:
    """The dashboard as HTML. `pages`: each item's page address per language, relative to the site root;
    `changes`: what changed in the original of each outdated translation; `folder`: where the file is written,
    which its links to the content files are relative to; `drafts`: the items to mark as drafts."""
    folder = folder or config.root / "reports"
    rows: dict[str, dict[str, State]] = {}
    files: dict[str, str] = {}
    for state in states:
        rows.setdefault(f"{state.collection}/{state.id}", {})[state.lang] = state
        for path in (state.path, state.source):
            files[path] = Path(os.path.relpath(config.root / path, folder)).as_posix()
    todo = sum(s.status in ("outdated", "missing", "fallback") for s in states)
    return DASHBOARD.render(
        rows=rows,
        langs=config.codes,
        default=config.default_language,
        summary=summary(states),
        states=STATES,
        words=WORDS,
        counts_total=todo,
        parity=parity or {},
        pages=pages or {},
        changes=changes or {},
        files=files,
        hints={(s.collection, s.id, s.lang): finding(s)[1] for s in states},
        preview=f"http://127.0.0.1:8000{config.base_path}",
        drafts=drafts,
    )


def dashboard_for(
    config: SiteConfig, model: Model, states: Sequence[State], parity: Parity, folder: Path, drafts: frozenset[ItemKey]
) -> str:
    """The dashboard with its preview links and, from git history, what changed in each outdated original;
    `drafts` marked (`drafts_of`)."""
    site = resolve_site(config, model, Collector())
    pages = {
        (key[0], key[1], lang): own[0].url for key, by_lang in site.item_pages.items() for lang, own in by_lang.items()
    }
    recorded = {  # each outdated translation -> (its original, the fingerprint it records)
        (s.collection, s.id, s.lang): (
            s.source,
            str(model.items[(s.collection, s.id)].texts[s.lang].fields[HASH_FIELD]),
        )
        for s in states
        if s.status == OUTDATED and model.items[(s.collection, s.id)].texts[s.lang].fields.get(HASH_FIELD)
    }
    now = {source: read_text(config.root / source) for source, _ in recorded.values()}
    found = changes_since(config.root, {key: now[key[0]] for key in recorded.values()}) if recorded else {}
    changes = {key: found[wanted] for key, wanted in recorded.items()}
    return dashboard(config, states, parity, pages, changes, folder, drafts)
