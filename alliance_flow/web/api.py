"""JSON API under /api/v1: the same services, inputs and error codes as the CLI."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow import privacy
from alliance_flow.accounts import membership
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.policy import Permission, Viewer
from alliance_flow.gates import GateReport
from alliance_flow.schemas import AllianceIn, MemberIn, MoveBackIn, OrganisationIn, WaiverIn
from alliance_flow.services import items as item_service
from alliance_flow.services import stages as stage_service
from alliance_flow.vocabulary import Stage
from alliance_flow.web.api_models import (
    ERRORS,
    AllianceOut,
    AllianceSummaryOut,
    CharterOut,
    CheckOut,
    ConsentOut,
    ConsentsIn,
    EventOut,
    GateOut,
    MemberOut,
    MeOut,
    MyPartOut,
    OrganisationOut,
    OwnActionIn,
    OwnActionOut,
    OwnMinutesActionIn,
    OwnMinutesActionOut,
    SignatureOut,
    StageChangeOut,
    TokenOut,
)
from alliance_flow.web.deps import ApiViewer, DbDep, ItemId, Ref, TodayDep, alliance_for
from alliance_flow.withholding import for_viewer

T = TypeVar("T")

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)


def _alliance(a: m.Alliance, viewer: Viewer) -> AllianceOut:
    return AllianceOut.model_validate(
        {
            **{f: getattr(a, f) for f in AllianceOut.model_fields if f != "role"},
            "role": viewer.role_on(a.id),
        }
    )


def _checks(report: GateReport) -> list[CheckOut]:
    return [CheckOut.model_validate(c) for c in report.as_list()]


@router.get("/me", response_model=MeOut)
def me(viewer: ApiViewer) -> MeOut:
    """Who the token belongs to, and their role on each alliance (by id)."""
    return MeOut(
        login=viewer.login,
        name=viewer.name,
        is_admin=viewer.is_admin,
        language=viewer.language,
        roles=viewer.roles,
    )


@router.get("/me/tokens", response_model=list[TokenOut])
def my_tokens(viewer: ApiViewer, db: DbDep) -> list[TokenOut]:
    """Your API tokens: when made, when they expire, when last used (to the minute)."""
    with db.transaction() as session:
        rows = accounts.list_tokens(session=session, user_id=viewer.user_id)
        return [TokenOut.model_validate(r, from_attributes=True) for r in rows]


@router.delete("/me/tokens/{token_id}", status_code=204)
def revoke_my_token(token_id: ItemId, viewer: ApiViewer, db: DbDep) -> Response:
    """Revoke one of your tokens at once (the one you call with, too)."""
    with db.transaction() as session:
        accounts.revoke_token(session=session, user_id=viewer.user_id, token_id=token_id)
    return Response(status_code=204)


@router.get("/alliances", response_model=list[AllianceSummaryOut])
def list_alliances(
    viewer: ApiViewer,
    db: DbDep,
    today: TodayDep,
    country: str | None = Query(
        None, description="Two-letter country code", pattern=r"^[A-Za-z]{2}$"
    ),
    stage: Stage | None = Query(None, description="Only alliances in this stage"),
) -> list[AllianceSummaryOut]:
    """The alliances you have a role on, with how many checks of their stage pass."""
    out = []
    with db.transaction() as session:
        shown = accounts.visible_alliances(
            session=session, viewer=viewer, country=country, stage=stage and stage.value
        )
        reports = stage_service.gate_reports(
            session=session, scope=[a.id for a in shown], today=today
        )
        for a in shown:
            report = reports[a.id]
            out.append(
                AllianceSummaryOut(
                    **_alliance(a, viewer).model_dump(),
                    checks_passed=report.passed_count,
                    checks_total=len(report.outcomes),
                    ready=report.clear,
                )
            )
        return _withheld(session, viewer, out)


@router.post("/alliances", response_model=AllianceOut, status_code=201)
def create_alliance(alliance_in: AllianceIn, viewer: ApiViewer, db: DbDep) -> AllianceOut:
    """Create an alliance (coordinators and admins); you become its coordinator."""
    with db.transaction() as session:
        a = accounts.create_alliance_as(
            session=session, viewer=viewer, alliance_in=alliance_in.model_dump()
        )
        return _alliance(a, viewer)


@router.get("/alliances/{ref}", response_model=AllianceOut)
def get_alliance(ref: Ref, viewer: ApiViewer, db: DbDep) -> AllianceOut:
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        return _withheld(session, viewer, _alliance(a, viewer))


@router.get("/alliances/{ref}/checks", response_model=GateOut)
def checks(ref: Ref, viewer: ApiViewer, db: DbDep, today: TodayDep) -> GateOut:
    """Every exit check of the current stage: passed, why, what to do, waiver."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        report = stage_service.gate_report(session=session, alliance=a, today=today)
        out = GateOut(stage=report.stage, clear=report.clear, checks=_checks(report))
        return _withheld(session, viewer, out)


