"""The content says what the two source pages say: every fact where it belongs, in every language, and nothing more.

The facts are a table here, not in the content: each fact of the source pages (organisations, places, countries,
dates, numbers, programmes, titles of books and events, signatures) with how each language writes it and the
pages it belongs on. The second test turns the table round: a number or a proper name in any text of the built
site that is not in the table (nor in the short list of each language's own words below) is something the
sources do not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from test_site import BASE, LANGS, item_pages


@dataclass(frozen=True)
class Fact:
    """A fact of the sources: where it belongs, and its words in each language (each listed word must appear)."""

    name: str
    where: tuple[str, ...]  # "collection/id"; a testimonial is checked in its figure on the testimonials page
    words: dict[str, tuple[str, ...]]


def same(*words: str) -> dict[str, tuple[str, ...]]:
    """A fact written alike in every language (a name, a number)."""
    return {lang: words for lang in LANGS}


def each(fr, en, nl, de) -> dict[str, tuple[str, ...]]:
    """A fact written in each language's own words; a string stands for a one-word tuple."""
    return {lang: (w,) if isinstance(w, str) else w for lang, w in zip(LANGS, (fr, en, nl, de), strict=False)}


INTERMAT_PAGES = ("actions/intermat", "partners/materalia", "partners/surfmat", "partners/grande-region")
WORKING_GROUP = ("actions/medical-devices-working-group",)
GREATER_REGION_PAGES = ("actions/other-international-contacts", "partners/grande-region")

