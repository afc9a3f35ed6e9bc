"""Content checks beyond the schema: facts that must agree across items and languages. Pure: no I/O.

- A testimonial's signature must name the organisation of the partner it is shown with (the source page
  printed two signatures swapped; this is the check that catches it).
"""

from __future__ import annotations

from mecasite.content.model import Model, sort_key
from mecasite.content.translations import is_unfinished
from mecasite.problems import Collector


def check_signatures(model: Model, problems: Collector) -> None:
    for quote in model.collection("testimonials"):
        partner = model.get("partners", quote.facts.get("partner") or "")
        if partner is None:
            continue  # reported as an unknown reference already
        names = {sort_key(t.title) for t in partner.texts.values() if t.title}
        for text in quote.texts.values():
            if is_unfinished(text):
                continue  # a new testimonial's signature is still a placeholder: reported as unfinished
            signature = sort_key(text.fields.get("signature") or "")
            if signature and not any(name in signature for name in names):
                title = partner.texts[next(iter(partner.texts))].title if partner.texts else partner.id
                problems.add(
                    text.path,
                    text.lines.get("signature", 0),
                    f"signature '{text.fields['signature']}' does not name the partner '{title}' "
                    f"that this testimonial is shown with",
                    f"check who speaks in the quote; 'partner: {partner.id}' is set in {quote.path}",
                    code="signature",
                )