@router.post("/alliances/{ref}/advance", response_model=StageChangeOut)
def advance(ref: Ref, viewer: ApiViewer, db: DbDep, today: TodayDep) -> StageChangeOut:
    """Move to the next stage; 409 `gate_blocked` with the failing checks when refused."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        before = a.stage
        report = stage_service.advance_stage(
            session=session, alliance=a, actor=viewer.author, today=today
        )
        return StageChangeOut(from_stage=before, to_stage=a.stage, checks=_checks(report))


@router.post("/alliances/{ref}/waive", response_model=GateOut)
def waive(ref: Ref, waiver_in: WaiverIn, viewer: ApiViewer, db: DbDep, today: TodayDep) -> GateOut:
    """Waive one failed check of the current stage, with a written reason."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        report = stage_service.waive_check(
            session=session,
            alliance=a,
            code=waiver_in.code,
            reason=waiver_in.reason,
            actor=viewer.author,
            today=today,
        )
    return GateOut(stage=report.stage, clear=report.clear, checks=_checks(report))


@router.post("/alliances/{ref}/back", response_model=StageChangeOut)
def move_back(
    ref: Ref, back_in: MoveBackIn, viewer: ApiViewer, db: DbDep, today: TodayDep
) -> StageChangeOut:
    """Move back one stage, with a reason."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        before = a.stage
        stage_service.move_back(
            session=session, alliance=a, reason=back_in.reason, actor=viewer.author, today=today
        )
        report = stage_service.gate_report(session=session, alliance=a, today=today)
        return StageChangeOut(from_stage=before, to_stage=a.stage, checks=_checks(report))


@router.get("/alliances/{ref}/history", response_model=list[EventOut])
def history(ref: Ref, viewer: ApiViewer, db: DbDep) -> list[EventOut]:
    """Every stage change and waiver: who, when, why."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        events = stage_service.history(session=session, alliance=a)
        out = [EventOut.model_validate(e, from_attributes=True) for e in events]
        return _withheld(session, viewer, out)


def _withheld(session: Session, viewer: Viewer, out: T) -> T:
    """What a funder reads: no name or contact of anyone the alliance knows (withholding.py)."""
    withheld = for_viewer(session, viewer)
    return out if withheld is None else withheld.deep(out)


def _rows(model: type[Any], rows: list[Any]) -> list[Any]:
    return [model.model_validate({f: getattr(r, f) for f in model.model_fields}) for r in rows]


@router.get("/alliances/{ref}/members", response_model=list[MemberOut])
def members(ref: Ref, viewer: ApiViewer, db: DbDep) -> list[MemberOut]:
    """Members and candidate representatives (not shown to funders)."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        rows = _rows(MemberOut, item_service.list_items(session=session, alliance=a, kind="member"))
        refused = privacy.withdrew(
            session=session, member_ids=[r.id for r in rows], purpose="contact"
        )
        return [r.model_copy(update={"email": None}) if r.id in refused else r for r in rows]


@router.post("/alliances/{ref}/members", response_model=MemberOut, status_code=201)
def add_member(
    ref: Ref, member_in: MemberIn, viewer: ApiViewer, db: DbDep, today: TodayDep
) -> MemberOut:
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        row = item_service.add_item(
            session=session, alliance=a, kind="member", item_in=member_in.model_dump(), today=today
        )
        return _rows(MemberOut, [row])[0]


@router.get("/alliances/{ref}/organisations", response_model=list[OrganisationOut])
def organisations(ref: Ref, viewer: ApiViewer, db: DbDep) -> list[OrganisationOut]:
    """The stakeholder table (not shown to funders)."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        rows = item_service.list_items(session=session, alliance=a, kind="organisation")
        return _rows(OrganisationOut, rows)


@router.post("/alliances/{ref}/organisations", response_model=OrganisationOut, status_code=201)
def add_organisation(
    ref: Ref, organisation_in: OrganisationIn, viewer: ApiViewer, db: DbDep, today: TodayDep
) -> OrganisationOut:
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        row = item_service.add_item(
            session=session,
            alliance=a,
            kind="organisation",
            item_in=organisation_in.model_dump(),
            today=today,
        )
        return _rows(OrganisationOut, [row])[0]