FACTS = (
    # The older page: essential elements, resources, positioning, promotion.
    Fact(
        "a competitiveness cluster",
        ("pages/approach",),
        each("pôle de compétitivité", "competitiveness cluster", "competitiviteitspool", "Wettbewerbspol"),
    ),
    Fact(
        "foreign investors, with the help of OFI (now AWEX-Invest in Wallonia)",
        ("pages/approach", "partners/awex-invest-in-wallonia"),
        same("OFI", "AWEX-Invest in Wallonia"),
    ),
    Fact(
        "projects with an international dimension",
        ("pages/approach", "pages/home"),
        each(
            "à dimension internationale",
            "with an international dimension",
            "met een internationale dimensie",
            "mit internationaler Dimension",
        ),
    ),
    Fact(
        "promotion so far on Belgium's neighbouring countries",
        ("pages/approach",),
        each(
            ("Belgique", "France", "Allemagne", "Pays-Bas", "Grand-Duché de Luxembourg"),
            ("Belgium", "France", "Germany", "Netherlands", "Grand Duchy of Luxembourg"),
            ("België", "Frankrijk", "Duitsland", "Nederland", "Groothertogdom Luxemburg"),
            ("Belgiens", "Frankreich", "Deutschland", "Niederlande", "Großherzogtum Luxemburg"),
        ),
    ),
    # The older page: our international actions.
    Fact(
        "INTERMAT created on 3 March 2010",
        INTERMAT_PAGES,
        each("3 mars 2010", "3 March 2010", "3 maart 2010", "3. März 2010"),
    ),
    Fact("INTERMAT's founders (older page)", INTERMAT_PAGES, same("INTERMAT", "Materalia", "MecaTech", "Surfmat")),
    Fact(
        "the founders' countries",
        ("actions/intermat",),
        each(
            ("France", "Belgique", "Luxembourg"),
            ("France", "Belgium", "Luxembourg"),
            ("Frankrijk", "België", "Luxemburg"),
            ("Frankreich", "Belgien", "Luxemburg"),
        ),
    ),
    Fact(
        "recognised by the EU", ("actions/intermat",), each("Union européenne", "European Union", "Europese Unie", "EU")
    ),
    Fact(
        "call for projects of the Regional Council of Champagne-Ardenne",
        ("actions/intermat",),
        each(
            "Conseil régional de Champagne-Ardenne",
            "Regional Council of Champagne-Ardenne",
            "Regionale Raad van Champagne-Ardenne",
            "Regionalrats der Champagne-Ardenne",
        ),
    ),
    Fact("a European Interreg project on medical devices", WORKING_GROUP + ("partners/pole-fibres",), same("Interreg")),
    Fact(
        "the four partners the group was opened to",
        WORKING_GROUP,
        same("Pôle Fibres", "Microtechnologies", "Competence Center for Medical Technology", "Medical Mountains"),
    ),
    Fact(
        "their countries",
        WORKING_GROUP,
        each(
            ("France", "Suisse", "Allemagne"),
            ("France", "Switzerland", "Germany"),
            ("Frankrijk", "Zwitserland", "Duitsland"),
            ("Frankreich", "Schweiz", "Deutschland"),
        ),
    ),
    Fact(
        "Imagésanté, 2012, Liège's Teaching Hospital Complex",
        ("actions/imagesante-2012",),
        each(
            ("Imagésanté", "2012", "CHU de Liège"),
            ("Imagésanté", "2012", "Liège's Teaching Hospital Complex"),
            ("Imagésanté", "2012", "Luik"),
            ("Imagésanté", "2012", "Lüttich"),
        ),
    ),
    Fact(
        "TRANSMIT, EU Leonardo programme, Grenoble University, HEC-ULg Executive School",
        ("actions/transmit",),
        each(
            ("TRANSMIT", "Leonardo", "Université de Grenoble", "HEC-ULg Executive School", "Wallonie"),
            ("TRANSMIT", "Leonardo", "Grenoble University", "HEC-ULg Executive School", "Wallonia"),
            ("TRANSMIT", "Leonardo", "Universiteit van Grenoble", "HEC-ULg Executive School", "Wallonië"),
            ("TRANSMIT", "Leonardo", "Universität Grenoble", "HEC-ULg Executive School", "Wallonien"),
        ),
    ),
    Fact(
        "Texas A&M University, a contact",
        ("actions/other-international-contacts", "partners/texas-am-university"),
        same("Texas A&M University"),
    ),
    Fact(
        "the Greater Region and its parts",
        GREATER_REGION_PAGES,
        each(
            ("Grande Région", "Wallonie", "Grand-Duché de Luxembourg", "Rhénanie-Palatinat", "Sarre", "Lorraine"),
            ("Greater Region", "Wallonia", "Grand Duchy of Luxembourg", "Rhineland-Palatinate", "Saarland", "Lorraine"),
            ("Grote Regio", "Wallonië", "Groothertogdom Luxemburg", "Rijnland-Palts", "Saarland", "Lotharingen"),
            ("Großregion", "Wallonien", "Großherzogtum Luxemburg", "Rheinland-Pfalz", "Saarland", "Lothringen"),
        ),
    ),
    Fact(
        "the Basque Country and AFM, the machine tool manufacturers of Spain",
        ("actions/other-international-contacts", "partners/afm"),
        each(
            ("Pays basque", "AFM", "espagnole"),
            ("Basque Country", "AFM", "Machine Tool Manufacturers Association of Spain"),
            ("Baskenland", "AFM", "Spaanse"),
            ("Baskenland", "AFM", "spanischen"),
        ),
    ),
    Fact(
        "the Netherlands and Romania, contacts",
        ("actions/other-international-contacts",),
        each(
            ("Pays-Bas", "Roumanie"), ("Netherlands", "Romania"), ("Nederland", "Roemenië"), ("Niederlande", "Rumänien")
        ),
    ),
    # The newer page.
    Fact(
        "the three goals, the third with AWEX-Invest in Wallonia",
        ("pages/home",),
        each(
            ("trois objectifs", "AWEX-Invest in Wallonia"),
            ("three goals", "AWEX-Invest in Wallonia"),
            ("drie doelstellingen", "AWEX-Invest in Wallonia"),
            ("drei Zielen", "AWEX-Invest in Wallonia"),
        ),
    ),
    Fact(
        "the priority countries, the blue banana",
        ("pages/home",),
        each(
            ("Pays-Bas", "Allemagne", "Luxembourg", "France", "banane bleue"),
            ("Netherlands", "Germany", "Luxembourg", "France", "blue banana"),
            ("Nederland", "Duitsland", "Luxemburg", "Frankrijk", "blauwe banaan"),
            ("Niederlande", "Deutschland", "Luxemburg", "Frankreich", "Blaue Banane"),
        ),
    ),
    Fact(
        "long-distance operations",
        ("pages/home",),
        each(
            ("Québec", "Massachusetts", "Roumanie"),
            ("Quebec", "Massachusetts", "Romania"),
            ("Quebec", "Massachusetts", "Roemenië"),
            ("Quebec", "Massachusetts", "Rumänien"),
        ),
    ),
    Fact(
        "the 'digital and automation' strategy",
        ("pages/home",),
        each(
            "numérique et automatisation",
            "digital and automation",
            "digitalisering en automatisering",
            "Digitalisierung und Automatisierung",
        ),
    ),
    Fact(
        "High Tech NL and its book",
        ("partners/high-tech-nl",),
        same("High Tech NL", "High-tech Industry and the Geographic Perspective"),
    ),
    Fact(
        "High Tech NL's Programme Director",
        ("testimonials/high-tech-nl",),
        each(
            ("Directeur de programme, High Tech NL", "Wallonie"),
            ("Programme Director, High Tech NL", "Wallonia"),
            ("Programmadirecteur, High Tech NL", "Wallonië"),
            ("Programmdirektor, High Tech NL", "Wallonien", "MecaTech CC"),
        ),
    ),
    Fact(
        "Materalia, a leading cluster in France",
        ("partners/materalia",),
        each("France", "France", "Frankrijk", "Frankreich"),
    ),
    Fact(
        "the joint INTERREG projects INTERMAT GR and VITAMIN",
        ("actions/intermat", "testimonials/materalia"),
        same("INTERREG", "INTERMAT GR", "VITAMIN"),
    ),
    Fact("INTERMAT GR, an INTERREG project", ("actions/intermat-gr",), same("INTERREG", "INTERMAT GR")),
    Fact("VITAMIN, an INTERREG project", ("actions/vitamin",), same("INTERREG", "VITAMIN")),
    Fact(
        "the Materalia quote's founders, as the quote says",
        ("testimonials/materalia", "actions/intermat"),
        each(
            ("Grande Région", "Materalia", "MecaTech", "Luxinnovation"),
            ("Grande Région", "Materalia", "MecaTech", "Luxinnovation"),
            ("Grote Regio", "Materalia", "MecaTech", "Luxinnovation"),
            ("Großregion", "Materalia", "MecaTech", "Luxinnovation"),
        ),
    ),
    Fact("the Métamorphoses show", ("actions/metamorphoses-2015", "testimonials/materalia"), same("Métamorphoses")),
    Fact(
        "the President of the Materalia Cluster",
        ("testimonials/materalia",),
        each(
            "Président du Materalia Cluster",
            "President of the Materalia Cluster",
            "Voorzitter van het Materalia Cluster",
            "Präsident des Materalia-Clusters",
        ),
    ),
    Fact(
        "Luxinnovation, a Luxembourg agency, National Contact Point for Horizon 2020, ESA and EUREKA",
        ("partners/luxinnovation",),
        each(
            (
                "luxembourgeoise",
                "point de contact national pour Horizon 2020",
                "Agence spatiale européenne (ESA)",
                "EUREKA",
            ),
            ("Luxembourg agency", "National Contact Point for Horizon 2020", "European Space Agency (ESA)", "EUREKA"),
            ("Luxemburgse", "nationale contactpunt voor Horizon 2020", "Europees Ruimteagentschap (ESA)", "EUREKA"),
            (
                "luxemburgische",
                "nationale Kontaktstelle für Horizon 2020",
                "Europäische Weltraumorganisation (ESA)",
                "EUREKA",
            ),
        ),
    ),
    Fact(
        "the activities of the Luxinnovation collaboration",
        ("partners/luxinnovation", "testimonials/luxinnovation"),
        same("Business-Meets-Research", "2014", "Métamorphoses", "2015"),
    ),
    Fact(
        "InterMatGR, the cross-border network for materials and processes",
        ("actions/intermat-gr", "testimonials/luxinnovation"),
        same("InterMatGR"),
    ),
    Fact(
        "the 2014 Business-Meets-Research Forum",
        ("actions/business-meets-research-2014",),
        same("Business-Meets-Research", "2014", "Luxinnovation"),
    ),
    Fact("the Métamorphoses show in 2015", ("actions/metamorphoses-2015",), same("Métamorphoses", "2015")),
    Fact(
        "Luxinnovation's Head of Sector",
        ("testimonials/luxinnovation",),
        same("Materials & Production Technologies", "Luxinnovation"),
    ),
)

