"""The CLI end to end: real commands on a real database file, exit codes and printed answers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from alliance_flow.cli import app
from alliance_flow.i18n import set_language
from alliance_flow.settings import get_settings

TODAY = ["--today", "2026-03-02"]


@pytest.fixture
def cli(database_url, monkeypatch):
    """Run `alliance-flow ...` against a fresh database (migrated automatically on first use)."""
    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("ALLIANCE_FLOW_ACTOR", "claire")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("ALLIANCE_FLOW_LANGUAGE", "en")
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output + str(result.exception or "")
        return result.output

    yield invoke
    get_settings.cache_clear()
    set_language(None)  # the CLI sets the language of this thread; leave it as found


def test_create_list_show(cli):
    out = cli(
        "create",
        "Roscommon Alliance",
        "--country",
        "ie",
        "region=County Roscommon",
        "slug=roscommon",
    )
    assert "Created alliance 1 'roscommon' in the stage Scope" in out
    listing = json.loads(cli("list", "--json", *TODAY))
    assert listing == [
        {
            "id": 1,
            "slug": "roscommon",
            "name": "Roscommon Alliance",
            "stage": "scope",
            "checks_passed": 0,
            "checks_total": 8,
            "ready": False,
        }
    ]
    shown = cli("show", "roscommon", *TODAY)
    assert "County Roscommon" in shown and "Checks to leave the stage Scope" in shown


def test_bad_input_is_explained_and_nothing_saved(cli):
    cli("create", "Roscommon", "--country", "ie")
    out = cli(
        "add",
        "roscommon",
        "member",
        "name=Ana",
        "email=not-an-email",
        "joined_on=2026-13-01",
        code=1,
    )
    assert "nothing was saved" in out
    assert "email: not a valid e-mail address" in out and "joined_on:" in out
    assert json.loads(cli("items", "roscommon", "member", "--json")) == []
    assert "unknown kind 'members'" in cli("add", "roscommon", "members", "name=A", code=1)
    assert "no alliance with id or slug 'nowhere'" in cli("status", "nowhere", code=1)


def test_status_json_shape(cli):
    cli("create", "Roscommon", "--country", "ie")
    data = json.loads(cli("status", "roscommon", "--json", *TODAY))
    assert data["alliance"] == {"id": 1, "slug": "roscommon", "name": "Roscommon", "stage": "scope"}
    first = data["gates"][0]
    assert {"code", "passed", "reason", "fix", "waived"} <= set(first)
    assert first["code"] == "scope.region_defined" and first["passed"] is False
    assert first["fix"]


def test_advance_refused_then_waive_then_back_and_history(cli):
    cli("create", "Roscommon", "--country", "ie")
    out = cli("advance", "roscommon", *TODAY, code=2)
    assert "Refused" in out and "scope.enough_candidates" in out
    assert json.loads(cli("status", "roscommon", "--json"))["alliance"]["stage"] == "scope"
    for code in (
        "region_defined",
        "enough_candidates",
        "sectors_spanned",
        "migrant_communities_included",
        "contacts_complete",
        "authority_checked",
        "briefing_complete",
        "briefing_reasons",
    ):
        cli("waive", "roscommon", f"scope.{code}", "--reason", "Testing the whole flow", *TODAY)
    waived = json.loads(cli("status", "roscommon", "--json", *TODAY))["gates"]
    assert all(g["waived"] for g in waived)
    assert "moved from Scope to Launch" in cli("advance", "roscommon", *TODAY)
    assert "reason: too short (at least 10 characters)" in cli(
        "back", "roscommon", "--reason", "x", code=1
    )
    assert "moved back from Launch to Scope" in cli(
        "back", "roscommon", "--reason", "Two partners must still be found", *TODAY
    )
    events = json.loads(cli("history", "roscommon", "--json"))
    assert [e["kind"] for e in events] == ["created"] + ["waived"] * 8 + ["advanced", "moved_back"]
    assert events[-1]["reason"] == "Two partners must still be found"
    assert events[-1]["actor"] == "claire"
    assert "Check waived: scope.briefing_reasons" in cli("history", "roscommon")


def test_edit_remove_and_sign(cli):
    cli("create", "Roscommon", "--country", "ie")
    cli(
        "add",
        "roscommon",
        "organisation",
        "name=Foroige",
        "sectors=economic_insertion",
        "website=https://www.foroige.ie",
    )
    cli("add", "roscommon", "member", "name=Ana", "organisation_id=1", "joined_on=2025-01-01")
    cli("edit", "roscommon", "member", "1", "roles=chair", "email=ana@example.ie")
    cli("add", "roscommon", "charter", "text=We attend meetings and share information")
    assert "Recorded the signature" in cli("sign", "roscommon", "1", *TODAY)
    members = json.loads(cli("items", "roscommon", "member", "--json"))
    assert members[0]["roles"] == ["chair"] and members[0]["email"] == "ana@example.ie"
    assert "record the date they left" in cli("remove", "roscommon", "member", "1", code=1)
    assert "1 member represents" in cli("remove", "roscommon", "organisation", "1", code=1)
    cli("add", "roscommon", "briefing", "why=Because", "reasons=a|b")
    cli("edit", "roscommon", "briefing", "why_mediation=Mediation builds trust")
    briefing = json.loads(cli("items", "roscommon", "briefing", "--json"))[0]
    assert briefing["why"] == "Because" and briefing["reasons"] == ["a", "b"]
    assert "expected_commitment" in cli("fields", "briefing")


def test_database_commands(cli):
    assert "revision" in cli("db", "current")
    assert "Database at" in cli("db", "upgrade")


def test_demo_twice_then_status_and_refused_advance(cli):
    first = cli("demo", *TODAY)
    assert "roscommon" in first and "bordeaux" in first and "fryslan" in first
    cli("demo", *TODAY)
    listing = json.loads(cli("list", "--json", *TODAY))
    assert sorted(a["slug"] for a in listing) == [
        "bordeaux",
        "fryslan",
        "kronoberg-kalmar",
        "roscommon",
    ]
    assert len({a["stage"] for a in listing}) == 4
    irish = json.loads(cli("status", "roscommon", "--json", *TODAY))
    assert irish["alliance"]["stage"] == "launch"
    assert all(g["reason"] for g in irish["gates"])
    assert any(not g["passed"] and g["fix"] for g in irish["gates"])
    refused = cli("advance", "roscommon", *TODAY, code=2)
    assert "launch.chair_and_secretary" in refused and "No secretary is named" in refused
    assert json.loads(cli("status", "roscommon", "--json"))["alliance"]["stage"] == "launch"
    assert "Check waived: launch.membership_size" in cli("history", "bordeaux")


def test_import_all_or_nothing_and_idempotent(cli, tmp_path):
    cli("create", "Roscommon", "--country", "ie")
    good = tmp_path / "stakeholders.csv"
    good.write_text(
        "Nom de la partie prenante;Secteur(s);Courriel;Influence sur le projet;Représentant\n"
        "Foroige;insertion professionnelle et économique;info@example.ie;élevée;Aoife Kelly\n"
        "TUSLA;action sociale;tusla@example.ie;moyenne;Sean Byrne\n",
        encoding="latin-1",
    )
    assert "organisations 2 new" in cli("import", "roscommon", str(good))
    assert "organisations 0 new, 0 updated" in cli("import", "roscommon", str(good))
    orgs = json.loads(cli("items", "roscommon", "organisation", "--json"))
    assert [(o["name"], o["influence"]) for o in orgs] == [("Foroige", "high"), ("TUSLA", "medium")]
    bad = tmp_path / "bad.csv"
    bad.write_text("Stakeholder name,E-mail\nNew org,ok@example.org\nOther org,nope\n")
    out = cli("import", "roscommon", str(bad), code=1)
    assert "line 3, email" in out
    assert len(json.loads(cli("items", "roscommon", "organisation", "--json"))) == 2


def test_import_says_what_it_changes_and_dry_run_writes_nothing(cli, tmp_path):
    cli("create", "Kronoberg", "--country", "se")
    first = tmp_path / "a.csv"
    first.write_text(
        "Nom de l'intervenant;Secteur(s);Téléphone, E-mail, Site Web, Adresse\n"
        "Kronoberg tillsammans;action sociale;https://kronobergtillsammans.se\n"
        "Kronoberg tillsammans;structures socio-culturelles & sportives;\n",
        encoding="utf-8",
    )
    dry = cli("import", "kronoberg", str(first), "--dry-run")
    assert "Would import 2 rows" in dry and "organisations 1 new" in dry
    assert "lines 2, 3: merged into one" in dry
    assert json.loads(cli("items", "kronoberg", "organisation", "--json")) == []
    cli("import", "kronoberg", str(first))
    second = tmp_path / "b.csv"
    second.write_text("Stakeholder name,Sectors\nkronoberg tillsammans,employment\n")
    out = cli("import", "kronoberg", str(second))
    assert "organisations 0 new, 1 updated" in out
    assert "~ organisation 'Kronoberg tillsammans' (line 2) sectors:" in out
    (org,) = json.loads(cli("items", "kronoberg", "organisation", "--json"))
    assert sorted(org["sectors"]) == [
        "economic_insertion",
        "social_action",
        "socio_cultural_sports",
    ]


def test_status_in_french(cli):
    cli("create", "Alliance Lille", "--country", "fr", "slug=lille")
    out = cli("--lang", "fr", "status", "lille", *TODAY)
    assert "Région définie" in out and "Ajoutez les candidats d'abord" not in out
    assert "Ajoutez 8 représentants nommés de plus" in out
    data = json.loads(cli("--lang", "en", "status", "lille", "--json", *TODAY))
    assert data["gates"][0]["reason"].startswith("The alliance has no record")


def _console_script(*args: str) -> subprocess.CompletedProcess[str]:
    """`alliance-flow ARGS` as installed: its entry point builds only the command named."""
    return subprocess.run(
        # named "root" in its help, as under CliRunner
        [
            sys.executable,
            "-c",
            "import sys; sys.argv[0] = 'root'; from alliance_flow.cli import main; main()",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_console_script_answers_as_the_whole_command_tree(cli):
    cli("create", "Alliance Lille", "--country", "fr", "slug=lille")
    for args in (
        ["--lang", "fr", "status", "lille", *TODAY],
        ["--lang=nl", "status", "lille", *TODAY],
        ["list", "--json", *TODAY],
        ["db", "current"],
        ["--lang", "sv", "status", "--help"],
    ):
        run = _console_script(*args)
        assert (run.returncode, run.stdout) == (0, cli(*args)), (args, run.stderr)
    assert "Région définie" in _console_script("--lang", "fr", "status", "lille").stdout
    # a misspelt command still gets the whole tree: Click's suggestion names the right one
    typo = _console_script("--lang", "fr", "statu", "lille")
    assert typo.returncode == 2 and "status" in typo.stderr, typo.stderr
    root_help = _console_script("--help")
    assert (
        root_help.returncode == 0
        and "advance" in root_help.stdout
        and "report" in (root_help.stdout)
    )


def test_every_write_is_logged_with_its_author(cli):
    cli("create", "Roscommon", "--country", "ie")
    cli("add", "roscommon", "organisation", "name=Foroige")
    cli("edit", "roscommon", "organisation", "1", "website=https://www.foroige.ie")
    cli("remove", "roscommon", "organisation", "1")
    log = json.loads(cli("audit", "roscommon", "--json"))
    assert {e["actor"] for e in log} == {"claire"}
    actions = [(e["action"], e["table"]) for e in reversed(log)]
    assert actions == [
        ("insert", "alliances"),
        ("insert", "organisations"),
        ("update", "organisations"),
        ("delete", "organisations"),
    ]
    update = next(e for e in log if e["action"] == "update")
    assert update["changes"] == {"website": [None, "https://www.foroige.ie"]}


def test_removing_a_meeting_logs_what_goes_with_it(cli):
    cli("create", "Roscommon", "--country", "ie")
    cli("add", "roscommon", "member", "name=Ana", "joined_on=2025-01-01")
    cli("add", "roscommon", "meeting", "kind=plenary", "starts_at=2026-04-01T10:00")
    cli("add", "roscommon", "attendance", "meeting_id=1", "member_id=1")
    cli(
        "add",
        "roscommon",
        "minutes-action",
        "meeting_id=1",
        "description=Book the room",
        "owner_member_id=1",
    )
    cli("remove", "roscommon", "meeting", "1")
    deleted = {
        e["table"]
        for e in json.loads(cli("audit", "roscommon", "--json"))
        if e["action"] == "delete"
    }
    assert deleted == {"meetings", "attendance", "meeting_actions"}
    assert json.loads(cli("items", "roscommon", "attendance", "--json")) == []
