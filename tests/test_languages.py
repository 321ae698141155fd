"""What readers in France, Ireland, the Netherlands and Sweden see: their catalogs, their numbers,
their alphabetical order, and names printed whole."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from alliance_flow.errors import InvalidInput
from alliance_flow.gates import names
from alliance_flow.i18n import LANGUAGES, LOCALES_DIR, use_language
from alliance_flow.reports.i18n import LOCALES_DIR as REPORT_LOCALES_DIR
from alliance_flow.schemas import ActionPlanItemIn, AllianceIn, validate


@pytest.mark.parametrize("directory", [LOCALES_DIR, REPORT_LOCALES_DIR])
def test_every_language_has_its_catalog_with_its_plural_rule(directory: Path) -> None:
    found = {po.parent.parent.name for po in directory.glob("*/LC_MESSAGES/messages.po")}
    assert set(LANGUAGES) <= found
    for language in ("nl", "sv"):
        with (directory / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh)
        assert catalog.plural_expr == "(n != 1)"
        assert not catalog.fuzzy


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("fr", "1 200,50 €", Decimal("1200.50")),
        ("fr", "1\u202f200,50", Decimal("1200.50")),
        ("fr", "1200,50", Decimal("1200.50")),
        ("en", "1,200.50", Decimal("1200.50")),
        ("en", "€1,200", Decimal("1200")),
        ("nl", "1.200,50", Decimal("1200.50")),
        ("sv", "1 200,50 kr", Decimal("1200.50")),
    ],
)
def test_amounts_are_read_as_people_type_them(language: str, typed: str, amount: Decimal) -> None:
    with use_language(language):
        item = validate(ActionPlanItemIn, {"action": "Train mediators", "estimated_budget": typed})
    assert item.estimated_budget == amount


def test_an_unreadable_amount_is_refused_naming_the_field_in_french() -> None:
    with use_language("fr"), pytest.raises(InvalidInput) as refused:
        validate(ActionPlanItemIn, {"action": "Former", "estimated_budget": "beaucoup"})
    (problem,) = refused.value.problems
    assert problem.field == "estimated_budget"
    assert problem.problem == "pas un nombre"


def test_names_in_reasons_follow_the_alphabet_accents_included() -> None:
    assert names(["Zoë Berg", "Gaëlle Roux", "Élodie Martin", "anna Lind"]) == (
        "anna Lind, Élodie Martin, Gaëlle Roux, Zoë Berg"
    )


def test_an_alliance_works_in_one_of_the_four_languages() -> None:
    assert validate(AllianceIn, {"name": "Fryslân", "country": "NL", "language": "nl"}).language
    with use_language("fr"), pytest.raises(InvalidInput) as refused:
        validate(AllianceIn, {"name": "Éire", "country": "IE", "language": "ga"})
    (problem,) = refused.value.problems
    assert problem.field == "language"
    assert "nl" in problem.problem and "sv" in problem.problem


def test_a_piped_listing_prints_long_names_whole(tmp_path: Path) -> None:
    long_name = (
        "Alliance régionale de médiation communautaire de la métropole de Bordeaux et Gironde"
    )
    env = {
        **os.environ,
        "ALLIANCE_FLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'pipe.db'}",
        "ALLIANCE_FLOW_LANGUAGE": "en",
    }
    env.pop("COLUMNS", None)
    cli = [sys.executable, "-m", "alliance_flow.cli"]
    created = subprocess.run(
        [*cli, "create", long_name, "--country", "FR", "slug=bordeaux"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    listed = subprocess.run(
        [*cli, "list"], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert long_name in listed.stdout


def test_counts_in_reasons_agree_with_their_number_in_every_language() -> None:
    from alliance_flow.settings import Thresholds
    from alliance_flow.stages import analysis
    from tests.builders import facts, written

    said = {}
    for language in LANGUAGES:
        with use_language(language):
            said[language] = [
                written(analysis.gaps_identified(facts(gaps=n), Thresholds(), date(2026, 3, 2))[1])
                for n in (0, 1, 2)
            ]
    assert said["en"][1].startswith("1 gap identified")
    assert said["fr"][0].startswith("0 lacune identifiée")  # French: 0 and 1 are singular
    assert said["fr"][2].startswith("2 lacunes identifiées")
    assert said["nl"][1].startswith("1 lacune vastgesteld")
    assert said["sv"][1].startswith("1 lucka identifierad")


def test_dates_in_reasons_are_written_the_readers_way() -> None:
    from alliance_flow.settings import Thresholds
    from alliance_flow.stages import planning
    from tests.builders import facts, written

    agreed = facts(vision="Every newcomer has a mediator", vision_agreed_on=date(2026, 2, 3))
    said = {}
    for language in LANGUAGES:
        with use_language(language):
            said[language] = written(
                planning.vision_agreed(agreed, Thresholds(), date(2026, 3, 2))[1]
            )
    assert said == {
        "en": "Vision agreed on Feb 3, 2026.",
        "fr": "Vision adoptée le 3 févr. 2026.",
        "nl": "Visie vastgesteld op 3 feb 2026.",
        "sv": "Visionen antogs 3 feb. 2026.",
    }


@pytest.mark.parametrize("directory", [LOCALES_DIR, REPORT_LOCALES_DIR])
def test_the_english_catalog_repeats_every_message_as_written(directory: Path) -> None:
    """English is the source text: the catalogs use it as it is, without compiling this file."""
    with (directory / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    changed = [
        m.id
        for m in catalog
        if m.id
        and (
            tuple(m.string) != tuple(m.id)[: len(m.string)]
            if isinstance(m.id, tuple)
            else m.string != m.id
        )
    ]
    assert len(catalog) > 100
    assert not changed, f"the English catalog rewords: {changed[:5]}"


@pytest.mark.parametrize("directory", [LOCALES_DIR, REPORT_LOCALES_DIR])
def test_every_catalog_writes_its_apostrophes_one_way(directory: Path) -> None:
    """One French page said "l'alliance" in one line and "l’alliance" in the next. The straight
    apostrophe throughout, as most messages (and the tests' expected texts) were written."""
    curly = {}
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            # a letter then ’: an apostrophe (‘quoted’ names keep their quotation marks)
            if any(re.search(r"[^\W\d_]\u2019", s) for s in strings):
                curly[(po.parent.parent.name, str(message.id)[:60])] = strings
    assert not curly, f"typographic apostrophes in: {list(curly)[:5]}"


@pytest.mark.parametrize(
    ("language", "vienna", "europe"),
    [("en", "Vienna", "Europe"), ("fr", "Vienne", "Europe"), ("nl", "Wenen", "Europa"),
     ("sv", "Wien", "Europa")],
)  # fmt: skip
def test_time_zones_and_countries_are_named_the_readers_way(
    language: str, vienna: str, europe: str
) -> None:
    from alliance_flow.i18n import zone_city
    from alliance_flow.web.choices import country_options, timezone_options

    # a time zone is its city as the reader writes it, never its code
    assert zone_city("Europe/Vienna", language) == vienna
    groups = dict(timezone_options(language))
    assert ("Europe/Vienna", vienna) in groups[europe]
    # the countries are countries: no European Union, no pseudo-locale, no 'unknown region'
    codes = {code for code, _name in country_options(language)}
    assert {"FR", "IE", "NL", "SE"} <= codes and not codes & {"EU", "EZ", "UN", "ZZ", "XA", "XB"}


@pytest.mark.parametrize(
    ("language", "month"), [("en", "March 2026"), ("nl", "maart 2026"), ("sv", "mars 2026")]
)
def test_the_funders_reminder_names_the_month_in_words(language: str, month: str) -> None:
    from alliance_flow.reminders.messages import RENDERERS

    with use_language(language):
        title, lines, _todo = RENDERERS["funder_progress"]({"alliance": "A", "month": "2026-03"})
    assert title.endswith(month) and month in lines[0] and "2026-03" not in title
