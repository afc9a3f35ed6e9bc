"""`build.py delete`: an item taken out in one step, or every reference to it listed at once.

While anything names the item (a field of an `item.yaml`, an id link in any language) the item stays and each
reference is listed at its file, line and column. With `--unlink` its links become plain text (the link text
stays) and it leaves the lists of other items; a field that must name an item (a testimonial's partner) still
stops it. The item's addresses, in every language, are added to `content/redirects.yaml` and lead to its
section's page.
"""

from __future__ import annotations

from mecasite.commands.editing import Done, fail, folder_of, read, references, remove, restamped, show, write
from mecasite.commands.references import Ref, body_refs, unlinked, without_entries
from mecasite.commands.scaffold import find_item
from mecasite.config.settings import SiteConfig
from mecasite.content.model import ItemKey, Model
from mecasite.content.redirects import FIELD, FILE
from mecasite.content.schemas import COLLECTIONS
from mecasite.problems import Collector, ContentError, Problem
from mecasite.site.resolve import resolve_site
from mecasite.sources.files import parse_yaml_file

HEADER = """\
# Addresses of deleted items, relative to base_url: each leads to its section's page in its language (a
# deleted free page: to the home page), so that old links and bookmarks still lead somewhere.
# `python build.py delete` adds them; remove a line to let that address go.
"""


def delete_item(config: SiteConfig, model: Model, name: str, unlink: bool) -> Done:
    key = find_item(model, name)
    item = model.items[key]
    what = f"{COLLECTIONS[key[0]].ref} '{key[1]}'"
    if item.facts.get("home"):
        raise fail(item.path, "the home page cannot be deleted", "give another page 'home: true' first")
    refs = references(config, model, key)
    if refs and not unlink:
        raise _refused(config, key, refs, what, "remove them, or run delete again with --unlink")
    edits = _unlinked(config, refs, key) if refs else {}
    left = [r for path, text in edits.items() for r in _left(config, path, text, key, refs)]
    if left:
        raise _refused(config, key, left, what, "change these yourself: --unlink cannot")
    all_edits = restamped(config, model, edits)
    lines = []
    for path in sorted(all_edits):
        write(config, path, all_edits[path])
        lines.append(f"{path}: {_said(refs, path, all_edits[path] != edits.get(path))}")
    site = resolve_site(config, model, Collector())
    addresses = [page.url for pages in site.item_pages.get(key, {}).values() for page in pages]
    if addresses:
        rel = config.rel(config.content_dir / FILE)
        existing = read(config, rel) if (config.content_dir / FILE).exists() else ""
        write(config, rel, with_addresses(existing, addresses))
        section = f"the {key[0]} page" if key[0] != "pages" else "the home page"
        lines.append(f"{rel}: {len(addresses)} old addresses added, leading to {section}")
    lines.append(f"deleted {show(config, key)}{remove(config, folder_of(config, key))}")
    return Done(tuple(lines))


def _refused(config: SiteConfig, key: ItemKey, refs: list[Ref], what: str, fix: str) -> ContentError:
    problems = [_problem(ref, what) for ref in refs]
    files = len({ref.path for ref in refs})
    count = f"{len(refs)} reference{'s' * (len(refs) != 1)} in {files} file{'s' * (files != 1)}"
    verb = "names" if len(refs) == 1 else "name"
    problems.append(Problem(show(config, key), message=f"not deleted: {count} still {verb} {what}", hint=fix))
    return ContentError(problems)


def _problem(ref: Ref, what: str) -> Problem:
    if ref.field and not ref.in_list:
        owner = "/".join(ref.path.split("/")[-3:-1])  # content/testimonials/x/item.yaml -> testimonials/x
        hint = f"this field must name an item: delete {owner} first, or name another"
        return Problem(ref.path, ref.line, ref.column, f"{ref.typed} names {what}", hint)
    if not ref.field and not ref.typed.startswith("["):
        return Problem(ref.path, ref.line, ref.column, f"{ref.typed} links to {what}", "write it as plain text")
    verb = "names" if ref.field else "links to"
    return Problem(ref.path, ref.line, ref.column, f"{ref.typed} {verb} {what}")


def _unlinked(config: SiteConfig, refs: list[Ref], key: ItemKey) -> dict[str, str]:
    """Each referring file with the links made plain text and the list entries taken out."""
    edits = {}
    for path in sorted({ref.path for ref in refs}):
        source = read(config, path)
        mine = [r for r in refs if r.path == path]
        if mine[0].field:
            edits[path] = without_entries(source, [r for r in mine if r.in_list])
        else:
            edits[path] = unlinked(source, key)
    return edits


def _left(config: SiteConfig, path: str, text: str, key: ItemKey, refs: list[Ref]) -> list[Ref]:
    """What --unlink could not take out of a file: an autolink, an image, a field that must name an item."""
    if path.endswith(".md"):
        return body_refs(path, text, key)
    return [r for r in refs if r.path == path and not r.in_list]


def _said(refs: list[Ref], path: str, restamped: bool) -> str:
    fields = sum(1 for r in refs if r.path == path and r.field)
    links = sum(1 for r in refs if r.path == path and not r.field)
    said = [f"{fields} reference{'s' * (fields != 1)} removed"] if fields else []
    said += [f"{links} link{'s' * (links != 1)} made plain text"] if links else []
    return ", ".join(said + (["source_hash follows the edited original"] if restamped else []))


def with_addresses(source: str, addresses: list[str]) -> str:
    """`content/redirects.yaml` with `addresses` added to its list (made with a comment if new), by text."""
    if not source.strip():
        return HEADER + f"{FIELD}:\n" + "".join(f"  - {a}\n" for a in addresses)
    doc = parse_yaml_file(source).meta
    lines = source.split("\n")
    known = doc.data.get(FIELD) if isinstance(doc.data, dict) else None
    new = [a for a in addresses if a not in (known or [])]
    if (FIELD,) not in doc.keys:
        return source.rstrip("\n") + f"\n{FIELD}:\n" + "".join(f"  - {a}\n" for a in new)
    if isinstance(known, list) and known:
        last = doc.values[(FIELD, len(known) - 1)]
        before = lines[last.line - 1][: last.column - 1]
        if before.strip() == "-":
            lines[last.line : last.line] = [before + a for a in new]
            return "\n".join(lines)
    key = doc.keys[(FIELD,)]
    entries = [*(known or []), *new]
    lines[key.line - 1] = f"{FIELD}:"
    lines[key.line : key.line] = [f"  - {a}" for a in entries]
    return "\n".join(lines)
