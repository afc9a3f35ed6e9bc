"""Files beside the text: the images and documents an item's folder may hold, and which one a page shows.

Files are language-neutral; a language overrides one by naming it with its code before the extension
(`cover.jpg` for every language, `cover.nl.jpg` for the Dutch pages). The fields that name a file (a partner's
`logo:`, an action's `image:`) are checked here against the folder, and an action's image must have its
alternative text (`image_alt:`) in every language file. Pure: the loader lists the files, no I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mecasite.content.model import Item, Model
from mecasite.problems import Collector

IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".svg")
# Documents are copied as they are, never opened: types an editor hands out, checked by their first bytes.
DOCUMENT_TYPES = (".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp")
FILE_TYPES = IMAGE_TYPES + DOCUMENT_TYPES
# A file named in Markdown or a field: a plain name in the item's folder (no folder, no scheme).
FILE_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:" + "|".join(t[1:] for t in FILE_TYPES) + r")$", re.I)
# The fields that name a file, per collection; the text field that holds its alternative text (None: the
# item's title is the alternative text, as for a logo shown beside the name it spells).
FILE_FIELDS: Mapping[str, Mapping[str, str | None]] = {
    "partners": {"logo": None},
    "actions": {"image": "image_alt"},
}
FILES_HINT = "images (" + ", ".join(IMAGE_TYPES) + ") and documents (" + ", ".join(DOCUMENT_TYPES) + ")"
DECORATIVE = '""'  # ![""](photo.jpg): no alternative text, on purpose (a decorative image)


def is_attachment(name: str) -> bool:
    """Whether a file of an item's folder is an image or a document (by its extension, in any case)."""
    return name.lower().endswith(FILE_TYPES) and not name.startswith(".")


def is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_TYPES)


def language_of(name: str, codes: Iterable[str]) -> str:
    """The language a file is for (`cover.nl.jpg`: nl), or "" for a neutral one."""
    parts = name.split(".")
    return parts[-2] if len(parts) >= 3 and parts[-2] in set(codes) else ""


def localized(name: str, lang: str) -> str:
    """`cover.jpg` as the file for `lang`: `cover.nl.jpg`."""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{lang}.{ext}" if dot else name


def neutral(name: str, codes: Iterable[str]) -> str:
    """The name a text or a field uses for a file: `cover.nl.jpg` is `cover.jpg` on the Dutch pages."""
    if not language_of(name, codes):
        return name
    stem, _, ext = name.rpartition(".")
    return f"{stem.rpartition('.')[0]}.{ext}"


def find(item: Item, name: str, lang: str) -> str | None:
    """The project-relative path of the file `name` as the `lang` pages show it (its override first)."""
    return item.files.get(localized(name, lang)) or item.files.get(name)


def missing_hint(item: Item) -> str:
    """The files that do exist in the item's folder, for a message about one that does not."""
    if not item.files:
        return "the item's folder holds no image or document: put the file next to item.yaml"
    return "files there: " + ", ".join(sorted(item.files))


def check_files(model: Model, problems: Collector) -> None:
    """Every field naming a file names one in the item's folder, of the right kind, and an image named by a
    field has its alternative text in every language file that exists."""
    for item in model.items.values():
        for name, alt_field in FILE_FIELDS.get(item.collection, {}).items():
            value = item.facts.get(name)
            if not value:
                continue
            line = item.lines.get(name, 0)
            folder = item.path.rpartition("/")[0]
            if not is_image(value):
                problems.add(item.path, line, f"{name}: '{value}' is not an image", "use " + ", ".join(IMAGE_TYPES))
            elif value not in item.files:
                problems.add(item.path, line, f"{name}: no file '{value}' in {folder}/", missing_hint(item))
            if alt_field is None:
                continue
            for text in item.texts.values():
                if text.fields.get(alt_field) is None:
                    problems.add(
                        text.path,
                        1,
                        f"missing '{alt_field}': the alternative text of the image '{value}' in this language",
                        f'describe what the image shows in a few words, or write {alt_field}: "" for a decorative '
                        "image",
                    )
