"""`build.py rename`: an item's id, or one language's slug, changed in one step.

A new id moves the folder (`git mv` in a git checkout) and every reference follows: the fields of `item.yaml`
files and the id links of every language's body; addresses are made of slugs, so none changes. A new slug
keeps the old one in `old_slugs`, whose address then redirects. Files are edited in place, as they were
written; the result is what `check` accepts.
"""

from __future__ import annotations

from mecasite.commands.editing import (
    Done,
    check_word,
    fail,
    folder_of,
    move,
    read,
    references,
    restamped,
    show,
    write,
)
from mecasite.commands.references import Ref, body_refs, renamed
from mecasite.commands.scaffold import KINDS, find_item
from mecasite.config.settings import SiteConfig
from mecasite.content.model import ItemKey, Model
from mecasite.content.schemas import COLLECTIONS
from mecasite.problems import Collector, did_you_mean
from mecasite.site.resolve import resolve_site
from mecasite.sources.files import parse_markdown_file
from mecasite.sources.yamldoc import YamlDoc


def rename_id(config: SiteConfig, model: Model, name: str, new_name: str) -> Done:
    """Give the item `name` the id of `new_name` (`partners/materalia-cluster`, or the bare id)."""
    key = find_item(model, name)
    collection, _, new_id = new_name.rpartition("/") if "/" in new_name else ("", "", new_name)
    collection = KINDS.get(collection, collection)
    if collection and collection != key[0]:
        raise fail(
            new_name,
            f"an item stays in its collection: {key[0]}/{key[1]} cannot become {new_name}",
            f"write {key[0]}/{new_id}",
        )
    new_id = check_word(new_id, "id", new_name)
    new_key = (key[0], new_id)
    if new_key == key:
        raise fail(new_name, f"{key[0]}/{key[1]} already has that id")
    if folder_of(config, new_key).exists():
        raise fail(show(config, new_key), "already exists", "choose another id, or delete that item first")
    refs = references(config, model, key)
    own = _own_links(config, model, key)
    edits = _edits(config, refs + own, new_id)
    lines = _edited(config, model, edits, refs + own, key, new_key)
    how = move(config, folder_of(config, key), folder_of(config, new_key))
    lines.append(f"moved {show(config, key)} to {show(config, new_key)}{how}")
    files = len(lines) - 1
    lines.append(
        f"renamed {key[0]}/{key[1]} to {key[0]}/{new_id}: {files} other file{'s' * (files != 1)} changed; "
        "its addresses stay the same (they are made of its slugs: rename --slug LANG NEW changes one)"
    )
    return Done(tuple(lines))


def _own_links(config: SiteConfig, model: Model, key: ItemKey) -> list[Ref]:
    """The item's links to itself: they follow the new id too."""
    item = model.items[key]
    texts = (*item.texts.values(), *item.drafts.values())
    return [ref for text in texts for ref in body_refs(text.path, read(config, text.path), key)]


def _edits(config: SiteConfig, refs: list[Ref], new_id: str) -> dict[str, str]:
    by_file: dict[str, list[Ref]] = {}
    for ref in refs:
        by_file.setdefault(ref.path, []).append(ref)
    return {path: renamed(read(config, path), found, new_id) for path, found in by_file.items()}


def _edited(
    config: SiteConfig, model: Model, edits: dict[str, str], refs: list[Ref], key: ItemKey, new_key: ItemKey
) -> list[str]:
    """Write the edits (translations' stamps kept true); one line per file, named where it will be."""
    all_edits = restamped(config, model, edits)
    old_prefix, new_prefix = show(config, key), show(config, new_key)
    lines = []
    for path in sorted(all_edits):
        write(config, path, all_edits[path])
        fields = sum(1 for r in refs if r.path == path and r.field)
        links = sum(1 for r in refs if r.path == path and not r.field)
        said = [f"{fields} reference{'s' * (fields != 1)} updated"] if fields else []
        said += [f"{links} link{'s' * (links != 1)} updated"] if links else []
        said += ["source_hash follows the edited original"] if all_edits[path] != edits.get(path) else []
        shown = new_prefix + path[len(old_prefix) :] if path.startswith(old_prefix) else path
        lines.append(f"{shown}: {', '.join(said)}")
    return lines


