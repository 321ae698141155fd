"""Who changed what: every write to an alliance's records is logged with its author.

Adapters say who is acting (`acting_as` / `set_actor`: the signed-in user, the CLI operator, a
scheduled flow); a flush hook writes one audit row per inserted, changed or deleted record, in
the same transaction as the change, so a write and its record cannot part.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.acting import _actor, _erasing
from alliance_flow.acting import acting_as as acting_as  # adapters say who acts through here
from alliance_flow.acting import erasing as erasing
from alliance_flow.acting import set_actor as set_actor
from alliance_flow.plain import plain

#: Tables whose rows are not the alliance's records: history and logs of their own, sessions,
#: login throttling and the notification outbox (which has its own status trail).
NOT_AUDITED = frozenset(
    {
        "audit_events",
        "stage_events",
        "web_sessions",
        "login_failures",
        "api_tokens",
        "reminder_outbox",
        "stakeholder_uploads",
    }
)
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "apprise_url", "preferred_channel"})


#: How a row that does not carry alliance_id finds its alliance: through its parent.
PARENTS: tuple[tuple[str, type[m.Base]], ...] = (
    ("organisation_id", m.Organisation),
    ("member_id", m.Member),
    ("meeting_id", m.Meeting),
    ("charter_version_id", m.CharterVersion),
)


def _alliance_of(session: Session, obj: Any) -> int | None:
    if isinstance(obj, m.Alliance):
        return obj.id
    if getattr(obj, "alliance_id", None) is not None:
        return int(obj.alliance_id)
    for column, model in PARENTS:
        parent_id = getattr(obj, column, None)
        if parent_id is not None:
            with session.no_autoflush:
                parent = session.get(model, parent_id)
            return _alliance_of(session, parent) if parent is not None else None
    return None


def _changes(obj: Any, action: str) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if action == "update":
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
            if _erasing.get():
                out[key] = "(erased)"
            else:
                out[key] = "(changed)" if key in SECRET_COLUMNS else [plain(old), plain(new)]
        else:
            value = state.attrs[key].value if action == "insert" else state.attrs[key].loaded_value
            if _erasing.get() and key not in ("member_id", "purpose"):
                out[key] = "(erased)"
            else:
                out[key] = "(set)" if key in SECRET_COLUMNS and value else plain(value)
    return out


def record_writes(session: Session, flush_context: Any) -> None:
    """after_flush hook (installed by alliance_flow.db.Database on its sessions)."""
    rows = []
    for action, objects in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in NOT_AUDITED:
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            key = inspect(obj).mapper.primary_key_from_instance(obj)
            rows.append(
                {
                    "at": m.utcnow(),
                    "actor": _actor.get(),
                    "alliance_id": _alliance_of(session, obj),
                    "table_name": table,
                    "row_key": ",".join(str(k) for k in key),
                    "action": action,
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(m.AuditEvent), rows)


def record_bulk(
    session: Session,
    *,
    alliance_id: int,
    table: str,
    rows: list[tuple[str, dict[str, Any]]],
    action: str = "insert",
) -> None:
    """Audit rows for records written set-based (a bulk INSERT does not pass the flush hook):
    (row key, values) for each."""
    if not rows:
        return
    at, actor = m.utcnow(), _actor.get()
    session.connection().execute(
        insert(m.AuditEvent),
        [
            {
                "at": at,
                "actor": actor,
                "alliance_id": alliance_id,
                "table_name": table,
                "row_key": key,
                "action": action,
                "changes": {
                    k: ("(set)" if k in SECRET_COLUMNS and v else plain(v))
                    for k, v in values.items()
                },
            }
            for key, values in rows
        ],
    )


def recent(*, session: Session, alliance_id: int, limit: int = 100) -> list[m.AuditEvent]:
    """The latest writes to one alliance's records, newest first."""
    return list(
        session.scalars(
            select(m.AuditEvent)
            .where(m.AuditEvent.alliance_id == alliance_id)
            .order_by(m.AuditEvent.id.desc())
            .limit(limit)
        )
    )
