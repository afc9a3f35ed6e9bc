"""Creating content files for editors: a new item (`new`) and a new or refreshed translation (`translate`).

Files are written from the model's point of view (the ids and fields the schema knows), with the fields to
fill explained in comments, so that an editor never starts from an empty file. Nothing is ever overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mecasite.build.writer import write_file_atomic
from mecasite.config.settings import SiteConfig
from mecasite.content.model import Model
from mecasite.content.translations import TODO_WRITE, digest, scaffold_translation, stamp, yaml_quote
from mecasite.problems import ContentError, Problem, did_you_mean
from mecasite.sources.fields import ID_RE, RESERVED, plain_of
from mecasite.sources.files import read_text

KINDS = {"action": "actions", "partner": "partners", "testimonial": "testimonials", "page": "pages"}


@dataclass(frozen=True)
class Created:
    paths: tuple[Path, ...]
    message: str


def _fail(path: str, message: str, hint: str = "") -> ContentError:
    return ContentError([Problem(path, message=message, hint=hint)])


def find_item(model: Model, name: str) -> tuple[str, str]:
    """`actions/intermat`, `action:intermat` or a bare `intermat` (when only one collection has it)."""
    for sep in ("/", ":"):
        if sep in name:
            collection, item_id = name.split(sep, 1)
            collection = KINDS.get(collection, collection)
            if model.get(collection, item_id):
                return collection, item_id
            known = [f"{c}/{i}" for c, i in model.items]
            raise _fail(name, f"no item '{name}'", did_you_mean(f"{collection}/{item_id}", known))
    matches = [key for key in model.items if key[1] == name]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise _fail(
            name,
            f"'{name}' is the id of several items",
            "name it with its collection: " + " or ".join(f"{c}/{i}" for c, i in matches),
        )
    raise _fail(name, f"no item '{name}'", did_you_mean(name, sorted({i for _, i in model.items})))


def translate(config: SiteConfig, model: Model, name: str, lang: str, refresh: bool) -> Created:
    """Create the `lang` translation file of an item, or re-stamp it with the current source's digest."""
    if lang not in config.codes:
        raise _fail("--to", f"unknown language '{lang}'", did_you_mean(lang, list(config.codes)))
    if lang == config.default_language:
        raise _fail("--to", f"'{lang}' is the default language: its files are the originals, not translations")
    collection, item_id = find_item(model, name)
    item = model.items[(collection, item_id)]
    source = item.texts[config.default_language]
    folder = config.root / item.path.rsplit("/", 1)[0]
    path = folder / f"{lang}.md"
    rel = config.rel(path)
    if refresh:
        if not path.exists():
            raise _fail(
                rel,
                "no translation to refresh",
                f"create it first: python build.py translate {collection}/{item_id} --to {lang}",
            )
        try:
            write_file_atomic(path, stamp(read_text(path), digest(source)).encode("utf-8"))
        except ValueError as exc:
            raise _fail(rel, str(exc)) from None
        return Created((path,), f"{rel}: marked as up to date with {source.path}")
    if path.exists():
        raise _fail(
            rel,
            "the translation already exists",
            "edit it; once it matches the original, mark it up to date with --refresh",
        )
    name_in = next(lang_.name for lang_ in config.languages if lang_.code == lang)
    path.write_text(
        scaffold_translation(
            source, lang, name_in, with_slug=collection != "testimonials" and not item.facts.get("home")
        ),
        encoding="utf-8",
    )
    return Created((path,), f"{rel}: created; translate the parts marked TODO(translate)")


