"""Validated inputs shared by the CLI, the importer and (later) the web app and API."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.i18n import LANGUAGES, N_, _, current_language, parse_amount
from alliance_flow.safety import MAX_ID, is_web_address
from alliance_flow.vocabulary import (
    ActionStatus,
    Audience,
    Authority,
    Continuation,
    Decision,
    EvaluationKind,
    Influence,
    MeetingKind,
    MeetingStatus,
    ParticipationLevel,
    PublicationKind,
    ResearchKind,
    Role,
    Sector,
    StakeholderGroup,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _email(value: str | None) -> str | None:
    if value is not None and not EMAIL.match(value):
        raise ValueError(_("not a valid e-mail address (expected name@example.org)"))
    return value


def _channel(value: str | None) -> str | None:
    if value is not None and "://" not in value:
        raise ValueError(
            _(
                "give an Apprise address such as mailto://name@example.org, "
                "tgram://bot-token/chat-id or slack://...; leave it empty to use the e-mail"
            )
        )
    if value is not None:
        from alliance_flow.reminders.delivery import invalid_urls

        if bad := invalid_urls(value):
            raise ValueError(channel_problem(bad))
    return value


def channel_problem(bad: list[str]) -> str:
    """Why a channel address was refused, naming the address with its secrets hidden."""
    return _(
        "Apprise cannot use {addresses}: check the spelling of the address "
        "(e.g. mailto://name@example.org or json://host/path)"
    ).format(addresses=", ".join(bad))


def _timezone(value: str) -> str:
    try:
        if len(value) > 64:  # no zone name is longer; the file lookup fails on absurd ones
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            _("unknown time zone '{value}' (expected e.g. Europe/Paris)").format(value=value)
        ) from None
    return value


def _language(value: str) -> str:
    if value not in LANGUAGES:
        raise ValueError(_("must be one of: {expected}").format(expected=", ".join(LANGUAGES)))
    return value


def _web_address(value: str | None) -> str | None:
    if value is not None and not is_web_address(value):
        raise ValueError(_("not a web address (expected https://example.org)"))
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _split_list(value: Any) -> Any:
    """Lists typed on a command line or in a spreadsheet cell: 'a, b' or 'a; b'."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[;,]", value) if v.strip()]
    return value


