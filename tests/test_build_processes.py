"""A build renders in several processes exactly as in one: the same files, the same problems.

Large sites are rendered by one forked process per core, each writing its pages into the staging folder and
checking their links there; anchors on other pages are checked once every page exists. These tests force
the forked route on small sites and compare it with the single-process one and with `check`.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import time

import pytest
from sitekit import REPO, text, tree_digest, write_site

from mecasite.build.output_folder import MARKER
from mecasite.build.pipeline import build, render_site
from mecasite.config.settings import load_config
from mecasite.problems import ContentError


def test_forked_and_single_process_builds_write_the_same_bytes(tmp_path):
    digests = []
    for jobs in (1, 2, 3):
        out = tmp_path / f"out{jobs}"
        config = load_config(REPO / "site_config.yaml").with_overrides(out=out)
        result = build(config, jobs=jobs, force=True)
        assert result.written == sum(1 for p in out.rglob("*") if p.is_file() and p.name != MARKER)
        digests.append(tree_digest(out))
    assert digests[0] == digests[1] == digests[2]
    in_memory = render_site(load_config(REPO / "site_config.yaml")).files
    written = {p.relative_to(tmp_path / "out2").as_posix() for p in (tmp_path / "out2").rglob("*") if p.is_file()}
    index = {path for path in written if path.startswith("pagefind/")}  # made from the built pages, by a build
    assert written - index == set(in_memory) and index


@pytest.mark.parametrize("jobs", [2, 3])
def test_the_building_process_renders_a_share_and_every_task_is_rendered_once(tmp_path, monkeypatch, jobs):
    from mecasite.build import workers

    log, real, building = tmp_path / "tasks.log", workers._render_task, os.getpid()

    def task(job, spec):
        with open(log, "a") as file:  # one short line per write: appended whole, from any process
            file.write(f"{os.getpid()} {spec[0]} {spec[1]}\n")
        return real(job, spec)

    monkeypatch.setattr(workers, "_render_task", task)
    config = load_config(REPO / "site_config.yaml").with_overrides(out=tmp_path / "out")
    build(config, jobs=jobs, force=True)
    done = [line.split() for line in log.read_text().splitlines()]
    slices = jobs * workers.SLICES_PER_JOB
    assert sorted(int(index) for _, index, _ in done) == [workers.EXTRAS, *range(slices)]
    assert {int(count) for _, index, count in done if int(index) != workers.EXTRAS} == {slices}
    extras = [int(pid) for pid, index, _ in done if int(index) == workers.EXTRAS]
    assert extras != [building]  # the extra files, the longest task, start at once in a forked process
    assert str(building) in {pid for pid, _, _ in done}  # the parent rendered pages too
    assert len({pid for pid, _, _ in done}) <= jobs


BROKEN = {
    "content/actions/fair/en.md": text(
        "The fair",
        "fair",
        body=(
            "## Results\n\nA fair.\n\n"
            "See [nowhere](/international/en/nowhere/), [the partner's history](partner:acme#history),\n"
            "[results](#results) and [more](#more)."
        ),
    ),
}
EXPECTED = [  # at the file and line the editor wrote (the front matter has 6 lines, with its source_hash)
    "content/actions/fair/en.md:11:15: broken link '/international/en/nowhere/': no such page",
    "content/actions/fair/en.md:11:68: broken link 'partner:acme#history': no anchor '#history' on that page",
    "content/actions/fair/en.md:12:32: broken link '#more': no anchor '#more' on this page",
]


def messages(problems) -> list[str]:
    return sorted(f"{p.location()}: {p.message}" for p in problems if p.code == "link")


@pytest.mark.parametrize("jobs", [1, 2])
def test_broken_links_are_found_wherever_pages_are_rendered(tmp_path, jobs):
    config_path = write_site(tmp_path, BROKEN)
    config = load_config(config_path)
    with pytest.raises(ContentError) as raised:
        build(config, jobs=jobs)
    assert messages(raised.value.problems) == EXPECTED
    assert not (tmp_path / "public").exists()  # nothing published
    with pytest.raises(ContentError) as checked:
        render_site(config)  # `check` and the preview find the same
    assert [(p.path, p.line, p.message) for p in checked.value.problems] == [
        (p.path, p.line, p.message) for p in raised.value.problems
    ]


def test_an_anchor_on_another_page_is_found_once_that_page_exists(tmp_path):
    config_path = write_site(
        tmp_path,
        {
            "content/pages/home/en.md": text(
                "Site home", body="See [the fair's results](action:fair#results) and [Acme](partner:acme)."
            )
        },
    )
    result = build(load_config(config_path), jobs=2)
    assert not [p for p in result.problems if p.code == "link"]
    home = (tmp_path / "public/en/index.html").read_text()
    assert 'href="/international/en/actions/fair/#results"' in home


def test_a_large_site_is_read_by_two_processes_as_by_one(tmp_path, monkeypatch):
    from mecasite.build import reading
    from mecasite.problems import Collector

    config = load_config(
        write_site(
            tmp_path,
            {
                "content/actions/aaa/item.yaml": "date: 2014-13-01\npartners: [acme]\n",  # in the first half
                "content/testimonials/zzz/item.yaml": "partner: acme\nlanguage: en\ncolour: red\n",  # in the second
                "content/testimonials/zzz/en.md": '---\nsignature: "Acme"\n---\nGood.\n',
            },
        )
    )
    single = Collector()
    expected = reading.read_content(config, single)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 0)
    forked = Collector()
    model = reading.read_content(config, forked)
    assert list(model.items) == list(expected.items) and model.items == expected.items
    assert forked.problems == single.problems and len(single.problems) == 2


def test_the_two_readers_each_read_a_folder_once_and_keep_the_order(tmp_path, monkeypatch):
    from mecasite.build import reading
    from mecasite.content.loader import item_folders
    from mecasite.problems import Collector

    files = {f"content/partners/p{n:02d}/item.yaml": "country: BE\n" for n in range(40)}
    files.update({f"content/partners/p{n:02d}/en.md": text(f"Partner {n}", slug=f"p{n:02d}") for n in range(40)})
    files["content/partners/p07/item.yaml"] = "country: Belgium\n"  # a problem in one chunk
    files["content/partners/p38/item.yaml"] = "country: Mars\n"  # and one in another
    config = load_config(write_site(tmp_path, files))
    single = Collector()
    expected = reading.read_content(config, single)
    readers = tmp_path / "readers"
    real, parent = reading.load_item, os.getpid()

    def load(config, collection, item_dir, *rest):
        with open(readers, "a") as log:  # each process appends whole lines
            log.write(f"{os.getpid()} {item_dir.parent.name}/{item_dir.name}\n")
        helper_started(readers, parent)  # so that the helper surely takes a share
        return real(config, collection, item_dir, *rest)

    monkeypatch.setattr(reading, "PARALLEL_FROM", 0)
    monkeypatch.setattr(reading, "load_item", load)
    forked = Collector()
    model = reading.read_content(config, forked)
    assert list(model.items) == list(expected.items) and model.items == expected.items
    assert forked.problems == single.problems and len(single.problems) == 2
    by_process: dict[str, list[str]] = {}
    for line in readers.read_text().splitlines():
        pid, name = line.split()
        by_process.setdefault(pid, []).append(name)
    mine = by_process.pop(str(parent))
    [helper] = by_process.values()
    order = [f"{folder.parent.name}/{folder.name}" for _, folder in item_folders(config, Collector())]
    assert sorted(helper + mine) == sorted(order)  # each folder read once, by one of the two
    assert mine and helper


def test_a_helper_sends_its_results_without_waiting_for_the_parent_to_read_them():
    """processes.Sent: 30 results of 200 KB (a pipe holds 64 KB) sent while the parent reads none: the
    helper ends all the same, and the parent then receives each once, under its number."""
    from mecasite.build.processes import Sent, Tickets

    tickets, sent = Tickets(30), Sent()
    pid = os.fork()
    if pid == 0:  # the helper: takes every number, as the parent takes none
        try:
            while (number := tickets.take()) is not None:
                sent.send(number, bytes([number]) * 200_000)
            sent.end()
        finally:
            os._exit(0)
    for _ in range(1000):  # 10 s at most
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        time.sleep(0.01)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the helper waited for the parent to read")
    received = list(sent.received())
    assert sorted(received) == [(n, bytes([n]) * 200_000) for n in range(30)] and sent.ended == 1
    assert tickets.take() is None
    tickets.close()
    sent.close()
    with pytest.raises(ValueError):
        Tickets(Tickets.MOST + 1)  # more than a pipe holds for sure: the writer would block


def helper_started(log, parent: int) -> None:
    """In the building process: wait (10 s at most) until a forked helper has written a line to `log`."""
    for _ in range(1000):
        if os.getpid() != parent or any(not line.startswith(f"{parent} ") for line in log.read_text().splitlines()):
            return
        time.sleep(0.01)


@pytest.mark.parametrize("forked", [False, True])
def test_check_finds_what_the_build_finds_and_writes_nothing(tmp_path, monkeypatch, forked):
    from mecasite.build import workers as parallel
    from mecasite.build.pipeline import check_site

    if forked:
        monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
    config = load_config(write_site(tmp_path, BROKEN))

    def files():  # the cache aside (compiled templates): no output, no staging folder
        return sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if ".cache" not in p.parts)

    before = files()
    with pytest.raises(ContentError) as checked:
        check_site(config)
    assert messages(checked.value.problems) == EXPECTED
    with pytest.raises(ContentError) as in_memory:
        render_site(config)
    assert [(p.path, p.line, p.message) for p in checked.value.problems] == [
        (p.path, p.line, p.message) for p in in_memory.value.problems
    ]
    assert files() == before


# A helper process that dies (killed for memory, a crash in a C extension) ends the build at once with one
# line naming the signal. Fault injection: the task that renders a given page, or the helper that reads the
# content, kills itself; the parent sees what it would see after the kernel's OOM killer.


def dying_render_task(monkeypatch, signum: int) -> None:
    """Make the forked render process given the extra files (the first task, never the building process's)
    kill itself with `signum`."""
    from mecasite.build import workers as parallel

    real, building = parallel._render_task, os.getpid()

    def task(job, spec):
        if spec[0] == parallel.EXTRAS and os.getpid() != building:
            faulthandler.disable()  # pytest's, inherited: it would print the crash's stack
            os.kill(os.getpid(), signum)
        return real(job, spec)

    monkeypatch.setattr(parallel, "_render_task", task)


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".public."))


@pytest.mark.parametrize(
    "signum,why",
    [
        (signal.SIGKILL, "killed by signal 9: SIGKILL, perhaps out of memory"),
        (signal.SIGSEGV, "killed by signal 11: SIGSEGV, a crash in a C extension"),
    ],
)
def test_a_render_process_that_dies_ends_the_build_with_one_clear_line(tmp_path, capsys, monkeypatch, signum, why):
    from mecasite.cli import main

    config = write_site(tmp_path, {})
    assert main(["build", "--config", str(config)]) == 0
    before = tree_digest(tmp_path / "public")
    dying_render_task(monkeypatch, signum)
    capsys.readouterr()
    assert main(["build", "--config", str(config), "--jobs", "2", "--force"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"public: a render process died ({why}); the previous output is untouched"
    assert "Traceback" not in err
    assert tree_digest(tmp_path / "public") == before
    assert leftovers(tmp_path) == []  # the staging folder is gone
    monkeypatch.undo()
    assert main(["build", "--config", str(config), "--jobs", "2", "--force"]) == 0  # nothing left broken


def test_check_and_the_preview_report_a_render_process_that_died(tmp_path, monkeypatch):
    from mecasite.build.pipeline import check_site
    from mecasite.preview.session import Session

    config = load_config(write_site(tmp_path, {}))
    dying_render_task(monkeypatch, signal.SIGKILL)
    monkeypatch.setattr("mecasite.build.workers.PARALLEL_FROM", 0)
    for run in (lambda: check_site(config), lambda: Session(config).build()):
        with pytest.raises(ContentError) as raised:
            run()
        assert [p.format() for p in raised.value.problems] == [
            "public: a render process died (killed by signal 9: SIGKILL, perhaps out of memory); "
            "the previous output is untouched"
        ]


def test_a_content_reading_process_that_dies_ends_the_build_with_one_clear_line(tmp_path, capsys, monkeypatch):
    from mecasite.build import reading
    from mecasite.cli import main

    config = write_site(tmp_path, {})
    assert main(["build", "--config", str(config)]) == 0
    before = tree_digest(tmp_path / "public")
    parent, real, started = os.getpid(), reading.load_item, tmp_path / "started"
    started.write_text("")

    def load(*args):
        if os.getpid() != parent:  # in the helper, as soon as it takes a chunk
            started.write_text("helper\n")
            os.kill(os.getpid(), signal.SIGKILL)
        helper_started(started, parent)
        return real(*args)

    monkeypatch.setattr(reading, "PARALLEL_FROM", 0)
    monkeypatch.setattr(reading, "load_item", load)
    capsys.readouterr()
    assert main(["build", "--config", str(config), "--force"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        "content: a content-reading process died (killed by signal 9: SIGKILL, "
        "perhaps out of memory); the previous output is untouched"
    )
    assert "Traceback" not in err
    assert tree_digest(tmp_path / "public") == before


@pytest.mark.parametrize(
    "codes,said",
    [
        ([-15, -9, -15], "killed by signal 9: SIGKILL, perhaps out of memory"),  # the others ended by the executor
        ([0, -11], "killed by signal 11: SIGSEGV, a crash in a C extension"),
        ([-15, 3], "it exited with code 3"),
        ([-15, -15], "killed by signal 15: SIGTERM"),  # someone ended them all
        ([None, 0], "it ended without sending its result"),
    ],
)
def test_how_a_helper_died_is_read_from_the_exit_codes(codes, said):
    from mecasite.build.processes import how_it_died

    assert how_it_died(codes) == said


def _walk_or_refuse(folder):
    from mecasite.build.output_folder import RefusedOutput, files_below

    if (folder / "refuse").exists():
        raise RefusedOutput(f"refusing to replace '{folder}'")
    return sorted(files_below(folder))


def _die(folder):
    if os.environ.get("BESIDE_DIE"):  # set when the helper was forked
        os.kill(os.getpid(), signal.SIGKILL)
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fork", [True, False])
def test_a_walk_beside_answers_as_the_walk_here(tmp_path, fork):
    """The output and its spare are walked by a forked process while the build walks the content
    (build/beside.py): the same answer as a walk in this process, the same refusal raised here."""
    from mecasite.build.beside import Beside
    from mecasite.build.output_folder import RefusedOutput, files_below

    for i in range(300):
        (tmp_path / f"d{i % 7}").mkdir(exist_ok=True)
        (tmp_path / f"d{i % 7}/f{i}.html").write_text("x" * i)
    assert Beside(_walk_or_refuse, tmp_path, fork=fork).result() == sorted(files_below(tmp_path))
    (tmp_path / "refuse").write_text("")
    with pytest.raises(RefusedOutput, match="refusing to replace"):
        Beside(_walk_or_refuse, tmp_path, fork=fork).result()


def test_a_helper_that_dies_leaves_the_answer_to_this_process(tmp_path, monkeypatch):
    from mecasite.build.beside import Beside

    (tmp_path / "a").write_text("")
    monkeypatch.setenv("BESIDE_DIE", "1")
    later = Beside(_die, tmp_path)
    monkeypatch.delenv("BESIDE_DIE")  # asked here, the function answers
    assert later.result() == ["a"]
