"""Randomized differential test: the preview's updates and a build that reuses its caches give, after every
edit, byte for byte the site a clean build of the same tree gives.

A seeded sequence of random edits (a body, a title, a slug, references, an item added or deleted, an image
replaced, added or removed, an interface string, a template, the config, a static file) is applied to a small
site. After each one: (a) the preview (serve.py's Rebuilder: a Session's `update`, or a new Session when the
config changed), (b) a build reusing the caches and the manifest, as `python build.py build` does, into its
own folder, (c) a clean build of a copy of the tree, with no cache, into a fresh folder. An edit that breaks
the site must fail identically in all three (the same problems), leave (a) and (b) as they were, and is then
undone.

Replay a failure with the seed it prints: MECASITE_DIFF_SEED=1234 pytest tests/test_differential.py. The
default run makes a short sequence; `pytest -m slow` a long one (MECASITE_DIFF_STEPS sets its length).
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from imagekit import photo
from sitekit import minimal_files, quote, text, write_site

from mecasite.build.pipeline import build
from mecasite.config.settings import load_config
from mecasite.preview.server import Rebuilder, preview_config
from mecasite.problems import ContentError

HOST, PORT = "127.0.0.1", 8000

BASE = {
    **minimal_files(),
    "content/actions/forum/item.yaml": "date: 2016-10\npartners: [acme, beta]\nrelated: [fair]\n",
    "content/actions/forum/fr.md": text(
        "Le forum", "forum", body="Un forum avec [Beta](partner:beta).\n\n| an | lieu |\n|---|---|\n| 2016 | Liège |"
    ),
    "content/actions/forum/de.md": text("Das Forum", "forum", body="Ein _Forum_."),
    "content/partners/beta/item.yaml": "country: [BE, LU]\n",
    "content/partners/beta/fr.md": text("Beta", "beta", body="Beta : un réseau ! Voir [le salon](action:fair)."),
    "content/partners/beta/nl.md": text("Beta", "beta", body="Een netwerk."),
    "content/pages/approach/item.yaml": "order: 2\n",
    "content/pages/approach/fr.md": text("Notre approche", "approche", body="## Éléments\n\nTexte *riche*."),
    "content/pages/approach/en.md": text("Our approach", "approach", body="## Elements\n\nRich *text*."),
    "content/testimonials/beta/item.yaml": "partner: beta\nlanguage: fr\nactions: [forum]\n",
    "content/testimonials/beta/fr.md": quote("Directrice, Beta", "Une belle action."),
}

WORDS = ("salon", "réseau", "mission", "Liège", "innovation", "matériaux", "cluster", "export", "forum")
RICH = (
    "_emphasis_",
    "**strong**",
    "`code`",
    "\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "\n\n> a quote\n",
    "\n\n1. one\n2. two\n",
    "\n\n## A heading {#custom}\n",
)


@dataclass
class Tree:
    """The site being edited, with what the current edit changed (to undo it if it breaks the site)."""

    root: Path
    rng: random.Random
    saved: dict[Path, bytes | None] = field(default_factory=dict)
    changed: set[Path] = field(default_factory=set)

    def write(self, rel: str, data: str | bytes | None) -> None:
        path = self.root / rel
        if path not in self.saved:
            self.saved[path] = path.read_bytes() if path.is_file() else None
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data if isinstance(data, bytes) else data.encode())
        self.changed.add(path)

    def remove_item(self, folder: str) -> None:
        for path in sorted((self.root / folder).iterdir()):
            self.write(path.relative_to(self.root).as_posix(), None)
        (self.root / folder).rmdir()
        self.changed.add(self.root / folder)

    def undo(self) -> set[Path]:
        for path, data in self.saved.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        for path in list(self.saved):
            folder = path.parent
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        changed = set(self.saved) | {p.parent for p in self.saved}
        self.saved, self.changed = {}, set()
        return changed

    def done(self) -> set[Path]:
        """The paths the edit changed, as the watcher sees them (folders count too); kept for `undo`."""
        changed = self.changed | {p.parent for p in self.saved}
        self.changed = set()
        return changed

    def keep(self) -> None:
        """The edit built: nothing to undo."""
        self.saved = {}

    # -- what is there ------------------------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def texts(self) -> list[str]:
        return sorted(self.rel(p) for p in (self.root / "content").glob("*/*/*.md"))

    def items(self, collection: str = "*") -> list[str]:
        return sorted(self.rel(p) for p in (self.root / "content").glob(f"{collection}/*") if p.is_dir())

    def ids(self, collection: str) -> list[str]:
        return [rel.rsplit("/", 1)[1] for rel in self.items(collection)]

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text()

    def word(self) -> str:
        return self.rng.choice(WORDS)


def replace_field(source: str, name: str, value: str) -> str:
    lines = source.split("\n")
    for i, line in enumerate(lines[1:], start=1):
        if line == "---":
            lines.insert(i, f"{name}: {value}")
            break
        if line.startswith(f"{name}:"):
            lines[i] = f"{name}: {value}"
            break
    return "\n".join(lines)


# -- the edits ------------------------------------------------------------------------------------------------


def edit_body(tree: Tree) -> str:
    texts = tree.texts()
    french = [rel for rel in texts if rel.endswith("/fr.md")]  # the sources: their translations go outdated
    rel = tree.rng.choice(french if tree.rng.random() < 0.5 else texts)
    source = tree.read(rel)
    head, sep, body = source.partition("\n---\n")
    choice = tree.rng.random()
    if choice < 0.3:
        addition = f" {tree.word().capitalize()} {tree.rng.choice(RICH)}"
    elif choice < 0.5:
        kind = tree.rng.choice(["partner", "action", "page"])
        collection = {"partner": "partners", "action": "actions", "page": "pages"}[kind]
        target = tree.rng.choice(tree.ids(collection) + ["nowhere"])  # sometimes a broken link
        addition = f" Voir [{tree.word()}]({kind}:{target})."
    elif choice < 0.6:
        addition = f" « {tree.word()} » : oui ; non ?"  # French typography
    else:
        addition = f" {tree.word()}."
    if tree.rng.random() < 0.3 and body.strip():
        body = tree.word().capitalize() + "." + "\n"  # the body replaced
    tree.write(rel, head + sep + body.rstrip("\n") + addition + "\n")
    return f"body of {rel}"


def edit_title(tree: Tree) -> str:
    rel = tree.rng.choice(tree.texts())
    source = tree.read(rel)
    name = "signature" if "/testimonials/" in rel else "title"
    title = f'"{tree.word().capitalize()} {tree.rng.randint(1, 99)}"'
    tree.write(rel, replace_field(source, name, title if tree.rng.random() < 0.9 else ""))  # empty: an error
    return f"{name} of {rel}"


def edit_slug(tree: Tree) -> str:
    rels = [r for r in tree.texts() if "/testimonials/" not in r and "/home/" not in r]
    if not rels:
        return add_item(tree)
    rel = tree.rng.choice(rels)
    source = tree.read(rel)
    slug = tree.rng.choice(WORDS[:3] + ("forum", "beta", "fair", "acme")).replace("é", "e")  # may collide
    source = replace_field(source, "slug", slug)
    if tree.rng.random() < 0.3:
        source = replace_field(source, "old_slugs", f"[old-{tree.word().replace('é', 'e')}]")
    tree.write(rel, source)
    return f"slug of {rel}"


def edit_references(tree: Tree) -> str:
    kind = tree.rng.choice(["actions", "testimonials"])
    if not tree.items(kind) or not tree.ids("partners"):  # all deleted by earlier edits
        return add_item(tree)
    folder = tree.rng.choice(tree.items(kind))
    rel = f"{folder}/item.yaml"
    source = tree.read(rel)
    partners, actions = tree.ids("partners"), tree.ids("actions")
    unknown = tree.rng.random() < 0.1
    if kind == "actions":
        chosen = tree.rng.sample(partners, tree.rng.randint(0, len(partners))) + (["nobody"] if unknown else [])
        related = tree.rng.sample(actions, tree.rng.randint(0, min(2, len(actions))))
        date = tree.rng.choice(["2014-05-02", "2016-10", "2019", "2021-03-01"])
        data = f"date: {date}\npartners: [{', '.join(chosen)}]\nrelated: [{', '.join(related)}]\n"
    else:
        chosen = tree.rng.sample(actions, tree.rng.randint(0, min(2, len(actions))))
        data = "\n".join(line for line in source.splitlines() if not line.startswith("actions:"))
        data += f"\nactions: [{', '.join(chosen + (['nothing'] if unknown else []))}]\n"
    tree.write(rel, data)
    return f"references of {rel}"


def add_item(tree: Tree) -> str:
    collection = tree.rng.choice(["actions", "partners", "pages", "testimonials"])
    name = f"new-{tree.word().replace('é', 'e')}-{tree.rng.randint(1, 50)}"
    folder = f"content/{collection}/{name}"
    if (tree.root / folder).exists():
        return add_translation(tree)
    if collection in ("actions", "testimonials") and not tree.ids("partners"):
        collection = "partners"
    partner = tree.rng.choice(tree.ids("partners") or ["none"])
    facts = {
        "actions": f"date: 2018\npartners: [{partner}]\n",
        "partners": "country: DE\n",
        "pages": f"order: {tree.rng.randint(3, 9)}\n",
        "testimonials": f"partner: {partner}\nlanguage: fr\n",
    }
    tree.write(f"{folder}/item.yaml", facts[collection])
    if collection == "testimonials":
        tree.write(f"{folder}/fr.md", quote("Directeur", f"{tree.word().capitalize()}."))
    else:
        tree.write(f"{folder}/fr.md", text(f"Nouveau {tree.word()}", name, body=f"{tree.word().capitalize()}."))
        if tree.rng.random() < 0.5:
            tree.write(f"{folder}/en.md", text(f"New {tree.word()}", name, body="Text."))
    return f"added {folder}"


def add_translation(tree: Tree) -> str:
    """A translation file added or deleted (the page falls back to French, or stops falling back)."""
    folder = tree.rng.choice([f for f in tree.items() if "/testimonials/" not in f])
    lang = tree.rng.choice(["en", "nl", "de"])
    rel = f"{folder}/{lang}.md"
    if (tree.root / rel).exists():
        tree.write(rel, None)
        return f"deleted {rel}"
    slug = "" if folder.endswith("/home") else folder.rsplit("/", 1)[1]
    tree.write(rel, text(f"{lang.upper()} {tree.word()}", slug or None, body=f"{tree.word()}."))
    return f"added {rel}"


def delete_item(tree: Tree) -> str:
    folders = [f for f in tree.items() if not f.endswith("/home")]
    if not folders:
        return add_item(tree)
    folder = tree.rng.choice(folders)  # a partner others name: an error, undone next
    tree.remove_item(folder)
    return f"deleted {folder}"


def edit_image(tree: Tree) -> str:
    """An image beside a text replaced, removed (an error when something names it), or added: named by a
    body, by a partner's `logo:`, or by nothing, sometimes as a language's own (`photo.nl.jpg`)."""
    folders = tree.items("actions") + tree.items("partners")
    if not folders:
        return add_item(tree)
    folder = tree.rng.choice(folders)
    images = sorted(tree.rel(p) for p in (tree.root / folder).iterdir() if p.suffix in (".jpg", ".png"))
    size = (tree.rng.randint(40, 700), tree.rng.randint(30, 500))
    choice = tree.rng.random()
    if images and choice < 0.4:
        rel = tree.rng.choice(images)
        tree.write(rel, photo(*size, "PNG" if rel.endswith(".png") else "JPEG"))
        return f"replaced {rel}"
    if images and choice < 0.5:
        rel = tree.rng.choice(images)
        tree.write(rel, None)
        return f"removed {rel}"
    name = f"photo-{tree.rng.randint(1, 9)}"
    override = tree.rng.random() < 0.2 and bool(images)
    ext = ".png" if folder.startswith("content/partners/") else ".jpg"
    tree.write(f"{folder}/{name}{'.nl' if override else ''}{ext}", photo(*size, "PNG" if ext == ".png" else "JPEG"))
    where = tree.rng.random()
    if where < 0.4 and (tree.root / folder / "fr.md").exists():
        source = tree.read(f"{folder}/fr.md")
        tree.write(f"{folder}/fr.md", source.rstrip("\n") + f"\n\n![{tree.word()}]({name}{ext})\n")
    elif where < 0.7 and folder.startswith("content/partners/"):
        facts = [line for line in tree.read(f"{folder}/item.yaml").splitlines() if not line.startswith("logo:")]
        tree.write(f"{folder}/item.yaml", "\n".join([*facts, f"logo: {name}{ext}", ""]))
    return f"added {folder}/{name}{ext}"


def edit_string(tree: Tree) -> str:
    lang = tree.rng.choice(["fr", "en", "nl", "de"])
    rel = f"i18n/{lang}.yaml"
    lines = tree.read(rel).split("\n")
    candidates = [
        i for i, line in enumerate(lines) if line.startswith("  ") and line.rstrip().endswith('"') and "{" not in line
    ]
    i = tree.rng.choice(candidates)
    lines[i] = lines[i][:-1] + f' {tree.word()}"'
    tree.write(rel, "\n".join(lines))
    return f"string in {rel}"


def edit_template(tree: Tree) -> str:
    name = tree.rng.choice(["base.html", "_action_card.html", "action.html", "partner.html"])
    rel = f"templates/{name}"
    source = tree.read(rel)
    if tree.rng.random() < 0.1:
        tree.write(rel, source + "{{ undefined_name_here }}")  # an error
    else:
        marker = f"<!-- {tree.word()} {tree.rng.randint(1, 999)} -->"
        tree.write(rel, source.replace("\n", f"\n{marker}\n", 1) if tree.rng.random() < 0.5 else source + marker)
    return f"template {rel}"


def edit_config(tree: Tree) -> str:
    source = tree.read("site_config.yaml")
    choice = tree.rng.random()
    if choice < 0.3:
        source = (
            source.replace("name: English", f"name: English {tree.rng.randint(1, 9)}")
            if "name: English\n" in source
            else source.replace("name: English ", "name: English")
        )
    elif choice < 0.6:
        source = (
            source.replace("outdated_notice: false\n", "")
            if "outdated_notice" in source
            else source + "outdated_notice: false\n"
        )
    elif choice < 0.85:
        word = tree.rng.choice(["partners", "partenaires-x", "acteurs"])
        source = "\n".join(
            line
            if not line.startswith("  partners:")
            else f"  partners: {{fr: {word}, en: partners, nl: partners, de: partner}}"
            for line in source.split("\n")
        )
    else:
        source = (
            source.replace("base_url: https://example.org/international/", "base_url: https://example.org/")
            if "international" in source
            else source.replace("https://example.org/", "https://example.org/international/")
        )
    tree.write("site_config.yaml", source)
    return "config"


def edit_static(tree: Tree) -> str:
    if tree.rng.random() < 0.7:
        css = tree.read("static/site.css")
        tree.write("static/site.css", css + f"\n/* {tree.word()} {tree.rng.randint(1, 999)} */\n")
        return "static/site.css"
    rel = f"static/extra-{tree.rng.randint(1, 3)}.txt"
    tree.write(rel, None if (tree.root / rel).exists() else f"{tree.word()}\n")
    return rel


EDITS = (
    (edit_body, 6),
    (edit_title, 3),
    (edit_slug, 2),
    (edit_references, 2),
    (add_item, 1),
    (add_translation, 1),
    (delete_item, 1),
    (edit_image, 2),
    (edit_string, 1),
    (edit_template, 1),
    (edit_config, 1),
    (edit_static, 1),
)


# -- the three builds ---------------------------------------------------------------------------------------


def problems_of(problems) -> list[tuple]:
    return sorted((p.path, p.line, p.message) for p in problems if p.severity == "error")


def output(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def process_build(config_path: Path, out: Path) -> list[tuple]:
    """As `python build.py build` does (manifest, caches), addressed like the preview."""
    try:
        config = load_config(config_path)
        config = config.with_overrides(out=out, base_url=preview_config(config, HOST, PORT).base_url)
        build(config)
    except ContentError as exc:
        return problems_of(exc.problems)
    return []


def clean_build(root: Path, work: Path, out: Path) -> list[tuple]:
    """A copy of the tree, without caches or outputs, built into a fresh folder."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(root, work, ignore=shutil.ignore_patterns(".cache", ".preview"))
    shutil.rmtree(out, ignore_errors=True)
    return process_build(work / "site_config.yaml", out)


