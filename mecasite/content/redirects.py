"""`content/redirects.yaml`: the old addresses of deleted items, so that links and bookmarks still lead somewhere.

`build.py delete` writes it (an editor may too): each address, relative to `base_url`, leads to its section's
page in its language (a deleted free page: to the home page). Read as strictly as every content file; an
address that could not be an item page's is an error at its line. No writing here.
"""

from __future__ import annotations

from mecasite.config.settings import SiteConfig
from mecasite.content.model import Gone
from mecasite.content.schemas import COLLECTIONS
from mecasite.problems import Collector, did_you_mean
from mecasite.sources.fields import Field, FieldError, list_of, to_slug, to_text, validate
from mecasite.sources.files import SourceError, parse_yaml_file, read_text

FILE = "redirects.yaml"
FIELD = "deleted"
EXAMPLE = "fr/actions/trade-fair/"
SCHEMA = {FIELD: Field(list_of(to_text, "addresses", f"[{EXAMPLE}]"), False, f"old addresses, e.g. {EXAMPLE}", ())}


def load_gone(config: SiteConfig, problems: Collector) -> tuple[Gone, ...]:
    """The addresses of `content/redirects.yaml` (none when the file does not exist), each checked."""
    path = config.content_dir / FILE
    if not path.is_file():
        return ()
    rel = config.rel(path)
    try:
        doc = parse_yaml_file(read_text(path)).meta
    except SourceError as exc:
        problems.add(rel, exc.line, exc.message, exc.hint, column=exc.column)
        return ()
    if not isinstance(doc.data, dict):
        problems.add(rel, 1, f"expected '{FIELD}:' and a list of addresses", f"write {FIELD}: [{EXAMPLE}]")
        return ()
    found = []
    for index, address in enumerate(validate(doc, SCHEMA, rel, problems).get(FIELD) or ()):
        pos = doc.pos((FIELD, index))
        try:
            found.append(to_gone(config, address))
        except FieldError as exc:
            problems.add(rel, pos.line, exc.message, exc.hint, column=pos.column)
    return tuple(found)


def to_gone(config: SiteConfig, address: str) -> Gone:
    """`fr/actions/trade-fair/` (or `fr/approche/` for a free page) as a `Gone`; FieldError if no item page could
    ever have had that address."""
    parts = address.strip("/").split("/")
    if parts[0] not in config.codes:
        raise FieldError(
            f"'{address}' does not start with a language code",
            did_you_mean(parts[0], list(config.codes)) + f"; write it as {EXAMPLE}",
        )
    lang = parts[0]
    words = {config.sections[c][lang]: c for c in COLLECTIONS if COLLECTIONS[c].has_pages and c in config.sections}
    if len(parts) == 3 and parts[1] not in words:
        raise FieldError(
            f"'{address}': '{parts[1]}' is not a section with pages in '{lang}'",
            "sections: " + ", ".join(sorted(words)),
        )
    if len(parts) not in (2, 3):
        raise FieldError(f"'{address}' is not the address of an item's page", f"write it as {EXAMPLE}")
    try:
        to_slug(parts[-1])
    except FieldError as exc:
        raise FieldError(f"'{address}': {exc.message}", exc.hint) from None
    collection = words[parts[1]] if len(parts) == 3 else "pages"
    return Gone("/".join(parts) + "/", lang, collection)
