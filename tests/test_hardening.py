"""Bad, hostile and odd input; crashes; determinism. Each broken input ends with one clear line naming the
file (and line and column where it has them), exit code 1, no traceback, and the previous output unchanged."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitekit import REPO, tree_digest, write_site

from mecasite.cli import main

ACME_EN = "content/partners/acme/en.md"
ACME = "content/partners/acme/item.yaml"
SLUG_HINT = "(use lowercase letters a-z, digits and single hyphens, at most 80 characters)"


def lang_file(slug: str = "acme", title: str = '"Acme"') -> str:
    return f'---\ntitle: {title}\nslug: {slug}\nsummary: "x"\n---\nBody\n'


CASES = {
    "unclosed quote": (
        {ACME_EN: '---\ntitle: "Acme\nslug: acme\nsummary: "x"\n---\nBody\n'},
        f"{ACME_EN}:2:8: quoted text is not closed (close the quote with the same mark it opened with, \" or ')",
    ),
    "tab indentation": (
        {ACME: "country:\n\t- NL\n"},
        f"{ACME}:2:1: found character that cannot start any token (indent with spaces, not tabs)",
    ),
    "a list where fields belong": (
        {ACME: "- country: NL\n"},
        f"{ACME}:1: expected fields (key: value lines), found a list or a single value "
        "(write one 'field: value' per line)",
    ),
    "a single value where fields belong": (
        {ACME: "NL\n"},
        f"{ACME}:1: expected fields (key: value lines), found a list or a "
        "single value (write one 'field: value' per line)",
    ),
    "python tag never executed": (
        {ACME: "country: !!python/object/apply:os.system ['touch pwned']\n"},
        f"{ACME}:1:10: YAML tags such as 'tag:yaml.org,2002:python/object/apply:os.system'"
        " are not allowed (remove the tag; write a plain value)",
    ),
    "alias bomb": (
        {
            ACME: "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ncountry: NL\n"
        },
        f"{ACME}:1:4: anchors and aliases (& and *) are not allowed (write the value out in full)",
    ),
    "deep nesting": ({ACME: "country: " + "[" * 200 + "]" * 200 + "\n"}, f"{ACME}:1:42: nesting deeper than 32 levels"),
    "impossible date": (
        {"content/actions/fair/item.yaml": "date: 2024-02-30\npartners: [acme]\n"},
        "content/actions/fair/item.yaml:1:7: field 'date': '2024-02-30' is not a real date (check the day and "
        "the month)",
    ),
    "empty file": ({ACME_EN: ""}, f"{ACME_EN}:1: file is empty (start it with front matter between two '---' lines)"),
    "front matter not closed": (
        {ACME_EN: '---\ntitle: "Acme"\n'},
        f"{ACME_EN}:1:1: front matter is not closed (add a '---' line after the last field)",
    ),
    "huge file": (
        {ACME_EN: lang_file() + "x" * 1_100_000},
        f"{ACME_EN}: file is too large (1,100,051 bytes; the limit is 1,000,000) "
        "(split it into several items or remove pasted binary data)",
    ),
    "not UTF-8": (
        {ACME_EN: lang_file().encode() + "caf\xe9".encode("latin-1")},
        f"{ACME_EN}:7: not UTF-8 text (bad byte 0xe9 at byte offset 54) (save the file as UTF-8 in your editor)",
    ),
    "slug climbing out": (
        {ACME_EN: lang_file("../etc")},
        f"{ACME_EN}:3:7: field 'slug': invalid slug '../etc' " + SLUG_HINT,
    ),
    "slug with a slash": ({ACME_EN: lang_file("a/b")}, f"{ACME_EN}:3:7: field 'slug': invalid slug 'a/b' " + SLUG_HINT),
    "slug percent-encoded": (
        {ACME_EN: lang_file('"%2e%2e"')},
        f"{ACME_EN}:3:7: field 'slug': invalid slug '%2e%2e' " + SLUG_HINT,
    ),
    "slug with NUL": (
        {ACME_EN: lang_file('"a\\0b"')},
        f"{ACME_EN}:3:7: field 'slug': invalid slug 'a\\x00b' " + SLUG_HINT,
    ),
    "slug reserved on Windows": (
        {ACME_EN: lang_file("con")},
        f"{ACME_EN}:3:7: field 'slug': slug 'con' is a reserved file name on Windows (choose another word)",
    ),
    "slug of 300 characters": (
        {ACME_EN: lang_file("a" * 300)},
        f"{ACME_EN}:3:7: field 'slug': invalid slug '{'a' * 60}…' (300 characters) " + SLUG_HINT,
    ),
    "slug in capitals": (
        {ACME_EN: lang_file("About")},
        f"{ACME_EN}:3:7: field 'slug': invalid slug 'About' "
        "(write about: a slug is lowercase letters a-z, digits and single hyphens, at most 80 characters)",
    ),
    "slug with an accent (NFD)": (
        {ACME_EN: lang_file('"cafe\u0301"')},
        f"{ACME_EN}:3:7: field 'slug': invalid slug 'cafe\u0301' "
        "(write cafe: a slug is lowercase letters a-z, digits and single hyphens, at most 80 characters)",
    ),
}


def files_outside(root: Path) -> set[str]:
    """Everything in the project that is not the output or the cache: what a build may never touch."""
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if not p.relative_to(root).as_posix().startswith(("public", ".public", ".cache"))
    }


@pytest.mark.parametrize("files,expected", CASES.values(), ids=CASES.keys())
def test_broken_input_gives_one_clear_line_and_keeps_the_output(tmp_path, capsys, files, expected):
    config = write_site(tmp_path, {})
    assert main(["build", "--config", str(config)]) == 0
    before, sources = tree_digest(tmp_path / "public"), files_outside(tmp_path)
    for rel, data in files.items():
        (tmp_path / rel).write_bytes(data if isinstance(data, bytes) else data.encode())
    capsys.readouterr()
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert expected in err.splitlines()[0], err
    assert "Traceback" not in err
    assert tree_digest(tmp_path / "public") == before
    assert files_outside(tmp_path) == sources  # nothing written anywhere else (no "pwned" file either)


def test_yaml_1_1_surprises_stay_text(tmp_path):
    from mecasite.build.pipeline import render_site
    from mecasite.config.settings import load_config

    files = render_site(
        load_config(write_site(tmp_path, {ACME_EN: "---\ntitle: no\nslug: acme\nsummary: 1.10 and 01234\n---\nx\n"}))
    ).files
    page = files["en/partners/acme/index.html"].decode()
    assert "<h1>no</h1>" in page and "1.10 and 01234" in page


def test_bom_and_crlf_build_exactly_like_the_clean_file(tmp_path):
    clean = lang_file().replace("Body", "Body: ça va ?")
    digests = []
    for name, data in (
        ("clean", clean.encode()),
        ("bom", b"\xef\xbb\xbf" + clean.encode()),
        ("crlf", clean.replace("\n", "\r\n").encode()),
    ):
        root = tmp_path / name
        config = write_site(root, {ACME_EN: data}, stamp=False)
        assert main(["build", "--config", str(config)]) == 0
        digests.append(tree_digest(root / "public"))
    assert digests[0] == digests[1] == digests[2]


def test_symlinks_leaving_the_project_are_refused(tmp_path, capsys):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "fr.md").write_text(lang_file())
    (secret / "passwd").write_text("root:x:0:0")
    config = write_site(tmp_path / "site", {})
    (tmp_path / "site/content/partners/acme/de.md").symlink_to(secret / "fr.md")
    (tmp_path / "site/static/passwd").symlink_to(secret / "passwd")
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "content/partners/acme/de.md: symbolic link leading outside the project" in err
    assert "static/passwd: symbolic link leading outside the project" in err


def test_links_inside_the_project_are_followed_by_a_build_as_by_check(tmp_path, capsys):
    # A build reads its item folders' entries from its first walk of the content, check asks the file
    # system: a linked text and a linked item folder, both inside the project, give both the same pages.
    config = write_site(tmp_path, {})
    (tmp_path / "shared").mkdir()
    text = tmp_path / "content/partners/acme/en.md"
    text.rename(tmp_path / "shared/acme-en.md")
    text.symlink_to(tmp_path / "shared/acme-en.md")
    fair = tmp_path / "content/actions/fair"
    fair.rename(tmp_path / "shared/fair")
    fair.symlink_to(tmp_path / "shared/fair")
    assert main(["check", "--config", str(config)]) == 0
    assert main(["build", "--config", str(config)]) == 0
    assert "<h1>Acme</h1>" in (tmp_path / "public/en/partners/acme/index.html").read_text()
    assert (tmp_path / "public/en/actions/fair/index.html").exists()


def test_a_content_folder_linked_out_of_the_project_is_refused_item_by_item(tmp_path, capsys):
    config = write_site(tmp_path / "site", {})
    (tmp_path / "site/content").rename(tmp_path / "outside")
    (tmp_path / "site/content").symlink_to(tmp_path / "outside")
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "content/partners/acme: symbolic link leading outside the project" in err
    assert not (tmp_path / "site/public").exists()


def test_deleted_and_renamed_pages_disappear_from_the_output(tmp_path):
    config = write_site(tmp_path, {})
    assert main(["build", "--config", str(config)]) == 0
    assert (tmp_path / "public/en/actions/fair/index.html").exists()
    fair = tmp_path / "content/actions/fair/en.md"
    fair.write_text(fair.read_text().replace("slug: fair", "slug: trade-fair"))
    assert main(["build", "--config", str(config)]) == 0
    assert not (tmp_path / "public/en/actions/fair").exists()
    assert (tmp_path / "public/en/actions/trade-fair/index.html").exists()


def build_process(config: Path, out: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "build", "--config", str(config), "--out", str(out), "--force"],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_same_input_same_bytes_whatever_the_folder_time_zone_locale_and_hash_seed(tmp_path):
    outs = []
    for i, env in enumerate(
        (
            {"TZ": "UTC", "LC_ALL": "C", "PYTHONHASHSEED": "1"},
            {"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "4242"},
        )
    ):
        config = write_site(tmp_path / f"copy{i}", {})
        out = tmp_path / f"copy{i}" / "public"
        assert build_process(config, out, {**env, "SOURCE_DATE_EPOCH": "1700000000"}).wait(60) == 0
        outs.append(tree_digest(out))
    assert outs[0] == outs[1]


def killed_at(point: str, argv: list[str], recycled: bool = False) -> int:
    """Run the command line in a forked child that kills itself with SIGKILL at `point` of the build (fault
    injection: the same place every run, on any machine); return the child's exit status. `recycled`: the
    build must have started from the spare (exit status 5 if it did not)."""
    from mecasite.build import output_folder, spare, writer

    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        try:
            found, usable = [], spare.usable

            def spy(*args):
                found.append(usable(*args))
                return found[-1]

            spare.usable = spy

            def die(*args, **kwargs):
                if recycled and (not found or found[0] is None):
                    os._exit(5)
                os.kill(os.getpid(), signal.SIGKILL)

            if point == "rendering":  # in the middle of the pages: the staging folder is half full
                real_write, count = writer.Staging.write, [0]

                def write(self, path, data):
                    count[0] += 1
                    if count[0] == 20:
                        die()
                    real_write(self, path, data)

                writer.Staging.write = write
            elif point == "ledger":  # everything rendered, the ledger being written
                output_folder.Ledger.write = die
            elif point == "swap":  # just before the swap
                writer._swap = die
            elif point == "after swap":  # the new site in place, the old one not yet put away
                writer.Staging._dispose = die
            elif point == "keep":  # a recycled spare being filled: some of its files gone, others not yet linked
                writer.Staging.keep = die
            elif point == "prune":  # what the build did not write or keep being removed from the spare
                writer.Staging.prune = die
            elif point == "spare ledger":  # the site before being kept as the spare, its ledger being written
                real_ledger = output_folder.Ledger.write

                def write_ledger(self, out, *args, **kwargs):
                    if out.name.endswith(spare.SPARE):
                        die()
                    real_ledger(self, out, *args, **kwargs)

                output_folder.Ledger.write = write_ledger
            main(argv)
        finally:
            os._exit(3)
    return os.waitpid(pid, 0)[1]


@pytest.mark.parametrize("point", ["rendering", "ledger", "swap", "after swap"])
def test_a_killed_build_leaves_the_old_or_the_new_site_never_a_mix(tmp_path, point):
    """Killed at each step of the write, a build leaves the old site or the new one, whole; the next build
    finishes the job and removes what the killed one left beside the output."""
    config = write_site(tmp_path / "site", {})
    out = tmp_path / "out"
    argv = ["build", "--config", str(config), "--out", str(out), "--force"]
    assert main(argv) == 0
    old = tree_digest(out)
    page = tmp_path / "site" / "content/actions/fair/fr.md"
    page.write_text(page.read_text().replace('title: "', f'title: "Killed at {point}: ', 1))
    assert main(["build", "--config", str(config), "--out", str(tmp_path / "expected")]) == 0
    new = tree_digest(tmp_path / "expected")

    status = killed_at(point, argv)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert tree_digest(out) == (new if point == "after swap" else old)
    assert main(argv) == 0
    assert tree_digest(out) == new

    def left_beside() -> list[str]:  # the site before is kept as the spare; anything else is removed
        return [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.") and p.name != ".out.spare"]

    deadline = time.monotonic() + 20  # what the killed build left is deleted in the background
    while time.monotonic() < deadline and left_beside():
        time.sleep(0.05)
    assert not left_beside()


@pytest.mark.parametrize("point", ["keep", "prune", "ledger", "swap", "after swap", "spare ledger"])
def test_a_killed_recycled_build_leaves_the_old_or_the_new_site_and_the_spare_is_used_again(tmp_path, capsys, point):
    """A build after an edit that starts from the spare (build/spare.py), killed at each step: the old site or
    the new one, whole; the next builds finish the job, and the one after two edits starts from a spare again."""
    config = write_site(tmp_path / "site", {})
    out = tmp_path / "out"
    argv = ["build", "--config", str(config), "--out", str(out)]
    page = tmp_path / "site" / "content/actions/fair/fr.md"

    def edit(words: str) -> None:
        page.write_text(page.read_text().replace('title: "', f'title: "{words} ', 1))

    def expected() -> str:  # a clean build of the same tree, in a copy
        copy = tmp_path / f"expected-{time.monotonic_ns()}"
        shutil.copytree(tmp_path / "site", copy, ignore=shutil.ignore_patterns(".cache"))
        assert main(["build", "--config", str(copy / "site_config.yaml"), "--out", str(copy / "out")]) == 0
        return tree_digest(copy / "out")

    assert main(argv) == 0
    edit("First edit:")
    assert main(argv) == 0
    assert (tmp_path / ".out.spare").is_dir()
    old = tree_digest(out)
    edit(f"Killed at {point}:")
    new = expected()

    status = killed_at(point, argv, recycled=True)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert tree_digest(out) == (new if point in ("after swap", "spare ledger") else old)
    assert main(argv) == 0
    assert tree_digest(out) == new
    edit("An edit after:")  # perhaps a full build (the killed one left no records)
    assert main(argv) == 0
    edit("Another edit:")  # this one starts from the spare (exit status 5 otherwise)
    status = killed_at("swap", argv, recycled=True)
    assert os.WIFSIGNALED(status)
    assert main(argv) == 0
    assert tree_digest(out) == expected()
    assert "no build wrote" not in capsys.readouterr().err