NEUTRAL_TEMPLATES = {
    "actions": """\
# An international action of the MecaTech Cluster: what is the same in every language.
# The text (title, summary, body) is in {default}.md, then one file per language.
#
# date: when it took place, as precisely as the sources say: 2015, 2015-06 or 2015-06-18.
#       Leave the line out if the date is not known.
# partners: the partners involved, by id (their folder names in content/partners/).
# related: related actions, by id (folder names in content/actions/).
partners: []
related: []
""",
    "partners": """\
# A partner of the MecaTech Cluster: what is the same in every language.
# The text (name, summary, description) is in {default}.md, then one file per language.
#
# country: the ISO 3166 code of its country (FR, NL, DE...), or a list such as [BE, DE, FR, LU].
country: {country}
""",
    "testimonials": """\
# A testimonial: a partner's own words. The quote is in {default}.md (with the signature), then one file
# per language; the file in the quote's own language holds the original words.
#
# partner: the id of the partner who speaks (folder name in content/partners/).
# language: the language the quote was given in; the other languages are shown as translations.
# actions: the actions the quote speaks of, by id (optional).
partner: {partner}
language: {default}
actions: []
""",
    "pages": """\
# A page of the site (shown in the main menu). The text is in {default}.md, then one file per language.
# order: its position in the main menu.
order: 10
""",
}

TEXT_TEMPLATE = """\
---
# Replace the texts marked {mark}, then remove the marks; `check` reports them until then.
title: {title}
{slug}summary: {summary}
---
<!-- {mark}: write the text here in Markdown. Headings start at "##"; link to other items with
     [text](partner:materalia), [text](action:intermat) or [text](page:approach). Delete this comment. -->
"""

TESTIMONIAL_TEMPLATE = """\
---
# The quote goes below the '---' line, without quotation marks. Replace the marks {mark}, then remove them.
signature: {signature}
---
{mark} the partner's words.
"""


def new_item(
    config: SiteConfig, model: Model, kind: str, name: str, country: str | None = None, partner: str | None = None
) -> Created:
    """The neutral file and the default-language file of a new item."""
    collection = KINDS[kind]
    typed, name = name, name if ID_RE.match(name) else plain_of(name)
    if not ID_RE.match(name) or name in RESERVED:
        raise _fail(
            typed,
            f"'{typed}' cannot be an id",
            "use lowercase letters a-z, digits and hyphens, e.g. texas-am-university",
        )
    folder = config.content_dir / collection / name
    rel = config.rel(folder)
    if folder.exists():
        raise _fail(rel, "this item already exists", "pick another id, or edit its files")
    default = config.default_language
    if collection == "partners" and not country:
        raise _fail("--country", "a new partner needs its country", "add --country with an ISO code, e.g. FR")
    if collection == "testimonials":
        partner = partner or name
        if not model.get("partners", partner):
            raise _fail(
                "--partner",
                f"unknown partner '{partner}'",
                did_you_mean(partner, [i.id for i in model.collection("partners")])
                or "create the partner first, or name it with --partner",
            )
    neutral = NEUTRAL_TEMPLATES[collection].format(default=default, country=(country or "").upper(), partner=partner)
    mark = yaml_quote(TODO_WRITE)
    if collection == "testimonials":
        text = TESTIMONIAL_TEMPLATE.format(mark=TODO_WRITE, signature=yaml_quote(f"{TODO_WRITE} role, organisation"))
    else:
        text = TEXT_TEMPLATE.format(
            mark=mark,
            title=yaml_quote(f"{TODO_WRITE} {typed if typed != name else name.replace('-', ' ')}"),
            slug=f"slug: {name}  # the last URL segment in this language\n",
            summary=yaml_quote(f"{TODO_WRITE} one or two sentences for lists and search"),
        )
    folder.mkdir(parents=True)
    paths = (folder / "item.yaml", folder / f"{default}.md")
    paths[0].write_text(neutral, encoding="utf-8")
    paths[1].write_text(text, encoding="utf-8")
    done = f"{rel}/: created item.yaml and {default}.md; fill in the parts marked {TODO_WRITE}"
    if typed != name:
        ref = next(k for k, c in KINDS.items() if c == collection)
        done += f" (the id of '{typed}' is {name}: other texts link to it as ({ref}:{name}))"
    return Created(paths, done)
