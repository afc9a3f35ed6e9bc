"""A build after an edit renders only what the edit affects, and leaves the site a clean build would.

The records of the last build (build/records.py) say what each page read; the next build renders again the
pages that read what changed and carries every other file over (a hard link: the same file, not a copy).
The randomized differential test (test_differential.py) checks many edits byte for byte; these tests say
what the shortcut does, and when it steps aside.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from sitekit import REPO, counted_feed_entries, tree_digest

from mecasite.build import records, records_file, workers
from mecasite.build.pipeline import build
from mecasite.config.settings import load_config
from mecasite.problems import ContentError


def real_project(root: Path) -> Path:
    """A copy of the real project (content, templates, static files, strings, config)."""
    for name in ("content", "templates", "static", "i18n"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site_config.yaml", root / "site_config.yaml")
    return root / "site_config.yaml"


def inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}


def clean_build_of(config_path: Path, root: Path) -> str:
    """The digest of a clean build of the same tree, elsewhere, with no cache."""
    shutil.copytree(config_path.parent, root, ignore=shutil.ignore_patterns(".cache", "public", ".public*"))
    build(load_config(root / "site_config.yaml"))
    return tree_digest(root / "public")


def test_a_body_edit_renders_again_only_the_pages_that_show_that_text(tmp_path):
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    build(config)
    out = config.output_dir
    before = inodes(out)

    source = tmp_path / "site/content/partners/materalia/de.md"
    source.write_text(source.read_text().replace("\n\n", "\n\nEin neuer Satz.\n\n", 1))
    build(config)

    after = inodes(out)
    again = {path for path in after if after[path] != before.get(path)}
    assert "de/partner/materalia/index.html" in again
    assert "fr/partenaires/materalia/index.html" not in again  # the French page shows the French text
    assert 1 <= len([p for p in again if p.endswith(".html")]) < len(before) // 4
    assert tree_digest(out) == clean_build_of(config_path, tmp_path / "clean")


def test_a_template_edit_renders_everything(tmp_path):
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    build(config)
    before = inodes(config.output_dir)
    base = tmp_path / "site/templates/base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- edited -->\n</body>"))
    build(config)
    after = inodes(config.output_dir)
    pages = [path for path in after if path.endswith("index.html")]
    assert all(after[path] != before.get(path) for path in pages)
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_force_and_a_changed_output_render_everything(tmp_path):
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    build(config)
    first = inodes(config.output_dir)
    build(config, force=True)
    second = inodes(config.output_dir)
    assert not first.keys() & {path for path in second if second[path] == first[path]} - {".mecasite-output"}
    frame = records.frame_of(config)
    assert records.load(config, frame, []) is None  # records of another output are not used


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not a pickle",
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # the header cut
        lambda data: data[:-100],  # the last folder's record cut
    ],
    ids=["garbage", "empty", "header cut", "folders cut"],
)
def test_unreadable_records_mean_a_full_build(tmp_path, damage):
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    build(config)
    for path in (tmp_path / "site/.cache").glob("records-*.pickle"):
        path.write_bytes(damage(path.read_bytes()))
    source = tmp_path / "site/content/partners/materalia/fr.md"
    source.write_text(source.read_text() + "\nUne phrase de plus.\n")
    build(config)
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_the_first_walk_gives_each_item_folder_the_signature_a_walk_of_it_gives(tmp_path, monkeypatch):
    """A build reads the item folders' signatures in what its first walk of the inputs saw (manifest.Inputs
    `listing`), not by walking them again: the same signatures, a subfolder and a link included."""
    from mecasite.build import manifest, reading
    from mecasite.problems import Collector

    config = load_config(real_project(tmp_path / "site"))
    (config.content_dir / "actions/a-note").symlink_to(REPO / "README.md")  # a link where a folder goes
    (config.content_dir / "partners/high-tech-nl/notes").mkdir()  # a folder's subfolder counts too
    materalia = config.content_dir / "partners/materalia"
    (materalia / "linked.md").symlink_to(materalia / "fr.md")  # a folder holding a link: never trusted
    monkeypatch.setattr(reading, "RACY_NS", -(10**12))  # files written just now count as settled
    walked = reading.read_folders(config, Collector())[1]
    listed = reading.read_folders(config, Collector(), listing=manifest.inputs_fingerprint(config, {}).listing)[1]
    assert {rel: f.signature for rel, f in listed.items()} == {rel: f.signature for rel, f in walked.items()}
    assert listed["content/partners/materalia"].signature is None
    assert listed["content/actions/a-note"].signature is None
    assert sum(f.signature is not None for f in listed.values()) == len(listed) - 2
    assert "notes" in [name for name, *_ in listed["content/partners/high-tech-nl"].signature or ()]


def test_the_records_keep_each_original_with_the_fingerprint_of_its_words(tmp_path):
    """A build after an edit compares the translations of the texts it did not read again with their
    originals' fingerprints as the records kept them (Text.memo): those of their words, as computed afresh."""
    from dataclasses import replace

    from mecasite.build.output_folder import files_below
    from mecasite.content.translations import digest

    config = load_config(real_project(tmp_path / "site"))
    build(config)
    kept = records.load(config, records.frame_of(config), files_below(config.output_dir))
    assert kept is not None
    originals = [item.texts["fr"] for item in kept.items.values() if "fr" in item.texts]
    assert len(originals) > 20
    for text in originals:
        afresh = replace(text)  # the same text, its memo empty
        assert "digest" not in afresh.memo
        assert text.memo["digest"] == digest(afresh)
    edited = replace(originals[0], body=originals[0].body + "\nUne phrase de plus.\n")
    assert digest(edited) != digest(originals[0])


