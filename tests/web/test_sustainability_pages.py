"""Stage 6 forms over HTTP: evaluations (the SWOT, joint interviews, an external evaluator's
report as a file), the cadence of the evaluation reminders, the sustainability plan with its
countdown, and the decision to close or renew. Each form accepts good input, refuses bad input
naming the field and keeping what was typed; files are checked by their content and only ever
sent back as downloads, to the alliance's own roles."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from alliance_flow import models as m
from alliance_flow.reminders import due
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import documents
from alliance_flow.services import items as item_service
from alliance_flow.settings import get_settings
from alliance_flow.vocabulary import Stage
from alliance_flow.web import create_app
from alliance_flow.web.fix_links import INTERIM
from tests.conftest import TODAY
from tests.web.conftest import World, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _rows(world: World, model: Any) -> list[Any]:
    with world.db.transaction() as session:
        rows = list(session.scalars(select(model).order_by(*model.__table__.primary_key)))
        session.expunge_all()
        return rows


def _north(world: World) -> m.Alliance:
    with world.db.transaction() as session:
        a = alliance_service.get_alliance(session=session, ref="north")
        session.expunge(a)
        return a


def _into_stage_6(world: World, *, evaluated: bool = False, planned: bool = False) -> None:
    """North in stage 6, with (optionally) an evaluation and a plan dated on time."""
    with world.db.transaction() as session:
        a = alliance_service.get_alliance(session=session, ref="north")
        with m.stage_change():
            a.stage = Stage.SUSTAINABILITY
        a.work_plan_end = date(2026, 8, 31)  # deadline 28/02/2026, before TODAY (02/03/2026)
        if evaluated:
            item_service.add_item(
                session=session,
                alliance=a,
                kind="evaluation",
                item_in={"kind": "self_assessment", "held_on": "2026-02-10"},
                today=TODAY,
            )
        if planned:
            item_service.add_item(
                session=session,
                alliance=a,
                kind="sustainability",
                item_in={"summary": "Carry on as a network", "dated_on": "2026-02-20"},
                today=TODAY,
            )


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Budget"  # type: ignore[index]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_named_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("index.html", "<html></html>")
    return out.getvalue()


@pytest.fixture
def small_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A 2 kB document limit, as ALLIANCE_FLOW_DOCUMENT_MAX_BYTES sets it."""
    monkeypatch.setenv("ALLIANCE_FLOW_DOCUMENT_MAX_BYTES", "2000")
    get_settings.cache_clear()
    yield 2000
    monkeypatch.delenv("ALLIANCE_FLOW_DOCUMENT_MAX_BYTES")
    get_settings.cache_clear()


# --- evaluations: the SWOT, add, refuse, edit, remove --------------------------------------------


def test_the_swot_shows_four_quadrants_with_the_guides_questions(client: TestClient) -> None:
    login(client, "coordinator")
    page = client.get("/alliances/north/evaluations")
    assert page.status_code == 200
    for quadrant in ("Strengths", "Weaknesses", "Opportunities", "Threats"):
        assert quadrant in page.text
    assert "What do you do better than others?" in page.text
    assert html.escape("Do changes in policy and legislation affect your community?") in page.text
    assert 'enctype="multipart/form-data"' in page.text
    client.cookies.clear()
    login(client, "member")
    page = client.get("/alliances/north/evaluations")
    assert page.status_code == 200 and "Record the evaluation" not in page.text