def rename_slug(config: SiteConfig, model: Model, name: str, lang: str, new_slug: str) -> Done:
    """Give the item's `lang` page the slug `new_slug`; the old one goes into `old_slugs` and redirects."""
    key = find_item(model, name)
    item = model.items[key]
    if lang not in config.codes:
        raise fail("--slug", f"unknown language '{lang}'", did_you_mean(lang, list(config.codes)))
    if not COLLECTIONS[key[0]].has_pages or item.facts.get("home"):
        raise fail(item.path, f"{key[0]}/{key[1]} has no address of its own, hence no slug")
    text = item.texts.get(lang) or item.drafts.get(lang)
    if text is None:
        raise fail(
            show(config, key),
            f"no {lang}.md: the {lang} page shows the {config.default_language} text at its slug",
            f"rename the {config.default_language} slug, or create the translation first "
            f"(python build.py translate {key[0]}/{key[1]} --to {lang})",
        )
    new_slug = check_word(new_slug, "slug", new_slug)
    old_slug = text.slug or ""
    if new_slug == old_slug:
        raise fail(text.path, f"the {lang} slug is already '{new_slug}'")
    site = resolve_site(config, model, Collector())
    page = site.item_page(key, lang)
    assert page is not None
    new_url = page.url[: -len(old_slug) - 1] + new_slug + "/"
    owner = site.url_owners.get(new_url)
    if owner and owner.item != key:
        where = model.items[owner.item].texts[owner.text_lang].path if owner.item else "content/redirects.yaml"
        raise fail(text.path, f"'/{new_url}' is already the address of {where}", "choose another slug")
    source = read(config, text.path)
    write(config, text.path, with_slug(source, old_slug, new_slug))
    base = config.base_path
    moved = [p for p in (site.item_page(key, code) for code in config.codes) if p and p.text_lang == text.lang]
    lines = [f"{text.path}: slug '{old_slug}' -> '{new_slug}', '{old_slug}' kept in old_slugs"]
    lines += [f"{base}{p.url} now redirects to {base}{p.url[: -len(old_slug) - 1]}{new_slug}/" for p in moved]
    return Done(tuple(lines))


def with_slug(source: str, old_slug: str, new_slug: str) -> str:
    """The Markdown file with `slug:` set to `new_slug` and the old slug added to `old_slugs` (written by text,
    so that comments, quoting and order stay)."""
    doc = parse_markdown_file(source).meta
    lines = source.split("\n")
    pos = doc.values[("slug",)]
    line = lines[pos.line - 1]
    at = line.index(old_slug, pos.column - 1)
    lines[pos.line - 1] = line[:at] + new_slug + line[at + len(old_slug) :]
    olds = doc.data.get("old_slugs")
    if ("old_slugs",) not in doc.keys:
        lines.insert(pos.line, f"old_slugs: [{old_slug}]")
    elif isinstance(olds, list) and olds and _is_block(lines, doc):
        last = doc.values[("old_slugs", len(olds) - 1)]
        indent = lines[last.line - 1][: last.column - 1]
        lines.insert(last.line, indent + old_slug)
    else:
        key = doc.keys[("old_slugs",)]
        entry = lines[key.line - 1]
        colon = entry.index(":", key.column - 1)
        comment = entry.find(" #", colon)
        value = entry[colon + 1 : comment if comment >= 0 else None].strip().strip("[]").strip()
        rest = entry[comment:] if comment >= 0 else ""
        joined = f"{value}, {old_slug}" if value else old_slug
        lines[key.line - 1] = f"{entry[: colon + 1]} [{joined}]{rest}"
    return "\n".join(lines)


def _is_block(lines: list[str], doc: YamlDoc) -> bool:
    """Whether `old_slugs` is written as a block list (`- old` lines) rather than `[old]`."""
    first = doc.values[("old_slugs", 0)]
    return lines[first.line - 1][: first.column - 1].strip() == "-"