def run_sequence(tmp_path: Path, seed: int, steps: int) -> None:
    rng = random.Random(seed)
    root = tmp_path / "site"
    config_path = write_site(root, BASE)
    rebuilder = Rebuilder(config_path, HOST, PORT, on_built=lambda info: None)
    preview = root / ".preview/site"  # where serve.py's preview_config puts it
    process, clean = tmp_path / "process/site", tmp_path / "clean/site"
    tree = Tree(root, rng)
    history: list[str] = []
    last_good: dict[str, bytes] | None = None
    broken = False
    weights = [w for _, w in EDITS]
    for step in range(steps + 1):
        if step == 0:
            what, changed = "first build", set()
        elif broken:
            what, changed = "undo", tree.undo()
        else:
            edit = rng.choices([e for e, _ in EDITS], weights)[0]
            what = edit(tree)
            changed = tree.done()
        history.append(what)
        where = f"seed {seed}, step {step} ({what}); replay: MECASITE_DIFF_SEED={seed}; edits: {history[-6:]}"

        rebuilder.pending |= changed
        preview_problems = problems_of(rebuilder.rebuild().problems)
        if rebuilder.background is not None:
            rebuilder.background.join()  # drafted images made in full, the search index again, after an update
        process_problems = process_build(config_path, process)
        clean_problems = clean_build(root, tmp_path / "clean-tree", clean)
        assert preview_problems == clean_problems, f"preview {preview_problems} != {clean_problems}: {where}"
        assert process_problems == clean_problems, f"process build {process_problems} != {clean_problems}: {where}"
        if clean_problems:
            assert last_good is not None, where
            assert output(preview) == last_good, f"the preview changed in a failed update: {where}"
            assert output(process) == last_good, f"a failed build changed the output: {where}"
            broken = True
            continue
        broken = False
        tree.keep()
        expected = output(clean)
        for name, folder in (("preview", preview), ("process build", process)):
            actual = output(folder)
            assert sorted(actual) == sorted(expected), f"{name}: {sorted(actual.keys() ^ expected.keys())[:5]}: {where}"
            differing = sorted(path for path in expected if actual[path] != expected[path])
            assert not differing, f"{name} differs from a clean build in {differing[:5]}: {where}"
        last_good = expected


