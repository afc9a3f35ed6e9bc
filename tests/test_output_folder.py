"""The output folder: a build replaces only a folder that a build made, and never deletes a byte it did not write.

Every case runs in a sandbox inside the test's own `tmp_path`: a folder holding the project, a file of the
editor's beside it, and a home folder. A refused case must exit with code 2, say why in one line, and leave every
file and folder of the sandbox exactly as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import REPO, tree_digest, write_site

from mecasite.build.output_folder import MARKER, MARKER_NOTE, RefusedOutput, check_output, ledger
from mecasite.build.writer import Staging
from mecasite.cli import main
from mecasite.config.settings import load_config
from mecasite.preview.server import preview_config

ADVICE = "(choose a new or empty folder, e.g. public/)"


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Path:
    """tmp_path/sites/proj is the project (a small valid site with a .git folder), tmp_path/sites/keep.txt an
    editor's file beside it; the home folder is tmp_path/home. The test runs from inside the project."""
    project = tmp_path / "sites" / "proj"
    write_site(project, {})
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "sites" / "keep.txt").write_text("an editor's notes\n")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "letter.txt").write_text("private\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(project)
    return tmp_path


def refused(capsys, argv: list[str]) -> str:
    """Run the command line; assert it refused with exit code 2 and one line; return that line."""
    capsys.readouterr()  # what earlier commands printed
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize(
    "out, message",
    [
        ("..", "--out ..: refusing to replace '{sites}', which holds the project itself " + ADVICE),
        (".", "--out .: refusing to replace '{sites}/proj', which is the project folder itself " + ADVICE),
        ("../..", "--out ../..: refusing to replace '{top}', which holds the project itself " + ADVICE),
        (
            "content",
            "--out content: refusing to replace 'content', which is inside the content folder 'content/' " + ADVICE,
        ),
        (
            "content/public",
            "--out content/public: refusing to replace 'content/public', which is inside the content "
            "folder 'content/' " + ADVICE,
        ),
        (
            "templates/out",
            "--out templates/out: refusing to replace 'templates/out', which is inside the templates "
            "folder 'templates/' " + ADVICE,
        ),
        (
            "static/x",
            "--out static/x: refusing to replace 'static/x', which is inside the static files folder "
            "'static/' " + ADVICE,
        ),
        (
            "i18n/x",
            "--out i18n/x: refusing to replace 'i18n/x', which is inside the interface strings folder 'i18n/' "
            + ADVICE,
        ),
        (
            ".git/site",
            "--out .git/site: refusing to replace '.git/site', which is inside the project's git "
            "repository '.git/' " + ADVICE,
        ),
        (".cache", "--out .cache: refusing to replace '.cache', which is inside the build cache '.cache/' " + ADVICE),
        (
            "../keep.txt",
            "--out ../keep.txt: refusing to replace '{sites}/keep.txt', which is a file, not a folder " + ADVICE,
        ),
    ],
)
def test_build_refuses_folders_it_must_not_replace(sandbox, capsys, out, message):
    before = tree_digest(sandbox)
    line = refused(capsys, ["build", "--out", out])
    assert line == message.format(sites=sandbox / "sites", top=sandbox)
    assert tree_digest(sandbox) == before


def test_the_home_folder_is_refused_and_shown_as_tilde(sandbox, capsys):
    before = tree_digest(sandbox)
    line = refused(capsys, ["build", "--out", str(sandbox / "home")])
    assert line == f"--out {sandbox / 'home'}: refusing to replace '~', which is the home folder {ADVICE}"
    assert tree_digest(sandbox) == before


def test_the_root_of_the_file_system_is_refused(sandbox):
    """Only the rule is asked here (it reads, never writes): no test points a build outside its tmp_path."""
    config = load_config(Path("site_config.yaml")).with_overrides(out=Path("/"))
    with pytest.raises(
        RefusedOutput,
        match=r"^--out /: refusing to replace '/', which is the root of the file "
        r"system",
    ):
        check_output(config)


def test_a_link_is_followed_before_the_rules(sandbox, capsys):
    (sandbox / "link-to-sites").symlink_to(sandbox / "sites")
    Path("pub").symlink_to(Path("content").resolve())
    before = tree_digest(sandbox)
    line = refused(capsys, ["build", "--out", str(sandbox / "link-to-sites")])
    assert line == (
        f"--out {sandbox / 'link-to-sites'}: refusing to replace '{sandbox / 'link-to-sites'}' "
        f"(a link to '{sandbox / 'sites'}'), which holds the project itself {ADVICE}"
    )
    line = refused(capsys, ["build", "--out", "pub/site"])
    assert line == (
        "--out pub/site: refusing to replace 'pub/site' (a link to 'content/site'), which is inside "
        f"the content folder 'content/' {ADVICE}"
    )
    assert tree_digest(sandbox) == before


def test_a_folder_that_no_build_made_is_refused(sandbox, capsys):
    old = sandbox / "sites" / "old-site"
    old.mkdir()
    (old / "index.html").write_text("<p>made by hand</p>")
    before = tree_digest(sandbox)
    line = refused(capsys, ["build", "--out", "../old-site"])
    assert line == (
        f"--out ../old-site: refusing to replace '{old}', which holds files that no build of this "
        f"site made (it has no {MARKER} marker) {ADVICE}"
    )
    assert tree_digest(sandbox) == before


def test_output_dir_in_the_config_follows_the_same_rules_and_check_reports_it(sandbox, capsys):
    config = Path("site_config.yaml")
    config.write_text(config.read_text().replace("output_dir: public", "output_dir: .."))
    before = tree_digest(sandbox)
    for command in ("build", "check"):
        line = refused(capsys, [command])
        assert line == (
            f"site_config.yaml:2: output_dir: refusing to replace '{sandbox / 'sites'}', which holds "
            f"the project itself {ADVICE}"
        )
    assert tree_digest(sandbox) == before


def test_the_preview_folder_follows_the_same_rules(sandbox, capsys):
    """`serve` refuses before it writes or listens; its rebuilds never delete an editor's file either."""
    preview = Path(".preview/site")
    preview.mkdir(parents=True)
    (preview / "draft.txt").write_text("mine")
    before = tree_digest(sandbox)
    line = refused(capsys, ["serve", "--port", "1"])
    assert line == (
        f"the preview folder .preview/site: refusing to replace '.preview/site', which holds files "
        f"that no build of this site made (it has no {MARKER} marker) {ADVICE}"
    )
    assert tree_digest(sandbox) == before


def test_an_empty_folder_becomes_the_output_and_the_next_build_replaces_it(sandbox, capsys):
    Path("site").mkdir()
    assert main(["build", "--out", "site"]) == 0
    assert (Path("site") / MARKER).read_text().startswith("This folder was made by the MecaTech site generator")
    assert (Path("site") / "fr" / "index.html").is_file()
    assert main(["build", "--out", "site", "--force"]) == 0
    assert (Path("site") / "fr" / "index.html").is_file()


def test_a_file_added_to_a_built_folder_is_never_deleted(sandbox, capsys):
    assert main(["build"]) == 0
    Path("public/notes.txt").write_text("the editor's own")
    Path("public/fr/index.html").write_text("edited by hand")
    before = tree_digest(sandbox)
    line = refused(capsys, ["build", "--force"])
    assert line == (
        "site_config.yaml:2: output_dir: refusing to replace 'public', which holds 2 files that the "
        "last build did not write or that changed since: fr/index.html, notes.txt (move them out of it "
        "or delete them, then build again)"
    )
    assert tree_digest(sandbox) == before


def test_only_what_the_swap_put_aside_is_deleted(sandbox, capsys):
    """Leftovers of a killed build are removed only when they carry the marker; a folder of the editor's with
    a name like theirs stays."""
    mine = sandbox / "sites" / "proj" / ".public.tmp-1-2"
    mine.mkdir()
    (mine / "keep.txt").write_text("not the build's")
    assert main(["build"]) == 0
    leftover = Path(".public.tmp-3-4")
    leftover.mkdir()
    (leftover / MARKER).write_text(MARKER_NOTE)
    assert main(["build", "--force"]) == 0
    assert (mine / "keep.txt").read_text() == "not the build's"
    assert not leftover.exists()


def test_a_file_dropped_in_during_the_build_stops_the_swap(sandbox):
    """The writer checks again just before the swap: the build fails, and the output and the file stay."""
    config = load_config(Path("site_config.yaml"))
    assert main(["build"]) == 0
    before = tree_digest(config.output_dir)
    staging = Staging(config.output_dir, ledger(config))
    staging.write("fr/index.html", b"new")
    (config.output_dir / "late.txt").write_text("dropped in meanwhile")
    with pytest.raises(RefusedOutput, match="late.txt"):
        staging.commit(staging.written)
    assert not staging.root.exists()
    (config.output_dir / "late.txt").unlink()
    assert tree_digest(config.output_dir) == before


def test_build_py_exits_with_code_2(sandbox):
    """The real command, as an editor types it."""
    before = tree_digest(sandbox)
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--out", ".."],
        capture_output=True,
        text=True,
        cwd=os.getcwd(),
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"--out ..: refusing to replace '{sandbox / 'sites'}', which holds the project itself {ADVICE}"
    )
    assert tree_digest(sandbox) == before


def test_the_preview_keeps_its_folder_replaceable(sandbox):
    """The preview's in-place updates go through the writer: a full rebuild afterwards is not refused."""
    from mecasite.preview.session import Session

    config = preview_config(load_config(Path("site_config.yaml")), "127.0.0.1", 8000)
    session = Session(config)
    session.build()
    page = Path("content/actions/fair/fr.md")
    page.write_text(page.read_text().replace("Un salon.", "Un grand salon."))
    assert session.update([page.resolve()]).written >= 1
    check_output(config)  # nothing foreign: the ledger knows the rewritten files
    session.build()