def _split_lines(value: Any) -> Any:
    """Free-text lists (reasons, SWOT): one per line, or separated by '|'."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[\n|]", value) if v.strip()]
    return value


#: Free text: a few pages at most (a longer column limit is checked when saving, see db.py).
TEXT_MAX = 20_000
#: Minutes and charter texts may be long documents.
DOCUMENT_MAX = 200_000

Text = Annotated[Annotated[str, Field(max_length=TEXT_MAX)] | None, BeforeValidator(_blank_to_none)]
Document = Annotated[str, Field(min_length=1, max_length=DOCUMENT_MAX)]
OptDocument = Annotated[
    Annotated[str, Field(max_length=DOCUMENT_MAX)] | None, BeforeValidator(_blank_to_none)
]
#: A sentence such as a description or a reason.
Sentence = Annotated[str, Field(min_length=1, max_length=TEXT_MAX)]
Email = Annotated[
    Annotated[str, Field(max_length=200)] | None,
    BeforeValidator(_blank_to_none),
    AfterValidator(_email),
]
#: A web address that may become a link: http(s) only, so no `javascript:` ever runs from data.
Url = Annotated[
    Annotated[str, Field(max_length=500)] | None,
    BeforeValidator(_blank_to_none),
    AfterValidator(_web_address),
]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_timezone)]
Words = Annotated[
    list[Annotated[str, Field(max_length=200)]], Field(max_length=100), BeforeValidator(_split_list)
]
Lines = Annotated[
    list[Annotated[str, Field(max_length=TEXT_MAX)]],
    Field(max_length=500),
    BeforeValidator(_split_lines),
]
OptDate = Annotated[date | None, BeforeValidator(_blank_to_none)]
#: A whole number stored in an ordinary integer column (32 bits on PostgreSQL).
Count = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
OptInt = Annotated[Count | None, BeforeValidator(_blank_to_none)]
#: The id of a row: positive and within what every database stores.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
OptId = Annotated[Id | None, BeforeValidator(_blank_to_none)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


E = TypeVar("E")
#: An optional value where an empty cell or an empty FIELD= means "not set".
Opt = Annotated[E | None, BeforeValidator(_blank_to_none)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)


class AllianceIn(Input):
    name: Name
    slug: Annotated[
        Annotated[str, Field(max_length=80)] | None, BeforeValidator(_blank_to_none)
    ] = None
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
    region: Text = None
    region_boundary: Text = None
    language: Annotated[str, AfterValidator(_language)] = "en"
    timezone: TimeZone = "UTC"
    work_plan_start: OptDate = None
    work_plan_end: OptDate = None
    accountable: Text = None
    operating_rules: Text = None
    communication_channels: Words = Field(default_factory=list)
    vision: Text = None
    vision_agreed_on: OptDate = None

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str | None) -> str | None:
        if v is not None and not SLUG.match(v):
            raise ValueError(_("use lower-case letters, digits and dashes only (e.g. roscommon)"))
        return v

    @model_validator(mode="after")
    def _dates(self) -> AllianceIn:
        if (
            self.work_plan_start
            and self.work_plan_end
            and self.work_plan_end <= self.work_plan_start
        ):
            raise ValueError("work_plan_end: " + _("must be after work_plan_start"))
        return self


class OrganisationIn(Input):
    name: Name
    group: StakeholderGroup = StakeholderGroup.OTHER
    sectors: Annotated[list[Sector], BeforeValidator(_split_list)] = Field(default_factory=list)
    contact_person: Annotated[
        Annotated[str, Field(max_length=200)] | None, BeforeValidator(_blank_to_none)
    ] = None
    phone: Text = None
    email: Email = None
    website: Url = None
    address: Text = None
    latitude: Annotated[
        Annotated[float, Field(ge=-90, le=90)] | None, BeforeValidator(_blank_to_none)
    ] = None
    longitude: Annotated[
        Annotated[float, Field(ge=-180, le=180)] | None, BeforeValidator(_blank_to_none)
    ] = None
    contribution: Text = None
    interests: Text = None
    influence: Opt[Influence] = None
    interest: Opt[Influence] = None
    mobilisation_strategy: Text = None
    own_criteria: Text = None
    notes: Text = None


class MemberIn(Input):
    name: Name
    organisation_id: OptId = None
    email: Email = None
    phone: Text = None
    preferred_channel: Annotated[
        str | None, BeforeValidator(_blank_to_none), AfterValidator(_channel)
    ] = None
    language: Annotated[
        Annotated[str, AfterValidator(_language)] | None, BeforeValidator(_blank_to_none)
    ] = None
    group: Opt[StakeholderGroup] = None
    sector: Opt[Sector] = None
    has_authority: Opt[Authority] = None
    authority_granted_by: Text = None
    participation_level: Opt[ParticipationLevel] = None
    joined_on: OptDate = None
    left_on: OptDate = None
    roles: Annotated[list[Role], BeforeValidator(_split_list)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates(self) -> MemberIn:
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValueError("left_on: " + _("cannot be before joined_on"))
        if self.left_on and not self.joined_on:
            raise ValueError(
                "left_on: " + _("a candidate who never joined cannot leave; remove them")
            )
        return self


class BriefingIn(Input):
    why: Text = None
    regional_situation: Text = None
    why_mediation: Text = None
    reasons: Lines = Field(default_factory=list)
    expected_commitment: Text = None


class MeetingIn(Input):
    kind: MeetingKind
    starts_at: datetime
    timezone: Annotated[
        Annotated[str, Field(max_length=64)] | None, BeforeValidator(_blank_to_none)
    ] = None
    title: Text = None
    place: Text = None
    host_organisation: Text = None
    status: MeetingStatus = MeetingStatus.PLANNED
    duration_minutes: Annotated[int, Field(ge=15, le=24 * 60)] = 120
    minutes: OptDocument = None
    minutes_recorded_on: OptDate = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return None if v is None else _timezone(v)


class AgendaItemIn(Input):
    meeting_id: Id
    item: Annotated[str, Field(min_length=1, max_length=300)]
    position: Count = 0
    time: Annotated[
        Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None,
        BeforeValidator(_blank_to_none),
    ] = None
    moderator: Text = None
    minutes: Text = None


class AttendanceIn(Input):
    meeting_id: Id
    member_id: Id
    present: bool = True


class MeetingActionIn(Input):
    meeting_id: Id
    description: Sentence
    owner_member_id: OptId = None
    due_on: OptDate = None
    done_on: OptDate = None


class SectorProfileIn(Input):
    programme: Annotated[str, Field(min_length=1, max_length=300)]
    objectives: Text = None
    initiators: Text = None
    kind: Text = None
    cost: Text = None
    availability_limits: Text = None
    obstacles: Text = None


class ResearchSourceIn(Input):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    kind: ResearchKind = ResearchKind.OTHER
    url: Url = None
    notes: Text = None


class ConsultationIn(Input):
    interviewee: Name
    organisation: Text = None
    held_on: OptDate = None
    notes: Text = None


class GapIn(Input):
    description: Sentence
    identified_on: OptDate = None
    source: Text = None


def _local_amount(value: Any) -> Any:
    """Amounts as people type them: '1 200,50 €' in French, '1,200.50' in English."""
    value = _blank_to_none(value)
    if not isinstance(value, str):
        return value
    return parse_amount(value, current_language())


Money = Annotated[
    Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None,
    BeforeValidator(_local_amount),
]


class ActionPlanItemIn(Input):
    action: Annotated[str, Field(min_length=1, max_length=300)]
    number: OptInt = None
    objective: Text = None
    local_problem: Text = None
    description: Text = None
    estimated_budget: Money = None
    budget_committed: Money = None
    resources: Text = None
    responsible: Text = None
    owner_member_id: OptId = None
    starts_on: OptDate = None
    ends_on: OptDate = None
    implementation: Text = None
    obstacles: Text = None
    obstacle_plan: Text = None
    collaborators: Text = None
    specific: Text = None
    measurable: Text = None
    achievable: Text = None
    relevant: Text = None
    time_bound: Text = None
    indicator: Text = None
    status: ActionStatus = ActionStatus.PLANNED
    #: the day it was done; set to today when marked done without a date
    completed_on: OptDate = None

    @model_validator(mode="after")
    def _dates(self) -> ActionPlanItemIn:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on: " + _("cannot be before starts_on"))
        if self.status != ActionStatus.DONE:
            self.completed_on = None  # reopened: the date it was done no longer holds
        return self


class CharterVersionIn(Input):
    text: Document
    version: OptInt = None
    adopted_on: OptDate = None


class CharterSignatureIn(Input):
    member_id: Id
    charter_version_id: Id
    signed_on: date


class CommunicationPlanRowIn(Input):
    audience: Audience
    stakeholder: Text = None
    objectives: Text = None
    message: Text = None
    delivery: Text = None
    frequency: Text = None
    responsible: Text = None


class PublicationIn(Input):
    kind: PublicationKind
    title: Annotated[str, Field(min_length=1, max_length=300)]
    published_on: date
    url: Url = None
    audience: Text = None


class EvaluationIn(Input):
    kind: EvaluationKind
    held_on: date
    evaluator: Text = None
    strengths: Lines = Field(default_factory=list)
    weaknesses: Lines = Field(default_factory=list)
    opportunities: Lines = Field(default_factory=list)
    threats: Lines = Field(default_factory=list)
    findings: Text = None


class SustainabilityPlanIn(Input):
    summary: Text = None
    continuation: Opt[Continuation] = None
    dated_on: OptDate = None
    decision: Opt[Decision] = None
    decided_on: OptDate = None
    decision_reason: Text = None

    @model_validator(mode="after")
    def _decision(self) -> SustainabilityPlanIn:
        if self.decided_on and not self.decision:
            raise ValueError("decision: " + _("say whether the alliance closes or renews"))
        return self


class WaiverIn(Input):
    code: Annotated[str, Field(min_length=1, max_length=80)]
    reason: Annotated[str, Field(min_length=10, max_length=2000)]


class MoveBackIn(Input):
    reason: Annotated[str, Field(min_length=10, max_length=2000)]


#: Pydantic's own messages, in the coordinator's words and language (by error type).
MESSAGES: dict[str, str] = {
    "missing": N_("required"),
    "extra_forbidden": N_("unknown field"),
    "string_too_short": N_("too short (at least {min_length} characters)"),
    "string_too_long": N_("too long (at most {max_length} characters)"),
    "string_pattern_mismatch": N_("not in the expected form"),
    "date_parsing": N_("not a valid date (expected YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("not a valid date (expected YYYY-MM-DD)"),
    "date_type": N_("not a valid date (expected YYYY-MM-DD)"),
    "datetime_parsing": N_("not a valid date and time (expected YYYY-MM-DDTHH:MM)"),
    "datetime_from_date_parsing": N_("not a valid date and time (expected YYYY-MM-DDTHH:MM)"),
    "datetime_type": N_("not a valid date and time (expected YYYY-MM-DDTHH:MM)"),
    "int_parsing": N_("not a whole number"),
    "int_type": N_("not a whole number"),
    "float_parsing": N_("not a number"),
    "decimal_parsing": N_("not a number"),
    "bool_parsing": N_("expected yes or no"),
    "enum": N_("must be one of: {expected}"),
    "literal_error": N_("must be one of: {expected}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than_equal": N_("must be at most {le}"),
    "too_long": N_("too many entries (at most {max_length})"),
    "decimal_max_places": N_("at most {decimal_places} decimals"),
    "decimal_max_digits": N_("too many digits"),
}


def problems_from(exc: ValidationError, line: int | None = None) -> list[FieldProblem]:
    """Pydantic's errors in a coordinator's words and language: which field, what is wrong."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or ""
        msg = err["msg"].removeprefix("Value error, ")
        if not loc and ": " in msg:  # model-level validators name their field first
            loc, msg = msg.split(": ", 1)
        context = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
        kind = err["type"]
        if kind == "string_too_short" and context.get("min_length") == "1":
            kind = "missing"  # an empty name is a missing name
        template = MESSAGES.get(kind)
        if template is not None:
            with contextlib.suppress(KeyError):
                msg = _(template).format(**context)
        out.append(FieldProblem(field=loc or "input", problem=msg, line=line))
    return out


def validate(schema: type[Input], data: dict[str, Any]) -> Input:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc)) from None