def seed_to_use(default: int | None) -> int:
    """MECASITE_DIFF_SEED, else `default`, else a new one (printed with any failure)."""
    value = os.environ.get("MECASITE_DIFF_SEED")
    if value:
        return int(value)
    return default if default is not None else random.SystemRandom().randrange(10**6)


def test_random_edits_give_the_clean_build_short(tmp_path):
    """A fixed seed by default: the same edits in every CI run."""
    run_sequence(tmp_path, seed_to_use(1), int(os.environ.get("MECASITE_DIFF_SHORT", "30")))


def test_random_edits_give_the_clean_build_as_a_large_site(tmp_path, monkeypatch):
    """The same, the small site taken for a large one (uptodate.FORK_FROM): the output and its spare walked
    by forked processes, and the check before the swap answered by the kernel's watch (build/watch.py)."""
    from mecasite.build import uptodate

    monkeypatch.setattr(uptodate, "FORK_FROM", 0)
    run_sequence(tmp_path, seed_to_use(2), int(os.environ.get("MECASITE_DIFF_SHORT", "20")))


@pytest.mark.slow
def test_random_edits_give_the_clean_build_long(tmp_path):
    """A new seed each run: new sequences each time a person runs it."""
    run_sequence(tmp_path, seed_to_use(None), int(os.environ.get("MECASITE_DIFF_STEPS", "300")))
