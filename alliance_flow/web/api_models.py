"""What the JSON API returns (inputs are the domain's own schemas in alliance_flow.schemas)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from alliance_flow.vocabulary import ActionStatus


class ProblemOut(BaseModel):
    field: str
    problem: str


class ErrorBody(BaseModel):
    code: str
    message: str
    problems: list[ProblemOut] | None = None
    failing: list[dict[str, Any]] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody


class AllianceOut(BaseModel):
    id: int
    slug: str
    name: str
    country: str
    region: str | None
    stage: str
    language: str
    timezone: str
    work_plan_start: date | None
    work_plan_end: date | None
    role: str | None = None


class AllianceSummaryOut(AllianceOut):
    checks_passed: int
    checks_total: int
    ready: bool


class WaiverOut(BaseModel):
    reason: str
    actor: str
    at: datetime


class CheckOut(BaseModel):
    code: str
    title: str
    passed: bool
    reason: str
    fix: str
    area: str
    waived: bool
    waiver: WaiverOut | None


class GateOut(BaseModel):
    stage: str
    clear: bool
    checks: list[CheckOut]


class StageChangeOut(BaseModel):
    from_stage: str
    to_stage: str
    checks: list[CheckOut]


class EventOut(BaseModel):
    at: datetime
    kind: str
    stage: str
    from_stage: str | None
    to_stage: str | None
    check_code: str | None
    actor: str
    reason: str | None


class MemberOut(BaseModel):
    id: int
    name: str
    organisation_id: int | None
    email: str | None
    roles: list[str]
    joined_on: date | None
    left_on: date | None
    has_authority: str | None
    participation_level: str | None


class OrganisationOut(BaseModel):
    id: int
    name: str
    group: str
    sectors: list[str]
    influence: str | None
    website: str | None
    email: str | None
    phone: str | None


class MeOut(BaseModel):
    login: str
    name: str
    is_admin: bool
    language: str | None
    roles: dict[int, str]


class TokenOut(BaseModel):
    """One of your API tokens (never its secret)."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class ConsentOut(BaseModel):
    """What the member said to one purpose; granted is null when never asked."""

    purpose: str
    granted: bool | None
    recorded_at: datetime | None


class ConsentsIn(BaseModel):
    """Your answer per purpose (contact, funder_documents, public_profile); others unchanged."""

    model_config = ConfigDict(extra="forbid")
    contact: bool | None = None
    funder_documents: bool | None = None
    public_profile: bool | None = None


class CharterOut(BaseModel):
    version: int
    adopted_on: date | None
    text: str


class OwnActionOut(BaseModel):
    """A row of the action plan that the member owns."""

    id: int
    number: int
    action: str
    starts_on: date | None
    ends_on: date | None
    status: str
    #: the day it was done (set when the status became done)
    completed_on: date | None = None


class OwnMinutesActionOut(BaseModel):
    """An action agreed in the minutes of a meeting, owned by the member."""

    id: int
    meeting_id: int
    description: str
    due_on: date | None
    done_on: date | None


class MyPartOut(BaseModel):
    """Your own part in an alliance; member is null when your account is not linked to one."""

    member: MemberOut | None
    charter: CharterOut | None
    signed_on: date | None
    may_sign: bool
    actions: list[OwnActionOut]
    minutes_actions: list[OwnMinutesActionOut]


class SignatureOut(BaseModel):
    member_id: int
    charter_version: int
    signed_on: date


class OwnActionIn(BaseModel):
    """What a member changes on an action-plan row they own."""

    model_config = ConfigDict(extra="forbid")
    status: ActionStatus
    #: the day it was done; null with status done means today
    completed_on: date | None = None


class OwnMinutesActionIn(BaseModel):
    """What a member changes on an action from the minutes: when it was done (null: not yet)."""

    model_config = ConfigDict(extra="forbid")
    done_on: date | None


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No or invalid API token"},
    403: {"model": ErrorOut, "description": "Your role does not allow this"},
    404: {"model": ErrorOut, "description": "No such alliance, or none you have a role on"},
    409: {"model": ErrorOut, "description": "Refused: gate_blocked, invalid_transition, conflict"},
    422: {"model": ErrorOut, "description": "invalid_input: the fields and their problems"},
}