# Words that are the translations' own, not facts: each language's capitalised common words and abbreviations.
# Dutch and English capitalise adjectives of place (the places are in the table); French capitalises the
# institutions' generic words; every language shouts the quote's MATERIALS and PROCESSES.
OWN_WORDS = {
    "fr": {"PME", "R&D", "CHU", "Centre", "Université", "MATÉRIAUX", "PROCÉDÉS", "Forum", "Festival", "Salon"},
    "en": {
        "SMEs",
        "R&D",
        "CHU",
        "March",
        "European",
        "French",
        "Belgian",
        "Dutch",
        "Swiss",
        "German",
        "Spain",
        "Head",
        "Sector",
        "MATERIALS",
        "PROCESSES",
        "Forum",
        "Cluster",
        "Region",
    },
    "nl": {
        "R&D",
        "CHU",
        "Europese",
        "Europees",
        "Franse",
        "Belgische",
        "Nederlandse",
        "Zwitserse",
        "Duitse",
        "Waalse",
        "Luxemburgse",
        "Luxemburgs",
        "Spaanse",
        "Europa",
        "MATERIALEN",
        "PROCESSEN",
        "Forum",
        "Cluster",
        "Universiteit",
    },
    "de": {"KMU", "F&E", "CHU", "EU", "WERKSTOFFE", "VERFAHREN"},
}
# Every language writes the cluster's own names the same way; "Europe" and "La" (Grande Région) are the newer and
# the older page's own words, which the translations keep.
NAMES = {"MecaTech", "MecaTech-Cluster", "Cluster", "INTERMAT-Gruppe", "Europe", "La"}


