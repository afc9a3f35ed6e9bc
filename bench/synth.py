"""A synthetic site in our content format (and the same one for Hugo), for the benchmark.

Deterministic: the same `items` and seed give the same files. Each text is about 300 words of realistic
Markdown: headings, paragraphs with emphasis, a list, and links to other items by id.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REPO = Path(__file__).resolve().parent.parent
LANGS = ("fr", "en", "nl", "de")
COUNTRIES = ("BE", "FR", "NL", "DE", "LU", "CH", "ES", "US", "CA", "RO", "IT", "AT")
WORDS = {
    "fr": "le cluster soutient des projets industriels avec des partenaires européens pour la mécanique et les matériaux "
    "innovation réseau entreprises recherche formation marché stratégie région coopération transfrontalière".split(),
    "en": "the cluster supports industrial projects with european partners for mechanical engineering and materials "
    "innovation network companies research training market strategy region cross-border cooperation".split(),
    "nl": "het cluster ondersteunt industriële projecten met europese partners voor werktuigbouw en materialen "
    "innovatie netwerk bedrijven onderzoek opleiding markt strategie regio grensoverschrijdende samenwerking".split(),
    "de": "das cluster unterstützt industrielle projekte mit europäischen partnern für maschinenbau und werkstoffe "
    "innovation netzwerk unternehmen forschung ausbildung markt strategie region grenzüberschreitende zusammenarbeit".split(),
}
SECTIONS = {
    "actions": {"fr": "actions", "en": "actions", "nl": "acties", "de": "aktionen"},
    "partners": {"fr": "partenaires", "en": "partners", "nl": "partners", "de": "partner"},
}


def sentence(rng: random.Random, lang: str, n: int) -> str:
    words = [rng.choice(WORDS[lang]) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


# Beyond plain paragraphs and lists, as editors write them. The short route (mecasite/markdown/prose.py) now
# converts these three too; WRAPPED is what it declines, so that Python-Markdown converts those texts.
RICH = 0.1  # texts that also hold a table
QUOTED = 0.05  # texts with a quotation block
CODE = 0.05  # texts with a `code span` (an article number, a standard's name)
WRAPPED = 0.0  # texts with a list item wrapped onto a second line (bench/run.py: 0.1 for a corpus of its own)


def body(rng: random.Random, lang: str, links: list[tuple[str, str, str]]) -> str:
    """About 300 words: three sections, some with `###` sub-sections, emphasis, a bulleted or numbered list,
    id links inside and at the end of sentences; a share of texts beyond plain prose (a table, a quotation,
    a code span), as editors write them: the real content is all prose, an independent corpus is not."""
    parts = []
    for section in range(3):
        parts.append(f"## {sentence(rng, lang, 4)[:-1]} {section + 1}")
        para = [sentence(rng, lang, rng.randint(12, 20)) for _ in range(3)]
        first, second, rest = para[0].split(" ", 2)
        para[0] = f"**{first} {second}** {rest}"
        if links:
            kind, item_id, title = links[section % len(links)]
            if rng.random() < 0.5:
                para[1] += f" See [{title}]({kind}:{item_id}) and *{rng.choice(WORDS[lang])}*."
            else:  # a link that ends its sentence
                para[2] = para[2][:-1] + f" [{title}]({kind}:{item_id})."
        if section == 2 and rng.random() < CODE:
            para[2] += f" Ref. `{rng.choice(WORDS[lang]).upper()}-{rng.randint(100, 999)}`."
        parts.append(" ".join(para))
        if section == 1:
            ordered = rng.random() < 0.3
            parts.append(
                "\n".join(
                    f"{f'{n}.' if ordered else '-'} {sentence(rng, lang, rng.randint(5, 9))}" for n in range(1, 5)
                )
            )
        if rng.random() < 0.4:
            parts.append(f"### {sentence(rng, lang, 3)[:-1]}")
            parts.append(sentence(rng, lang, rng.randint(15, 25)))
    if rng.random() < QUOTED:
        parts.append(f"> {sentence(rng, lang, 14)}")
    if rng.random() < RICH:
        rows = [f"| {rng.randint(2005, 2025)} | {rng.choice(WORDS[lang])} | {rng.randint(1, 40)} |" for _ in range(3)]
        parts.append("\n".join(["| | | |", "|---|---|---:|", *rows]))
    if WRAPPED and rng.random() < WRAPPED:
        first = f"- {sentence(rng, lang, 9)}\n  {sentence(rng, lang, 7)}"
        parts.append("\n".join([first, f"- {sentence(rng, lang, 5)}"]))
    return "\n\n".join(parts) + "\n"


def plan(items: int, seed: int = 7) -> list[dict]:
    """The items: 40 % partners, 60 % actions with dates and references."""
    rng = random.Random(seed)
    n_partners = max(1, items * 2 // 5)
    result = []
    for i in range(n_partners):
        result.append({"kind": "partners", "id": f"partner-{i:05d}", "country": rng.choice(COUNTRIES)})
    for i in range(items - n_partners):
        refs = sorted({f"partner-{rng.randrange(n_partners):05d}" for _ in range(rng.randint(1, 3))})
        related = sorted({f"action-{rng.randrange(max(1, i)):05d}" for _ in range(rng.randint(0, 2))}) if i else []
        result.append(
            {
                "kind": "actions",
                "id": f"action-{i:05d}",
                "partners": refs,
                "related": related,
                "date": f"{rng.randint(2005, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
        )
    return result


def texts(entry: dict, seed: int = 7):
    rng = random.Random(f"{seed}-{entry['id']}")
    links = [("partner", p, p.replace("-", " ").title()) for p in entry.get("partners", [])]
    links += [("action", a, a.replace("-", " ").title()) for a in entry.get("related", [])]
    for lang in LANGS:
        title = f"{entry['id'].replace('-', ' ').title()} {sentence(rng, lang, 3)[:-1]}"
        yield lang, title, sentence(rng, lang, 14), body(rng, lang, links)


LIKE_HUGO = "\n# What Hugo makes too, for a like-for-like comparison (bench/run.py measures both).\nsearch: false\nshare_cards: false\n"


def write_ours(root: Path, items: int, like_hugo: bool = True) -> Path:
    """Our format: content/<collection>/<id>/item.yaml + <lang>.md, with the repo's templates and strings.
    `like_hugo`: without the search index and the drawn share cards, which Hugo does not make."""
    if root.exists():
        shutil.rmtree(root)
    for name in ("templates", "static", "i18n"):
        shutil.copytree(REPO / name, root / name)
    config = (REPO / "site_config.yaml").read_text()
    (root / "site_config.yaml").write_text(config.rstrip("\n") + "\n" + (LIKE_HUGO if like_hugo else ""))
    home = root / "content/pages/home"
    home.mkdir(parents=True)
    (home / "item.yaml").write_text("home: true\n")
    for lang in LANGS:
        (home / f"{lang}.md").write_text(f'---\ntitle: "Home {lang}"\nsummary: "Synthetic site."\n---\nHello.\n')
    for entry in plan(items):
        folder = root / "content" / entry["kind"] / entry["id"]
        folder.mkdir(parents=True)
        if entry["kind"] == "partners":
            (folder / "item.yaml").write_text(f"country: {entry['country']}\n")
        else:
            (folder / "item.yaml").write_text(
                f"date: {entry['date']}\npartners: [{', '.join(entry['partners'])}]\n"
                f"related: [{', '.join(entry['related'])}]\n"
            )
        for lang, title, summary, text in texts(entry):
            (folder / f"{lang}.md").write_text(
                f'---\ntitle: "{title}"\nslug: {entry["id"]}\nsummary: "{summary}"\n---\n{text}'
            )
    stamp_all(root / "site_config.yaml")
    return root / "site_config.yaml"


def stamp_all(config_path: Path) -> None:
    """Mark every translation as made from the current source, as `translate --refresh` would."""
    from mecasite.config.settings import load_config
    from mecasite.content.loader import load_content
    from mecasite.content.translations import digest, stamp
    from mecasite.problems import Collector

    config = load_config(config_path)
    for item in load_content(config, Collector()).items.values():
        source = item.texts[config.default_language]
        for lang, text in item.texts.items():
            if lang != config.default_language:
                path = config.root / text.path
                path.write_text(stamp(path.read_text(), digest(source)))


HUGO_CONFIG = """\
baseURL = "https://example.org/international/"
defaultContentLanguage = "fr"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term", "RSS"]
[languages]
[languages.fr]
weight = 1
[languages.en]
weight = 2
[languages.nl]
weight = 3
[languages.de]
weight = 4
"""

HUGO_SINGLE = """<!DOCTYPE html><html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="description" content="{{ .Params.summary }}"><link rel="canonical" href="{{ .Permalink }}">
{{ range .Translations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}
</head><body><header><nav>{{ range .Site.Home.AllTranslations }}<a href="{{ .RelPermalink }}">{{ .Language.Lang }}</a> {{ end }}</nav></header>
<main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!DOCTYPE html><html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul></main></body></html>
"""


def write_hugo(root: Path, items: int) -> Path:
    """The same texts for Hugo: content/<section>/<id>.<lang>.md, links as relref-free plain paths."""
    if root.exists():
        shutil.rmtree(root)
    (root / "layouts/_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG)
    (root / "layouts/_default/single.html").write_text(HUGO_SINGLE)
    (root / "layouts/_default/list.html").write_text(HUGO_LIST)
    for entry in plan(items):
        folder = root / "content" / entry["kind"]
        folder.mkdir(parents=True, exist_ok=True)
        for lang, title, summary, text in texts(entry):
            text = text.replace("(partner:", f"(/{lang}/partners/").replace("(action:", f"(/{lang}/actions/")
            (folder / f"{entry['id']}.{lang}.md").write_text(
                f'---\ntitle: "{title}"\nsummary: "{summary}"\n---\n{text}'
            )
    return root