def test_a_swot_is_recorded_refused_with_its_field_named_changed_and_removed(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    # refused: a date that does not exist; every quadrant typed comes back
    answer = client.post(
        "/alliances/north/evaluations",
        data={
            "csrf_token": csrf,
            "kind": "self_assessment",
            "held_on": "31/02/2026",
            "strengths": "Trusted by families\nMediators speak 9 languages",
            "threats": "Funding ends in 2027",
        },
    )
    assert answer.status_code == 422
    assert "Date: " in answer.text  # the summary names the field
    assert "Mediators speak 9 languages" in answer.text
    assert "Funding ends in 2027" in answer.text
    assert _rows(world, m.Evaluation) == []
    # valid
    answer = client.post(
        "/alliances/north/evaluations",
        data={
            "csrf_token": csrf,
            "kind": "self_assessment",
            "held_on": "20/02/2026",
            "evaluator": "Internal committee",
            "strengths": "Trusted by families\nMediators speak 9 languages",
            "weaknesses": "Few meetings in rural areas",
            "opportunities": "New regional integration fund",
            "threats": "Funding ends in 2027",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    [e] = _rows(world, m.Evaluation)
    assert e.held_on == date(2026, 2, 20)
    assert e.strengths == ["Trusted by families", "Mediators speak 9 languages"]
    assert e.threats == ["Funding ends in 2027"]
    page = client.get("/alliances/north/evaluations")
    assert "New regional integration fund" in page.text
    # its print view (the annex) shows the same quadrants, with the same questions
    assert f"/alliances/north/print/swot?evaluation={e.id}" in page.text
    printed = client.get(f"/alliances/north/print/swot?evaluation={e.id}")
    assert printed.status_code == 200 and "New regional integration fund" in printed.text
    assert "What do you do better than others?" in printed.text
    # an edit refused keeps what was typed and leaves what was saved
    answer = client.post(
        f"/alliances/north/evaluations/{e.id}",
        data={"csrf_token": csrf, "kind": "novel", "held_on": "20/02/2026", "findings": "Kept"},
    )
    assert answer.status_code == 422
    assert "Kind of evaluation: " in answer.text and ">Kept</textarea>" in answer.text
    assert _rows(world, m.Evaluation)[0].kind == "self_assessment"
    # a joint evaluation instead, with what the interviews said
    answer = client.post(
        f"/alliances/north/evaluations/{e.id}",
        data={
            "csrf_token": csrf,
            "kind": "joint",
            "held_on": "21/02/2026",
            "findings": "Members want shorter plenaries",
            "strengths": "Trusted by families",
            "weaknesses": "",  # emptied, as a browser sends it
            "opportunities": "",
            "threats": "",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    [e] = _rows(world, m.Evaluation)
    assert (e.kind, e.held_on, e.findings) == (
        "joint",
        date(2026, 2, 21),
        "Members want shorter plenaries",
    )
    assert e.strengths == ["Trusted by families"] and e.weaknesses == []
    answer = client.post(
        f"/alliances/north/evaluations/{e.id}/remove",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and _rows(world, m.Evaluation) == []


def test_members_and_funders_cannot_record_evaluations(client: TestClient, world: World) -> None:
    for who, status in (("member", 403), ("funder", 403), ("outsider", 404)):
        client.cookies.clear()
        csrf = login(client, who)
        answer = client.post(
            "/alliances/north/evaluations",
            data={"csrf_token": csrf, "kind": "joint", "held_on": "01/03/2026"},
        )
        assert answer.status_code == status, who
    assert _rows(world, m.Evaluation) == []


def test_the_cadence_of_evaluation_reminders_is_set_per_alliance(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    answer = client.post(
        "/alliances/north/evaluations/cadence", data={"csrf_token": csrf, "months": "every"}
    )
    assert answer.status_code == 422
    assert "Months between two evaluations: not a whole number" in answer.text
    assert 'value="every"' in answer.text
    answer = client.post(
        "/alliances/north/evaluations/cadence", data={"csrf_token": csrf, "months": "99"}
    )
    assert answer.status_code == 422 and "at most 24" in answer.text
    answer = client.post(
        "/alliances/north/evaluations/cadence",
        data={"csrf_token": csrf, "months": "6"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert _north(world).evaluation_cadence_months == 6
    assert "every 6 months" in client.get("/alliances/north/evaluations").text
    client.post("/alliances/north/evaluations/cadence", data={"csrf_token": csrf, "months": ""})
    assert _north(world).evaluation_cadence_months is None


def test_the_reminders_follow_the_alliances_own_cadence() -> None:
    from dataclasses import replace

    alliance = due.AllianceData(
        id=1,
        slug="north",
        name="North",
        stage="sustainability",
        work_plan_start=date(2026, 1, 1),
        evaluations=(date(2026, 1, 10),),
        audiences=frozenset({due.COORDINATORS}),
    )
    rules = due.Rules(evaluation_cadence_months=3)
    today = date(2026, 3, 1)

    def due_on(a: due.AllianceData, day: date) -> list[date]:
        return [d.due_on for d in due._evaluation(a, None, day, rules)]  # type: ignore[arg-type]

    assert due_on(alliance, today) == []  # the deployment's 3 months: 10/04/2026
    assert due_on(replace(alliance, evaluation_cadence_months=1), today) == [date(2026, 2, 10)]
    assert due_on(replace(alliance, evaluation_cadence_months=0), date(2027, 1, 1)) == []


# --- files people bring ------------------------------------------------------------------------


def _evaluation_with(
    client: TestClient, csrf: str, filename: str, content: bytes, kind: str = "external"
) -> Any:
    return client.post(
        "/alliances/north/evaluations",
        data={
            "csrf_token": csrf,
            "kind": kind,
            "held_on": "25/02/2026",
            "evaluator": "Dr. Eva Luator",
            "findings": "Typed findings stay",
        },
        files={"report": (filename, content, "application/pdf")},
        follow_redirects=False,
    )


def test_an_evaluators_report_is_kept_and_sent_back_only_as_a_download(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    answer = _evaluation_with(client, csrf, '../../Rapport d\'évaluation "final"\r\n.pdf', PDF)
    assert answer.status_code == 303, answer.text
    [doc] = _rows(world, m.Document)
    assert doc.purpose == "evaluation_report" and doc.size == len(PDF)
    assert doc.media_type == "application/pdf"
    assert "/" not in doc.filename and '"' not in doc.filename and "\n" not in doc.filename
    page = client.get("/alliances/north/evaluations")
    assert f"/alliances/north/documents/{doc.id}" in page.text
    got = client.get(f"/alliances/north/documents/{doc.id}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "\n" not in got.headers["content-disposition"]
    assert got.headers["x-content-type-options"] == "nosniff"
    # members of the alliance read it too
    client.cookies.clear()
    login(client, "member")
    assert client.get(f"/alliances/north/documents/{doc.id}").status_code == 200
    # not the funder (interviews may quote members), not another alliance's coordinator
    client.cookies.clear()
    login(client, "funder")
    assert client.get(f"/alliances/north/documents/{doc.id}").status_code == 403
    client.cookies.clear()
    login(client, "outsider")
    assert client.get(f"/alliances/north/documents/{doc.id}").status_code == 404
    assert client.get(f"/alliances/south/documents/{doc.id}").status_code == 404


@pytest.mark.parametrize(
    ("filename", "content", "says"),
    [
        ("report.pdf", HTML, "not a PDF file"),
        ("report.html", HTML, "not accepted"),
        ("report.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not accepted"),
        ("report.pdf", PNG, "not a PDF file"),
        ("report.docx", _zip_named_docx(), "not a DOCX file"),
        ("report.pdf", b"", "empty"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_naming_the_field(
    client: TestClient, world: World, filename: str, content: bytes, says: str
) -> None:
    csrf = login(client, "coordinator")
    answer = _evaluation_with(client, csrf, filename, content)
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    assert "Evaluator's report (file): " in text and says in text
    assert "Typed findings stay" in answer.text and "Dr. Eva Luator" in answer.text
    assert _rows(world, m.Evaluation) == [] and _rows(world, m.Document) == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_saved(
    client: TestClient, world: World, small_files: int
) -> None:
    csrf = login(client, "coordinator")
    answer = _evaluation_with(client, csrf, "big.pdf", PDF + b"x" * small_files)
    assert answer.status_code == 422
    assert "too large" in answer.text and "at most 2 kB" in answer.text
    assert _rows(world, m.Evaluation) == [] and _rows(world, m.Document) == []
    # far over it: the request itself is refused before it is read
    answer = _evaluation_with(client, csrf, "huge.pdf", PDF + b"x" * 1_300_000)
    assert answer.status_code == 413


@pytest.mark.parametrize(
    ("filename", "content", "media"),
    [
        ("plan.docx", _docx(), documents.DOCX.media_type),
        ("budget.xlsx", _xlsx(), documents.XLSX.media_type),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("flipchart.png", PNG, "image/png"),
    ],
)
def test_allowed_types_are_known_by_their_content(
    client: TestClient, world: World, filename: str, content: bytes, media: str
) -> None:
    csrf = login(client, "coordinator")
    answer = _evaluation_with(client, csrf, filename, content)
    assert answer.status_code == 303
    [doc] = _rows(world, m.Document)
    assert doc.media_type == media
    got = client.get(f"/alliances/north/documents/{doc.id}")
    assert got.headers["content-type"].startswith(media)
    assert got.headers["content-disposition"].startswith("attachment;")


def test_a_report_is_replaced_or_removed_with_its_evaluation(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    _evaluation_with(client, csrf, "first.pdf", PDF)
    [e] = _rows(world, m.Evaluation)
    answer = client.post(
        f"/alliances/north/evaluations/{e.id}",
        data={"csrf_token": csrf, "kind": "external", "held_on": "25/02/2026"},
        files={"report": ("second.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert [d.filename for d in _rows(world, m.Document)] == ["second.png"]
    client.post(
        f"/alliances/north/evaluations/{e.id}",
        data={"csrf_token": csrf, "kind": "external", "held_on": "25/02/2026"},
    )
    assert len(_rows(world, m.Document)) == 1  # no file sent: the report stays
    client.post(f"/alliances/north/evaluations/{e.id}/remove", data={"csrf_token": csrf})
    assert _rows(world, m.Document) == []


# --- the sustainability plan and its countdown ------------------------------------------------


def test_the_plan_is_saved_refused_with_its_field_named_and_counted_down(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    page = client.get("/alliances/north/sustainability")
    # work plan ends 31/12/2027: the deadline is 30/06/2027, 485 days after 02/03/2026
    assert page.status_code == 200 and "485 days left" in page.text
    answer = client.post(
        "/alliances/north/sustainability/plan",
        data={"csrf_token": csrf, "summary": "", "continuation": "formal", "dated_on": "1/3/2026"},
    )
    assert answer.status_code == 422 and "The plan: required" in answer.text
    assert re.search(r'value="formal"\s+checked', answer.text)
    answer = client.post(
        "/alliances/north/sustainability/plan",
        data={"csrf_token": csrf, "summary": "A network", "dated_on": "01/04/2026"},
    )
    assert answer.status_code == 422 and "Examined on: cannot be in the future" in answer.text
    assert _rows(world, m.SustainabilityPlan) == []
    answer = client.post(
        "/alliances/north/sustainability/plan",
        data={
            "csrf_token": csrf,
            "summary": "Sub-committees carry on; the city funds a coordinator",
            "continuation": "formal",
            "dated_on": "01/03/2026",
        },
        files={"signed": ("signed plan.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    [plan] = _rows(world, m.SustainabilityPlan)
    assert (plan.continuation, plan.dated_on) == ("formal", date(2026, 3, 1))
    [doc] = _rows(world, m.Document)
    assert doc.purpose == "signed_plan" and doc.filename == "signed plan.pdf"
    page = client.get("/alliances/north/sustainability")
    assert "The sustainability plan is recorded on time." in page.text
    assert f"/alliances/north/documents/{doc.id}" in page.text
    # the portfolio card says so too, and links to the page
    home = client.get("/")
    assert "plan recorded on time" in home.text
    assert 'href="/alliances/north/sustainability"' in home.text
    # a signed plan that is really a web page is refused, naming the field, keeping the text
    answer = client.post(
        "/alliances/north/sustainability/plan",
        data={"csrf_token": csrf, "summary": "Changed text kept", "dated_on": "01/03/2026"},
        files={"signed": ("signed.pdf", HTML, "application/pdf")},
    )
    assert answer.status_code == 422
    assert "Signed plan (file): " in html.unescape(answer.text)
    assert "Changed text kept" in answer.text
    assert _rows(world, m.SustainabilityPlan)[0].summary.startswith("Sub-committees")


def test_funders_follow_the_plan_but_see_no_file(client: TestClient, world: World) -> None:
    _into_stage_6(world, planned=True)
    login(client, "funder")
    page = client.get("/alliances/north/sustainability")
    assert page.status_code == 200
    assert "Carry on as a network" in page.text
    assert "Record the decision" not in page.text and "/documents/" not in page.text


def test_the_portfolio_counts_down_to_the_deadline(client: TestClient, world: World) -> None:
    _into_stage_6(world)  # deadline 28/02/2026, two days before TODAY, no plan
    login(client, "coordinator")
    home = client.get("/")
    assert "2 days late" in home.text
    page = client.get("/alliances/north/sustainability")
    assert "2 days late" in page.text


# --- close or renew ---------------------------------------------------------------------------


Decide = Callable[..., Any]


@pytest.fixture
def decide(client: TestClient) -> Decide:
    """Posts the close-or-renew form as the coordinator, with the given fields."""
    csrf = login(client, "coordinator")

    def post(**fields: str) -> Any:
        return client.post(
            "/alliances/north/sustainability/decision",
            data={"csrf_token": csrf, **fields},
            follow_redirects=False,
        )

    return post


def test_closing_is_refused_while_a_check_fails_and_nothing_is_recorded(
    decide: Decide, world: World
) -> None:
    _into_stage_6(world, planned=True)  # no evaluation
    answer = decide(
        decision="close",
        decided_on="01/03/2026",
        decision_reason="The action plan is done.",
    )
    assert answer.status_code == 409
    assert "Evaluation six months before the end" in answer.text
    assert "The action plan is done." in answer.text
    assert _rows(world, m.SustainabilityPlan)[0].decision is None
    assert _north(world).stage == Stage.SUSTAINABILITY


def test_the_decision_names_its_fields_when_refused(decide: Decide, world: World) -> None:
    _into_stage_6(world, evaluated=True, planned=True)
    answer = decide(decision="renew", decision_reason="short")
    assert answer.status_code == 422
    assert "Reason: too short" in answer.text
    assert "New end of the work plan: required to renew" in answer.text
    assert re.search(r'value="renew"\s+checked', answer.text)
    answer = decide(
        decision="renew", decision_reason="The city asks us to go on", new_end="31/12/2025"
    )
    assert answer.status_code == 422
    assert "must be after the current end of the work plan" in answer.text
    assert "The city asks us to go on" in answer.text


def test_deciding_to_close_closes_the_alliance(
    client: TestClient, decide: Decide, world: World
) -> None:
    _into_stage_6(world, evaluated=True, planned=True)
    answer = decide(
        decision="close",
        decided_on="01/03/2026",
        decision_reason="The action plan is done; members go on in their networks.",
    )
    assert answer.status_code == 303
    assert _north(world).stage == Stage.CLOSED
    [plan] = _rows(world, m.SustainabilityPlan)
    assert (plan.decision, plan.decided_on) == ("close", date(2026, 3, 1))
    assert plan.decision_reason.startswith("The action plan is done")
    events = [e for e in _rows(world, m.StageEvent) if e.to_stage == "closed"]
    assert len(events) == 1 and events[0].kind == "advanced"
    page = client.get("/alliances/north/sustainability")
    assert "The alliance is closed." in page.text and "Record the decision" not in page.text
    # its portfolio card says closed, not "0 of 0 checks passed" or a deadline to meet
    card = client.get("/").text.split('href="/alliances/north">North</a></h2>')[1]
    card = card.split('<li class="af-card')[0]
    assert "closed" in card and "Checks passed" not in card and "Overdue actions" not in card


def test_renewing_sets_a_new_end_and_keeps_the_reason_in_the_history(
    client: TestClient, decide: Decide, world: World
) -> None:
    _into_stage_6(world, evaluated=True, planned=True)
    answer = decide(
        decision="renew",
        decided_on="02/03/2026",
        decision_reason="The region funds two more years.",
        new_end="31/12/2028",
    )
    assert answer.status_code == 303
    north = _north(world)
    assert north.stage == Stage.SUSTAINABILITY and north.work_plan_end == date(2028, 12, 31)
    [renewed] = [e for e in _rows(world, m.StageEvent) if e.kind == "renewed"]
    assert renewed.reason == "The region funds two more years."
    # the next decision is due at the new end
    assert _rows(world, m.SustainabilityPlan)[0].decision is None
    page = client.get("/alliances/north/sustainability")
    assert "The region funds two more years." in page.text
    assert "renewed the mandate until Dec 31, 2028" in page.text


# --- fix links and reminders' links --------------------------------------------------------------


def test_every_sustainability_check_links_to_its_exact_form(
    client: TestClient, world: World
) -> None:
    _into_stage_6(world)
    login(client, "coordinator")
    stage = client.get("/alliances/north/stages/sustainability")
    assert stage.status_code == 200
    assert html.escape(INTERIM) not in stage.text and INTERIM not in stage.text
    for url, anchor in (
        ("/alliances/north/evaluations", "add"),
        ("/alliances/north/sustainability", "plan-summary"),
        ("/alliances/north/sustainability", "decision-decision"),
    ):
        assert f'href="{url}#{anchor}"' in stage.text, anchor
        target = client.get(url)
        assert target.status_code == 200 and f'id="{anchor}"' in target.text, anchor


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_the_reminders_links_open_for_their_recipients(world: World, who: str) -> None:
    from alliance_flow.reminders.messages import link_for

    with TestClient(create_app(world.db, today=lambda: TODAY)) as client:
        login(client, who)
        for kind in ("evaluation_due", "sustainability_30d", "sustainability_escalation"):
            url = link_for(kind, {}, slug="north", base_url="http://testserver")
            assert client.get(url).status_code == 200, (who, kind)


@pytest.mark.parametrize("language", ["fr", "nl", "sv"])
def test_stage_6_pages_with_their_data_speak_the_readers_language(
    client: TestClient, world: World, language: str
) -> None:
    from alliance_flow.accounts import services as accounts
    from alliance_flow.services import sustainability
    from tests.web.test_no_leftovers import _codes, _english_messages, _Texts

    _into_stage_6(world, planned=True)
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        e = sustainability.save_evaluation(
            session=session,
            alliance=north,
            evaluation_in={"kind": "external", "held_on": "2026-02-10", "strengths": "Trust"},
            today=TODAY,
            by="setup",
            report=sustainability.Upload("report.pdf", PDF),
        )
        evaluation_id = e.id
        accounts.get_user(session=session, login="coordinator").language = language
    login(client, "coordinator")
    english, codes = _english_messages(language), _codes()
    for path in (
        "/alliances/north/evaluations",
        f"/alliances/north/evaluations?edit={evaluation_id}",
        "/alliances/north/sustainability",
        "/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        reader = _Texts()
        reader.feed(page.text)
        left = {t for t in reader.texts if t.rstrip(":.") in english or t in codes}
        assert not left, (language, path, left)