class _Texts(HTMLParser):
    """The editors' text of a page, one string per block: the article (without its date and country line) or a
    quote (without its label); the interface around them is not content. A quote is read on the testimonials
    page, where its translation is in the page's language (an item page shows the English original too)."""

    BLOCKS = {"h1", "h2", "h3", "p", "li", "cite", "figcaption"}

    def __init__(self, html: str, container: str):
        super().__init__(convert_charrefs=True)
        self.container = container
        self.blocks: list[str] = []
        self.depth = 0  # inside the article or a quote
        self.skip = 0  # inside the date/country line or the translation label
        self.current: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == self.container and ("prose" in classes or "quote" in classes):
            self.depth += 1
        elif self.depth and tag == "p" and ("meta" in classes or "quote-translation-label" in classes):
            self.skip += 1
        if self.depth and tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if self.depth and tag in self.BLOCKS:
            self._flush()
            if tag == "p" and self.skip:
                self.skip -= 1
        if tag == self.container and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.current.append(data)

    def _flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []


def figure_html(html: str, testimonial: str) -> str:
    start = html.index(f'id="testimonial-{testimonial}"')
    return "<figure class='quote' " + html[start : html.index("</figure>", start) + len("</figure>")]


TESTIMONIALS = {"fr": "temoignages", "en": "testimonials", "nl": "getuigenissen", "de": "stimmen"}


