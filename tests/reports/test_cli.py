"""`alliance-flow report ...` writes the same files the browser downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from alliance_flow.db import Database
from alliance_flow.reports.cli import report_app
from alliance_flow.settings import get_settings

runner = CliRunner()


@pytest.fixture
def env(built: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", built.url)
    get_settings.cache_clear()
    yield built
    get_settings.cache_clear()


def test_alliance_report_to_csv(env: Database, tmp_path: Path) -> None:
    out = tmp_path / "testville.csv"
    result = runner.invoke(
        report_app,
        [
            "testville",
            "--format",
            "csv",
            "--out",
            str(out),
            "--today",
            "2026-03-02",
            "--period",
            "2026-Q1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    values = dict(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    # in the alliance's working language, French
    assert (values["Début de la période"], values["Fin de la période"]) == (
        "2026-01-01",
        "2026-03-02",
    )
    assert values["Arrivés sur la période"] == "1"


def test_portfolio_to_xlsx_in_french(env: Database, tmp_path: Path) -> None:
    out = tmp_path / "portfolio.xlsx"
    result = runner.invoke(
        report_app,
        [
            "portfolio",
            "--funder",
            "funder-both",
            "--format",
            "xlsx",
            "--out",
            str(out),
            "--today",
            "2026-03-02",
            "--lang",
            "fr",
        ],
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Portefeuille"]
    assert [r[0] for r in wb["Portefeuille"].iter_rows(min_row=2, values_only=True)] == [
        "testville",
        "otherville",
    ]


def test_mistakes_are_explained(env: Database, tmp_path: Path) -> None:
    out = str(tmp_path / "x")
    cases = [
        (["testville", "--format", "docx", "--out", out], "choose one of pdf, html, csv, xlsx"),
        (["nowhere", "--out", out], "no alliance with id or slug 'nowhere'"),
        (["testville", "--period", "soon", "--out", out], "unknown period 'soon'"),
        (["portfolio", "--funder", "nobody", "--out", out], "no user with login 'nobody'"),
    ]
    for args, message in cases:
        result = runner.invoke(report_app, args)
        assert result.exit_code == 1, args
        assert message in result.output, result.output


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "unknown format “docx”: choose one of pdf, html, csv, xlsx"),
        ("fr", "format «\u00a0docx\u00a0» inconnu\u00a0: choisissez parmi pdf, html, csv, xlsx"),
        ("nl", "onbekend formaat ‘docx’: kies uit pdf, html, csv, xlsx"),
        ("sv", "okänt format ”docx”: välj ett av pdf, html, csv, xlsx"),
    ],
)
def test_an_unknown_format_is_refused_in_the_readers_language(language: str, said: str) -> None:
    from alliance_flow.errors import InvalidInput
    from alliance_flow.i18n import use_language
    from alliance_flow.reports import service

    with use_language(language), pytest.raises(InvalidInput) as refused:
        service.check_format(" DOCX ")
    assert [(p.field, p.problem) for p in refused.value.problems] == [("format", said)]