def test_a_text_and_its_item_unpickled_are_the_ones_pickled(tmp_path):
    """The records make texts again without their frozen `__init__` (model._text): every attribute is back,
    the mappings read-only, the memo carried, and a copy made with `replace` is a plain text again."""
    import pickle
    from dataclasses import fields, replace
    from types import MappingProxyType

    from mecasite.content.loader import load_content
    from mecasite.problems import Collector

    model = load_content(load_config(real_project(tmp_path / "site")), Collector())
    item = next(item for item in model.items.values() if len(item.texts) == 4)
    marked = replace(item.texts["nl"], marks=((3, 7, "TODO"),))  # no text of the site has one
    item = replace(item, texts=MappingProxyType({**item.texts, "nl": marked}))
    item.texts["fr"].memo["digest"] = "kept"
    again = pickle.loads(pickle.dumps(item))

    def attributes(value):
        return {f.name: getattr(value, f.name) for f in fields(value)}

    assert again == item and again is not item and attributes(again) == attributes(item)
    assert all(
        isinstance(getattr(again, name), MappingProxyType) for name in ("facts", "texts", "lines", "drafts", "files")
    )
    for lang, text in item.texts.items():
        assert attributes(again.texts[lang]) == attributes(text)
        assert isinstance(again.texts[lang].fields, MappingProxyType) and isinstance(
            again.texts[lang].lines, MappingProxyType
        )
    assert again.texts["fr"].memo == {"digest": "kept"}
    assert replace(again.texts["fr"], body="x").memo == {}


def test_with_the_output_and_its_spare_walked_beside_an_edit_still_gives_a_clean_build(tmp_path, monkeypatch):
    """On a large site the output and its spare are walked by forked processes (build/uptodate.py): forced
    here on a small one, two edits in turn (the second starts from the spare) leave a clean build's site."""
    from mecasite.build import uptodate

    monkeypatch.setattr(uptodate, "FORK_FROM", 0)
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    build(config)
    # The second edit is of another partner: the first one's page, kept, is not the spare's (the site before).
    for partner, sentence in (("materalia", "Ein neuer Satz."), ("high-tech-nl", "Noch ein Satz.")):
        source = tmp_path / f"site/content/partners/{partner}/de.md"
        before = inodes(config.output_dir)
        source.write_text(f"{source.read_text()}\n{sentence}\n")
        build(config)
        after = inodes(config.output_dir)
        assert after[f"fr/partenaires/{partner}/index.html"] == before[f"fr/partenaires/{partner}/index.html"]
        assert after[f"de/partner/{partner}/index.html"] != before[f"de/partner/{partner}/index.html"]
    assert (tmp_path / "site/.public.spare").is_dir()
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_the_readers_index_kept_pickled_answers_as_the_index_it_was_saved_from():
    """The records keep which pages read each (item, language) pickled apart (records.Index): unpickled
    only when asked for or added to, and saved again with what a build after an edit added."""
    from mecasite.render.memo import Readers

    fair, acme = (("actions", "fair"), "en"), (("partners", "acme"), "fr")
    readers: Readers[str] = Readers()
    readers.add("en/actions/fair/index.html", [fair], [fair])
    readers.add("fr/partenaires/acme/index.html", [acme, fair], [])
    index = records.Index(*records.Index.saved(readers))
    asked = [([fair], []), ([], [fair]), ([acme], [acme]), ([(("pages", "home"), "en")], [])]
    assert [index.of(m, b) for m, b in asked] == [readers.of(m, b) for m, b in asked]
    for both in (index, readers):
        both.add("en/index.html", [acme], [acme])
    again = records.Index(*records.Index.saved(index))
    assert [again.of(m, b) for m, b in asked] == [readers.of(m, b) for m, b in asked]
    assert again.of([acme], []) == {"fr/partenaires/acme/index.html", "en/index.html"}
    # a build from scratch keeps its index as lists (records_file.Lists): the same answers, saved or not
    lists = records_file.Lists({}, {})
    for path, (meta, body) in {
        "en/actions/fair/index.html": ([fair], [fair]),
        "en/index.html": ([acme], [acme]),
    }.items():
        lists.add(path, meta, body)
    lists.add("fr/partenaires/acme/index.html", [acme, fair], [])
    kept = records.Index(*records.Index.saved(lists))
    assert (
        [lists.of(m, b) for m, b in asked] == [kept.of(m, b) for m, b in asked] == [readers.of(m, b) for m, b in asked]
    )