@pytest.fixture(scope="module")
def texts(real_site) -> dict[tuple[str, str], list[str]]:
    """("collection/id", lang) -> the blocks of text the editors wrote, as the built site shows them."""
    found = {}
    for (collection, item), urls in item_pages(real_site).items():
        for lang, url in urls.items():
            found[(f"{collection}/{item}", lang)] = _Texts(
                real_site.path(url).read_text(encoding="utf-8"), "article"
            ).blocks
    for lang in LANGS:
        html = real_site.path(f"{BASE}{lang}/{TESTIMONIALS[lang]}/").read_text(encoding="utf-8")
        for testimonial in re.findall(r'id="testimonial-([a-z0-9-]+)"', html):
            blocks = _Texts(figure_html(html, testimonial), "figure").blocks
            # The English original is shown on every page; in another language the fact must be in its translation.
            found[(f"testimonials/{testimonial}", lang)] = blocks if lang == "en" else blocks[1:]
    return found


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.name)
def test_every_fact_of_the_sources_is_where_it_belongs_in_every_language(texts, fact):
    for where in fact.where:
        for lang in LANGS:
            text = " ".join(texts[(where, lang)])
            missing = [w for w in fact.words[lang] if w not in text]
            assert not missing, f"{where} ({lang}): {fact.name}: missing {missing}"


def allowed_numbers() -> set[str]:
    return {n for fact in FACTS for words in fact.words.values() for w in words for n in re.findall(r"\d+", w)}


def allowed_names() -> set[str]:
    names = set(NAMES)
    for fact in FACTS:
        for words in fact.words.values():
            for w in words:
                names |= {part for token in _tokens(w) for part in _parts(token)}
    return names


_WORD = re.compile(r"[\w&]+(?:[-'’][\w&]+)*")
_SENTENCE = re.compile(r"(?:^|[.!?:;–«“‘„\"]\s*)$")


def _tokens(text: str) -> list[str]:
    return [re.sub(r"['’]s$", "", m.group()) for m in _WORD.finditer(text)]


def _parts(token: str) -> list[str]:
    """A hyphenated compound's parts, and the compound itself: R&D-centra has R&D, MecaTech-Cluster is a name."""
    return [token, *token.split("-")]


def _names(text: str, lang: str) -> list[str]:
    """The words of a text that may be proper names: capitalised, and not the first word of a sentence.

    A capitalised first word cannot be told from an ordinary word without a dictionary, so it is not checked; a
    name rarely appears only there (the table's names all recur mid-sentence).
    German capitalises every noun, so in German only words with a capital after their first letter (MecaTech,
    ESA, InterMatGR) and words holding digits count; a German name that looks like a noun is caught in the other
    three languages, whose texts say the same (each translation is checked against its French)."""
    found = []
    for m in _WORD.finditer(text):
        if _SENTENCE.search(text[: m.start()]):
            continue
        word = re.sub(r"^[LlDd]['’]|['’]s$", "", m.group())
        for part in word.split("-"):
            if not part or not part[0].isupper():
                continue
            if lang == "de" and not any(c.isupper() for c in part[1:]):
                continue
            found.append(part)
    return found


def unknown_in(block: str, lang: str, numbers: set[str], names: set[str]) -> list[str]:
    """The numbers and names of one block of text that neither the sources nor the language's own words have."""
    found = [f"number {n}" for n in re.findall(r"\d+", block) if n not in numbers]
    found += [f"name {word!r}" for word in _names(block, lang) if word not in names and word not in OWN_WORDS[lang]]
    return found


def test_no_number_or_name_the_sources_do_not_have(texts):
    numbers, names = allowed_numbers(), allowed_names()
    unknown = [
        f"{where} ({lang}): {problem} in {block!r}"
        for (where, lang), blocks in sorted(texts.items())
        for block in blocks
        for problem in unknown_in(block, lang, numbers, names)
    ]
    assert not unknown, "\n".join(unknown[:30])


def test_the_check_can_fail():
    """An invented partner and year are caught: the allow-lists do not let everything through."""
    numbers, names = allowed_numbers(), allowed_names()
    assert unknown_in("Le MecaTech Cluster a signé en 2019 un accord avec Siemens.", "fr", numbers, names) == [
        "number 2019",
        "name 'Siemens'",
    ]
    assert unknown_in("Das MecaTech-Cluster arbeitet seit 2016 mit ThyssenKrupp.", "de", numbers, names) == [
        "number 2016",
        "name 'ThyssenKrupp'",
    ]
