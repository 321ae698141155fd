"""No template writes a word a reader sees outside the catalogs.

The leftover tests render pages and read them; a sentence in a branch no page of the demo takes
(an error, an empty list, a role they do not play) is never rendered there. This test reads the
templates themselves: once the expressions (`{{ _("...") }}`, `{{ value }}`), the statements
and the comments are taken out, what is left of the text and of the attributes a reader meets
(title, aria-label, placeholder, alt, label) must hold no word, apart from the few every
language writes alike.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.leftovers import COMMON

ROOT = Path(__file__).resolve().parents[2] / "alliance_flow"
TEMPLATES = sorted(
    path for folder in ("web", "reports") for path in (ROOT / folder / "templates").rglob("*.html")
)
_WORD = re.compile(r"[^\W\d_]{2,}")
#: Attributes a reader sees or hears.
_SEEN = re.compile(r'\b(title|aria-label|placeholder|alt|label)="([^"]*)"')
#: A tag, whose attributes may hold expressions and statements (with their own '>').
_TAG = re.compile(r"<(?:[^<>{]|\{(?![{%])|\{\{.*?\}\}|\{%.*?%\})*>", re.S)


def words_outside_catalogs(source: str) -> set[str]:
    """The words of a template a reader would see that no catalog gives."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    seen = " ".join(value for _name, value in _SEEN.findall(text))
    text = _TAG.sub(" ", text)
    text = f"{text} {seen}"
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r'\b[\w-]+="[^"]*"', " ", text)  # attributes a macro writes outside a tag
    text = re.sub(r"&(?:[a-z]+|#\d+);", " ", text)
    text = re.sub(r"alliance[_-]flow", " ", text)
    return {w for w in _WORD.findall(text) if w.casefold() not in COMMON}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_writes_no_word_outside_the_catalogs(template: Path) -> None:
    assert not words_outside_catalogs(template.read_text(encoding="utf-8"))


def test_the_reading_finds_a_word_left_in_text_or_in_an_attribute() -> None:
    assert words_outside_catalogs("<p>{{ _('Saved') }} Back</p>") == {"Back"}
    assert words_outside_catalogs('<a title="Open">{{ x }}</a>') == {"Open"}
    assert words_outside_catalogs("<a title=\"{{ _('Open') }}\">{{ x }}</a>") == set()
    assert words_outside_catalogs('<td class="x{% if a > b %} y{% endif %}">{{ v }}</td>') == set()
    assert words_outside_catalogs("{# a comment #}<li>CSV · {{ n }}</li>") == set()