def test_a_body_edit_renders_again_only_the_feed_entry_that_shows_that_text(tmp_path, monkeypatch):
    """The feeds' entries are kept in the records with what each read: a build after a body edit renders the
    edited text's entry in its own language's feed alone, and the feed is the one a clean build writes."""
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    rendered = counted_feed_entries(monkeypatch)
    build(config)
    actions = len(list((tmp_path / "site/content/actions").iterdir()))
    assert sorted(rendered) == sorted(set(rendered)) and len(rendered) == actions * len(config.codes)  # once each
    rendered.clear()
    before = inodes(config.output_dir)

    source = tmp_path / "site/content/actions/intermat/de.md"
    source.write_text(source.read_text().replace("\n\n", "\n\nEin neuer Satz.\n\n", 1))
    build(config)

    assert rendered == [("intermat", "de")]
    after = inodes(config.output_dir)
    assert after["de/aktionen/atom.xml"] != before["de/aktionen/atom.xml"]
    assert after["fr/actions/atom.xml"] == before["fr/actions/atom.xml"]  # kept: it shows the French text
    assert "Ein neuer Satz." in (config.output_dir / "de/aktionen/atom.xml").read_text()
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")

    # The entries handed to a build are kept for the next even when the memo holding them was emptied while it
    # rendered (as a large site's list pages do): only the entry rendered then, and forgotten, is made again.
    monkeypatch.setattr(workers, "MEMO_KEPT", 0)
    for name, expected in (("vitamin", ["vitamin"]), ("transmit", ["transmit", "vitamin"])):  # vitamin's: forgotten
        rendered.clear()
        source = tmp_path / f"site/content/actions/{name}/de.md"
        source.write_text(source.read_text() + "\nNoch ein Satz.\n")
        build(config)
        assert sorted(rendered) == [(action, "de") for action in expected]
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean2")


def test_after_a_build_rendered_in_forked_processes_an_edit_renders_one_feed_entry(tmp_path, monkeypatch):
    """A large site's feeds are rendered by a forked process: their entries come back to the records, so the
    first build after an edit renders only the edited text's entry, not the whole feed of its language."""
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    build(config, jobs=2)  # rendered by this process and a forked one, which made the feeds
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10_000)  # the edit's pages in this process, to count them
    rendered = counted_feed_entries(monkeypatch)
    source = tmp_path / "site/content/actions/intermat/de.md"
    source.write_text(source.read_text().replace("\n\n", "\n\nEin neuer Satz.\n\n", 1))
    build(config)
    assert rendered == [("intermat", "de")]
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def recorded(config) -> tuple:
    """What the records on disk hold, unpickled: items, the readers' index, problems, notices, strings."""
    from mecasite.build.output_folder import files_below

    found = records.load(config, records.frame_of(config), files_below(config.output_dir))
    assert found is not None
    meta, body = records.Index.saved(found.readers)
    index = [{read: set(pickle.loads(pages)) for read, pages in side.items()} for side in (meta, body)]
    kept = {rel: (f.signature, f.item, f.problems) for rel, f in found.folders.items()}
    return kept, index, found.page_problems, found.notices, found.used_strings


def test_the_records_of_a_build_in_forked_processes_are_those_of_one_process(tmp_path, monkeypatch):
    """On a large site the readers' index is made as the pages come back from the processes that render them
    (workers.render_into): the same records as a build in one process."""
    single = load_config(real_project(tmp_path / "single"))
    build(single, jobs=1)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    forked = load_config(real_project(tmp_path / "forked"))
    build(forked, jobs=2)
    assert recorded(forked) == recorded(single)


def test_a_failed_build_leaves_no_records_and_a_killed_ones_file_is_removed_by_the_next(tmp_path):
    config = load_config(real_project(tmp_path / "site"))
    build(config)
    path = Path(records._path(config))
    stale, alive = Path(f"{path}.tmp-{2**22 + 1}"), Path(f"{path}.tmp-1")  # no such process; init, alive
    stale.write_bytes(b"left by a build that was killed")
    alive.write_bytes(b"being written by another build")
    template = tmp_path / "site/templates/base.html"
    good = template.read_text()
    template.write_text(good.replace("</footer>", '<a href="/nowhere/">x</a></footer>', 1))
    with pytest.raises(ContentError):
        build(config)  # the broken link is found once every page is rendered
    assert not path.exists()  # records of another output than the one in place: none
    template.write_text(good)
    build(config)
    assert path.exists()
    assert sorted(p.name for p in config.cache_dir.iterdir() if ".tmp-" in p.name) == [alive.name]