# --- your own part: the charter you sign, the actions you own ---------------------------------


@router.get("/alliances/{ref}/me", response_model=MyPartOut)
def my_part(ref: Ref, viewer: ApiViewer, db: DbDep, today: TodayDep) -> MyPartOut:
    """The member your account speaks for, the current charter, and the actions you own."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        part = membership.my_part(session=session, viewer=viewer, alliance=a, today=today)
        return MyPartOut(
            member=_rows(MemberOut, [part.member])[0] if part.member else None,
            charter=_rows(CharterOut, [part.charter])[0] if part.charter else None,
            signed_on=part.signed_on,
            may_sign=part.may_sign,
            actions=_rows(OwnActionOut, part.actions),
            minutes_actions=_rows(OwnMinutesActionOut, [a for a, _m in part.minutes_actions]),
        )


@router.get("/alliances/{ref}/me/consents", response_model=list[ConsentOut])
def my_consents(ref: Ref, viewer: ApiViewer, db: DbDep) -> list[ConsentOut]:
    """What you agreed to, purpose by purpose."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        member = membership.own_member(session=session, viewer=viewer, alliance=a)
        return _consents(privacy.consents(session=session, member=member))


@router.put("/alliances/{ref}/me/consents", response_model=list[ConsentOut])
def set_my_consents(
    ref: Ref, consents_in: ConsentsIn, viewer: ApiViewer, db: DbDep
) -> list[ConsentOut]:
    """Give or withdraw your consent to each purpose; purposes left out keep their answer."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        member = membership.own_member(session=session, viewer=viewer, alliance=a)
        answers = {k: v for k, v in consents_in.model_dump().items() if v is not None}
        rows = privacy.set_consents(
            session=session, member=member, granted=answers, actor=viewer.author
        )
        return _consents(rows)


def _consents(rows: list[privacy.Consent]) -> list[ConsentOut]:
    return [
        ConsentOut(purpose=c.purpose, granted=c.granted, recorded_at=c.recorded_at) for c in rows
    ]


@router.get("/alliances/{ref}/me/export")
def my_export(ref: Ref, viewer: ApiViewer, db: DbDep) -> dict[str, Any]:
    """Everything the alliance holds about you, as JSON (the same as the page's download)."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        member = membership.own_member(session=session, viewer=viewer, alliance=a)
        return privacy.export_member(session=session, member=member)


@router.post("/alliances/{ref}/me/signature", response_model=SignatureOut, status_code=201)
def sign_charter(ref: Ref, viewer: ApiViewer, db: DbDep, today: TodayDep) -> SignatureOut:
    """Sign the current charter version, dated today; 409 when already signed or not possible."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        row = membership.sign_current_charter(
            session=session, viewer=viewer, alliance=a, today=today
        )
        charter = membership.current_charter(session=session, alliance=a)
        assert charter is not None
        return SignatureOut(
            member_id=row.member_id, charter_version=charter.version, signed_on=row.signed_on
        )


@router.patch("/alliances/{ref}/me/actions/{item_id}", response_model=OwnActionOut)
def update_my_action(
    ref: Ref, item_id: ItemId, change_in: OwnActionIn, viewer: ApiViewer, db: DbDep, today: TodayDep
) -> OwnActionOut:
    """Report the status of an action-plan row you own (403 when it is someone else's)."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        row = membership.update_own_action(
            session=session,
            viewer=viewer,
            alliance=a,
            kind="action",
            item_id=item_id,
            changes=change_in.model_dump(mode="json"),
            today=today,
        )
        return _rows(OwnActionOut, [row])[0]


@router.patch("/alliances/{ref}/me/minutes-actions/{item_id}", response_model=OwnMinutesActionOut)
def update_my_minutes_action(
    ref: Ref,
    item_id: ItemId,
    change_in: OwnMinutesActionIn,
    viewer: ApiViewer,
    db: DbDep,
    today: TodayDep,
) -> OwnMinutesActionOut:
    """Record when an action from the minutes that you own was done (null: not yet)."""
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        row = membership.update_own_action(
            session=session,
            viewer=viewer,
            alliance=a,
            kind="minutes-action",
            item_id=item_id,
            changes=change_in.model_dump(),
            today=today,
        )
        return _rows(OwnMinutesActionOut, [row])[0]
