"""Creating, finding and editing alliances."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput
from alliance_flow.i18n import _
from alliance_flow.safety import parse_id
from alliance_flow.services.status import listed, no_such_alliance
from alliance_flow.vocabulary import EventKind, Stage


@lru_cache
def editable() -> frozenset[str]:
    """Fields an edit may change; the stage is not one of them (it moves only through the
    gates). The input schema (pydantic) is loaded when first needed, not by every command."""
    from alliance_flow.schemas import AllianceIn

    return frozenset(AllianceIn.model_fields)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "alliance"


def get_alliance(*, session: Session, ref: str | int) -> m.Alliance:
    """Find an alliance by id or slug, as typed by a user."""
    text = str(ref).strip()
    alliance = None
    number = parse_id(text)
    if number is not None:
        alliance = session.get(m.Alliance, number)
    if alliance is None and len(text) <= 80:
        alliance = session.scalars(
            select(m.Alliance).where(m.Alliance.slug == text.lower())
        ).first()
    if alliance is None:
        raise no_such_alliance(text)
    return alliance


def list_alliances(
    *, session: Session, country: str | None = None, stage: str | None = None
) -> list[m.Alliance]:
    return list(session.scalars(listed(select(m.Alliance), country=country, stage=stage)))


def create_alliance(
    *,
    session: Session,
    alliance_in: dict[str, Any],
    actor: str,
    recorded_at: datetime | None = None,
) -> m.Alliance:
    from alliance_flow.schemas import AllianceIn, validate

    data = validate(AllianceIn, alliance_in).model_dump()
    slug = data.pop("slug") or slugify(data["name"])
    if session.scalars(select(m.Alliance.id).where(m.Alliance.slug == slug)).first():
        raise Conflict(
            _("the short name “{slug}” is already used by another alliance; choose another").format(
                slug=slug
            )
        )
    alliance = m.Alliance(slug=slug, **data)
    session.add(alliance)
    session.flush()
    session.add(
        m.StageEvent(
            alliance_id=alliance.id,
            kind=EventKind.CREATED,
            stage=Stage.SCOPE,
            to_stage=Stage.SCOPE,
            actor=actor,
            at=recorded_at or m.utcnow(),
        )
    )
    return alliance


def update_alliance(*, session: Session, ref: str | int, changes: dict[str, Any]) -> m.Alliance:
    alliance = get_alliance(session=session, ref=ref)
    unknown = [k for k in changes if k not in editable()]
    if unknown:
        said = _("unknown field")
        if "stage" in unknown:
            said = _("unknown field (the stage changes only with advance or back)")
        raise InvalidInput([FieldProblem(k, said) for k in unknown])
    current = {k: getattr(alliance, k) for k in editable()}
    from alliance_flow.schemas import AllianceIn, validate

    data = validate(AllianceIn, {**current, **changes}).model_dump()
    if data["slug"] != alliance.slug:
        taken = session.scalars(
            select(m.Alliance.id).where(
                m.Alliance.slug == data["slug"], m.Alliance.id != alliance.id
            )
        ).first()
        if taken:
            raise Conflict(
                _(
                    "the short name “{slug}” is already used by another alliance; choose another"
                ).format(slug=data["slug"])
            )
    for key, value in data.items():
        if key in changes:
            setattr(alliance, key, value)
    session.flush()
    return alliance
