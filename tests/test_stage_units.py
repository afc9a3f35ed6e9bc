"""Unit tests of the stages' public functions that the site-level tests reach only through a whole build."""

from __future__ import annotations

from mecasite.build.output_folder import MARKER_NOTE, Ledger, foreign_files, replace_refusal, write_marker
from mecasite.markdown.convert import PLACEHOLDER
from mecasite.problems import Problem
from mecasite.render.body_links import closest, merge_fallback_copies, position, template_ids, typed_links
from mecasite.site.targets import Targets

KINDS = frozenset({"partner", "action", "page", "testimonial"})


def test_an_address_leads_to_a_file_of_the_output_or_says_why_not():
    targets = Targets({"en/index.html", "en/partners/acme/index.html", "static/site.css"}, "/international/")
    assert targets.resolve("/international/en/partners/acme/#history") == ("", "en/partners/acme/index.html", "history")
    assert targets.resolve("/international/static/site.css") == ("", "static/site.css", "")
    assert targets.resolve("/international/en/nowhere/") == (
        "broken link '/international/en/nowhere/': no such page",
        "",
        "",
    )
    assert (
        targets.resolve("../acme/")[0] == "link '../acme/' does not start with the site's base path '/international/'"
    )
    assert targets.resolve("https://example.org/") == ("", "", "")
    assert targets.address("en/partners/acme/index.html") == "/international/en/partners/acme/"


def test_a_link_is_found_where_it_was_typed():
    body = "Intro.\n\nSee [Acme](partner:acme#history) and <https://example.org/>.\n"
    assert position(body, "partner:acme#history", 7) == (9, 12)
    assert position(body, "https://example.org/", 7) == (9, 39)
    assert position(body, "nowhere", 7) == (7, 0)  # not found as typed: the body's first line


def test_a_converted_body_gives_back_its_links_as_typed():
    html = (
        f'<p><a href="{PLACEHOLDER}partner/acme#history">A</a> <a href="/x/?a=1&amp;b=2">x</a>'
        f' <a href="{PLACEHOLDER}partner/acme#history">again</a></p>'
    )
    found = typed_links(html, "[A](partner:acme#history) [x](/x/?a=1&b=2)", 3, KINDS)
    assert [(link.href, link.line, link.column) for link in found] == [
        ("partner:acme#history", 3, 5),
        ("/x/?a=1&b=2", 3, 31),
    ]


def test_the_closest_anchors_come_first_and_templates_ids_are_literal_ones():
    assert closest("resultat", {"résultats", "history", "resultats"}).startswith("anchors there: #resultats")
    assert closest("x", set()) == "that page has no headings to link to"
    assert template_ids(['<main id="main">', '<li id="partner-{{ id }}">', "<h2 id='single'>"]) == {"main"}


def test_fallback_copies_of_one_problem_become_one_line():
    base = Problem("content/a/fr.md", 3, 5, "broken link 'x': no anchor '#x' on that page", "hint")
    copies = [
        base,
        *(
            Problem(
                base.path, 3, 5, base.message + f" (on the {lang} page, which shows this text as a fallback)", "hint"
            )
            for lang in ("nl", "de")
        ),
    ]
    assert [p.message for p in merge_fallback_copies(copies)] == [
        base.message + " (and on the de, nl pages, which show this text as a fallback)"
    ]
    only = merge_fallback_copies(copies[1:2])
    assert [p.message for p in only] == [base.message + " (on the nl page, which shows this text as a fallback)"]


def test_a_folder_is_the_builds_own_only_when_all_its_files_are(tmp_path):
    ledger, out = Ledger(tmp_path / "cache"), tmp_path / "out"
    assert replace_refusal(out, ledger) is None  # does not exist
    out.mkdir()
    assert replace_refusal(out, ledger) is None  # empty
    (out / "page.html").write_text("x")
    assert "no build of this site made" in replace_refusal(out, ledger)[0]
    write_marker(out)
    assert (out / ".mecasite-output").read_text() == MARKER_NOTE
    assert foreign_files(out, ledger) == []  # marked, no ledger: the marker vouches
    st = (out / "page.html").stat()
    ledger.write(out, [("page.html", st.st_size, st.st_mtime_ns)])
    assert foreign_files(out, ledger) == []  # pending is known too (a build killed around its swap)
    ledger.settle(out)
    (out / "mine.txt").write_text("the editor's")
    assert foreign_files(out, ledger) == ["mine.txt"]
    assert "1 file that the last build did not write" in replace_refusal(out, ledger)[0]


def test_a_ledger_carried_as_text_to_the_folder_put_aside_reads_as_the_one_it_was_taken_from(tmp_path):
    """The swap puts the old site aside whole: its ledger goes with it as text (Ledger.text), not parsed and
    written again line by line, and says the same of every file, a preview's rewrites and removals included."""
    ledger, live, aside = Ledger(tmp_path / "cache"), tmp_path / "live", tmp_path / "aside"
    live.mkdir()
    aside.mkdir()
    assert ledger.text(live) is None
    ledger.write(live, [("a.html", 1, 2), ("b.html", 3, 4), ("c.html", 5, 6)])
    ledger.settle(live)
    ledger.append(live, [("a.html", 7, 8), ("b.html", None, None)])  # the preview rewrote one, removed one
    ledger.write(live, [("d.html", 9, 10)])  # pending: a build killed around its swap
    ledger.write(aside, text=ledger.text(live))
    ledger.settle(aside)
    assert (
        ledger.read(aside) == ledger.read(live) == {"a.html": {(1, 2), (7, 8)}, "c.html": {(5, 6)}, "d.html": {(9, 10)}}
    )


def test_a_build_asks_only_for_the_translation_states_with_something_to_do(tmp_path):
    """`check_translations(everything=False)`, as a build asks it: the same problems, and the states with
    something to do (outdated, missing, not finished), in the same order as the whole list has them."""
    from sitekit import text, write_site

    from mecasite.config.settings import load_config
    from mecasite.content.loader import load_content
    from mecasite.content.translations import FALLBACK, MISSING, OUTDATED, check_translations
    from mecasite.problems import Collector

    config = load_config(
        write_site(
            tmp_path,
            {
                "content/partners/acme/nl.md": text("TODO(translate) Acme", "acme"),  # not finished
                "content/actions/fair/en.md": text("The fair", "fair", source_hash="0123456789ab"),  # outdated
            },
            stamp=False,
        )
    )
    model = load_content(config, Collector())
    whole, some = Collector(), Collector()
    every = check_translations(config, model, whole)
    wanted = check_translations(config, model, some, everything=False)
    assert wanted == [s for s in every if s.status in (OUTDATED, MISSING, FALLBACK)]
    assert {s.status for s in wanted} == {OUTDATED, MISSING, FALLBACK}
    assert len(every) == 4 * len(model.items) > len(wanted)
    assert some.problems == whole.problems and whole.problems
