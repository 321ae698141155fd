"""Withholding's shortcut (texts with no word of any name are not searched) withholds exactly
what the full pattern does, whatever the case, accents or compatibility forms."""

from __future__ import annotations

import pytest

from alliance_flow.withholding import Withholding, withheld_label

PEOPLE = Withholding(
    frozenset(
        {"Anna Berg", "Jean-Luc Picard", "Ilkay Gündoğan", "E\u0301milie Roux", "Kristoffer"}
    ),
    frozenset({"+33 1 23 45 67 89"}),
)


@pytest.mark.parametrize(
    "text",
    [
        "Anna to call the mayor",
        "call anna berg now",
        "İLKAY GÜNDOĞAN chairs",  # dotted capital I
        "KRIſTOFFER",  # long s
        "Jean-Luc said so",
        "E\u0301milie wrote it",  # the name's own (decomposed) form
        "Émilie wrote it",  # composed: the pattern does not see it either
        "tel. +33 (1) 23-45-67-89",
        "write to a.berg@example.org",
        "Annabel and Bergman",  # longer words are other people
        "Plenary of 12 March",
        "",
    ],
)
def test_the_shortcut_withholds_what_the_pattern_does(text: str) -> None:
    full = PEOPLE.pattern.sub(withheld_label(), text) if text else text
    assert PEOPLE.text(text) == full


def test_names_are_withheld() -> None:
    assert PEOPLE.text("call anna berg now") == f"call {withheld_label()} now"
    assert PEOPLE.text("Plenary of 12 March") == "Plenary of 12 March"
