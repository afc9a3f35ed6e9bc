"""Small sites written from a dict into a temporary folder, for tests that need a site of their own.

`minimal_files()` is a complete valid site (two languages, one item per collection) using the project's
real templates, static files and interface strings, so each test changes only what it is about.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
base_url: https://example.org/international/
output_dir: public
languages:
  - code: fr
    name: Français
    default: true
  - code: en
    name: English
  - code: nl
  - code: de
sections:
  actions: {fr: actions, en: actions, nl: acties, de: aktionen}
  partners: {fr: partenaires, en: partners, nl: partners, de: partner}
  testimonials: {fr: temoignages, en: testimonials, nl: getuigenissen, de: stimmen}
share:
  - key: email
    url: "mailto:?subject={title}&body={url}"
"""


def tree_digest(folder: Path) -> str:
    """One digest of a folder's file names and contents: equal digests, byte-identical trees."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def text(title: str, slug: str | None = None, summary: str = "Résumé.", body: str = "Texte.", **extra) -> str:
    lines = ["---", f'title: "{title}"']
    if slug:
        lines.append(f"slug: {slug}")
    lines.append(f'summary: "{summary}"')
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines + ["---", body, ""])


def quote(signature: str, body: str) -> str:
    return f'---\nsignature: "{signature}"\n---\n{body}\n'


def minimal_files() -> dict[str, str]:
    return {
        "site_config.yaml": CONFIG,
        "content/pages/home/item.yaml": "home: true\n",
        "content/pages/home/fr.md": text("Accueil du site", body="Voir [Acme](partner:acme)."),
        "content/pages/home/en.md": text("Site home", body="See [Acme](partner:acme)."),
        "content/pages/home/nl.md": text("Startpagina"),
        "content/pages/home/de.md": text("Startseite"),
        "content/actions/fair/item.yaml": "date: 2014-05-02\npartners: [acme]\n",
        "content/actions/fair/fr.md": text("Le salon", "salon", body="## Résultats\n\nUn salon."),
        "content/actions/fair/en.md": text("The fair", "fair", body="## Results\n\nA fair."),
        "content/partners/acme/item.yaml": "country: NL\n",
        "content/partners/acme/fr.md": text("Acme", "acme"),
        "content/partners/acme/en.md": text("Acme", "acme"),
        "content/testimonials/acme/item.yaml": "partner: acme\nlanguage: en\n",
        "content/testimonials/acme/en.md": quote("Director, Acme", "Great work."),
        "content/testimonials/acme/fr.md": quote("Directeur, Acme", "Excellent travail."),
    }


def write_site(root: Path, files: dict[str, str | bytes | None], base: dict | None = None, stamp: bool = True) -> Path:
    """A project at `root`: the base files (minimal by default) updated with `files` (None deletes).

    With `stamp`, translations that do not say which version of the source they follow are stamped as up to
    date, as `translate --refresh` would (a test about outdated translations passes stamp=False).
    """
    merged = dict(minimal_files() if base is None else base)
    merged.update(files)
    for name in ("templates", "static", "i18n"):
        shutil.copytree(REPO / name, root / name, dirs_exist_ok=True)
    for rel, data in merged.items():
        if data is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    if stamp:
        stamp_translations(root / "site_config.yaml")
    return root / "site_config.yaml"


def stamp_translations(config_path: Path) -> None:
    from mecasite.config.settings import load_config
    from mecasite.content.loader import load_content
    from mecasite.content.translations import HASH_FIELD, digest, stamp
    from mecasite.problems import Collector, ContentError

    try:
        config = load_config(config_path)
    except ContentError:
        return
    for item in load_content(config, Collector()).items.values():
        source = item.texts.get(config.default_language)
        for lang, text in item.texts.items():
            if source and lang != config.default_language and not text.fields.get(HASH_FIELD):
                path = config.root / text.path
                raw = path.read_bytes()
                if b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf"):  # keep tests' odd files byte-exact
                    path.write_bytes(stamp(raw.decode(), digest(source)).encode())


# Pieces of Markdown that every fuzzing test mixes (each adds the ones its own route cares about).
MARKDOWN_PIECES = [
    "## ",
    "# ",
    "- ",
    "1. ",
    "> ",
    "**",
    "*",
    "_",
    "`",
    "[",
    "]",
    "(",
    ")",
    "&amp;",
    "|",
    "---",
    "\n",
    "\n\n",
    "    ",
    "\t",
    "«",
    "\r\n",
    "é",
    "\\",
]


def counted_feed_entries(monkeypatch) -> list[tuple[str, str]]:
    """The (action id, feed language) of each feed entry rendered from now on in this process, in order."""
    from mecasite.render import feeds

    rendered: list[tuple[str, str]] = []
    entry = feeds._entry

    def counted(r, action, changed, lang):
        rendered.append((action.key[1], lang))
        return entry(r, action, changed, lang)

    monkeypatch.setattr(feeds, "_entry", counted)
    return rendered
