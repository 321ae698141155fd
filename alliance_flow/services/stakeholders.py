"""The stakeholder table of stage 1: listing with filters, the influence/interest grid, export
to CSV and XLSX (which re-imports without change), and uploads waiting for confirmation."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.errors import FieldProblem, InvalidInput, NotFound
from alliance_flow.i18n import N_, _, use_language
from alliance_flow.safety import csv_writer, sheet_title, spreadsheet_cell
from alliance_flow.vocabulary import Influence

#: How the table can be sorted: key -> what is compared.
SORTS = ("name", "group", "influence", "interest", "representatives")
LEVELS = (Influence.HIGH.value, Influence.MEDIUM.value, Influence.LOW.value)
_RANK = {Influence.HIGH.value: 0, Influence.MEDIUM.value: 1, Influence.LOW.value: 2, None: 3}

#: An upload waits this long for its confirmation.
UPLOAD_LIFETIME = timedelta(hours=24)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class StakeholderRow:
    organisation: m.Organisation
    representatives: int


@dataclass(frozen=True)
class Filters:
    q: str = ""
    sector: str = ""
    group: str = ""
    influence: str = ""
    sort: str = "name"
    descending: bool = False

    @property
    def active(self) -> bool:
        return bool(self.q or self.sector or self.group or self.influence)


def list_stakeholders(
    *, session: Session, alliance: m.Alliance, filters: Filters = Filters()
) -> list[StakeholderRow]:
    """The stakeholder table as filtered and sorted by the coordinator."""
    counts = dict(
        session.execute(
            select(m.Member.organisation_id, func.count())
            .where(m.Member.alliance_id == alliance.id, m.Member.organisation_id.is_not(None))
            .group_by(m.Member.organisation_id)
        ).all()
    )
    query = select(m.Organisation).where(m.Organisation.alliance_id == alliance.id)
    if filters.group:
        query = query.where(m.Organisation.group == filters.group)
    if filters.influence:
        query = query.where(m.Organisation.influence == filters.influence)
    rows = [
        StakeholderRow(org, counts.get(org.id, 0))
        for org in session.scalars(query)
        if (not filters.sector or filters.sector in org.sectors) and _matches(org, filters.q)
    ]
    sort = filters.sort if filters.sort in SORTS else "name"

    def key(row: StakeholderRow) -> Any:
        org = row.organisation
        if sort == "influence":
            return (_RANK[org.influence], org.name.casefold())
        if sort == "interest":
            return (_RANK[org.interest], org.name.casefold())
        if sort == "group":
            return (org.group, org.name.casefold())
        if sort == "representatives":
            return (-row.representatives, org.name.casefold())
        return org.name.casefold()

    return sorted(rows, key=key, reverse=filters.descending)


def _matches(org: m.Organisation, q: str) -> bool:
    if not q.strip():
        return True
    text = " ".join(
        v or ""
        for v in (
            org.name,
            org.contact_person,
            org.email,
            org.address,
            org.mobilisation_strategy,
            org.notes,
        )
    ).casefold()
    return all(word in text for word in q.casefold().split())


# --- the influence / interest grid ----------------------------------------------------------------

#: What to do with a stakeholder in each cell of the grid (influence, interest), in the order
#: the coordinator should work through them.
ADVICE: dict[tuple[str, str], str] = {
    ("high", "high"): N_("Mobilise first: involve them closely"),
    ("high", "medium"): N_("Mobilise early: keep them satisfied"),
    ("medium", "high"): N_("Mobilise early: keep them involved"),
    ("high", "low"): N_("Keep satisfied: show what the alliance brings them"),
    ("medium", "medium"): N_("Consult them"),
    ("low", "high"): N_("Keep informed: they can become allies"),
    ("medium", "low"): N_("Keep informed"),
    ("low", "medium"): N_("Keep informed"),
    ("low", "low"): N_("Monitor"),
}
PRIORITY = tuple(ADVICE)


@dataclass(frozen=True)
class GridCell:
    influence: str
    interest: str
    advice: str
    priority: int  # 1 = mobilise first
    organisations: tuple[m.Organisation, ...]


@dataclass(frozen=True)
class Grid:
    #: rows from high influence to low; columns from low interest to high
    rows: tuple[tuple[GridCell, ...], ...]
    #: organisations whose influence or interest is not yet assessed
    unplaced: tuple[m.Organisation, ...]

    @property
    def first(self) -> list[m.Organisation]:
        """Whom to mobilise first, in order: high influence and high interest, then the next."""
        cells = sorted((c for row in self.rows for c in row), key=lambda c: c.priority)
        return [org for cell in cells[:3] for org in cell.organisations]


def grid(organisations: Iterable[m.Organisation]) -> Grid:
    """Place each stakeholder by its influence on the project and its interest in it."""
    placed: dict[tuple[str, str], list[m.Organisation]] = {key: [] for key in ADVICE}
    unplaced = []
    for org in organisations:
        key = (org.influence or "", org.interest or "")
        if key in placed:
            placed[key].append(org)
        else:
            unplaced.append(org)
    rows = tuple(
        tuple(
            GridCell(
                influence,
                interest,
                ADVICE[(influence, interest)],
                PRIORITY.index((influence, interest)) + 1,
                tuple(sorted(placed[(influence, interest)], key=lambda o: o.name.casefold())),
            )
            for interest in reversed(LEVELS)
        )
        for influence in LEVELS
    )
    return Grid(rows, tuple(sorted(unplaced, key=lambda o: o.name.casefold())))


# --- export -----------------------------------------------------------------------------------

#: Columns of the export, in the guide's order, as the importer reads them back.
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    # (target, field): the field is also the importer's column
    ("org", "name"),
    ("org", "group"),
    ("org", "sectors"),
    ("org", "contact_person"),
    ("org", "phone"),
    ("org", "email"),
    ("org", "website"),
    ("org", "address"),
    ("org", "latitude"),
    ("org", "longitude"),
    ("org", "contribution"),
    ("org", "interests"),
    ("org", "influence"),
    ("org", "interest"),
    ("org", "mobilisation_strategy"),
    ("org", "own_criteria"),
    ("org", "notes"),
    ("member", "name"),
    ("member", "email"),
    ("member", "phone"),
    ("member", "roles"),
    ("member", "has_authority"),
    ("member", "authority_granted_by"),
    ("member", "participation_level"),
    ("member", "joined_on"),
    ("member", "language"),
)


#: Contact details: left out unless asked for, and never a member's who withdrew consent to be
#: contacted. Leaving them out loses nothing on re-import (an absent or empty cell changes nothing).
CONTACT_COLUMNS = frozenset(
    {
        ("org", "contact_person"),
        ("org", "phone"),
        ("org", "email"),
        ("member", "email"),
        ("member", "phone"),
    }
)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_table(
    *, session: Session, alliance: m.Alliance, language: str, contacts: bool = False
) -> tuple[list[str], list[list[Any]]]:
    """The stakeholder table as header and rows: one row per representative, and one for each
    organisation without any, in the reader's `language`: headers and coded values (group,
    sectors, influence, roles...) as the reader's words, which the importer reads back in every
    language, so the file re-imports without change. Contact details only when `contacts` is
    asked for, and then never those of a member who withdrew consent to be contacted."""
    from alliance_flow.importer import COLUMNS, exported
    from alliance_flow.privacy import withdrew

    columns = tuple(c for c in EXPORT_COLUMNS if contacts or c not in CONTACT_COLUMNS)
    by_name = {(c.target, c.name): c for c in COLUMNS}
    chosen = [by_name[("organisation" if t == "org" else "member", n)] for t, n in columns]
    orgs = list(
        session.scalars(
            select(m.Organisation)
            .where(m.Organisation.alliance_id == alliance.id)
            .order_by(m.Organisation.name)
        )
    )
    members = list(
        session.scalars(
            select(m.Member).where(m.Member.alliance_id == alliance.id).order_by(m.Member.id)
        )
    )
    by_org: dict[int | None, list[m.Member]] = {}
    for member in members:
        by_org.setdefault(member.organisation_id, []).append(member)
    unreachable = (
        withdrew(session=session, member_ids=[mb.id for mb in members], purpose="contact")
        if contacts
        else set()
    )
    private = {("member", "email"), ("member", "phone")}

    def row(org: m.Organisation | None, member: m.Member | None) -> list[Any]:
        out = []
        for (target, name), col in zip(columns, chosen, strict=True):
            source = org if target == "org" else member
            value = getattr(source, name, None) if source is not None else None
            if member is not None and member.id in unreachable and (target, name) in private:
                value = None
            out.append(_cell(exported(col, value, language)))
        return out

    with use_language(language):
        header = [_(col.english) for col in chosen]
        rows: list[list[Any]] = []
        for org in orgs:
            for member in by_org.get(org.id, []) or [None]:  # type: ignore[list-item]
                rows.append(row(org, member))
        for member in by_org.get(None, []):
            # an individual member: group, sector and contact in the organisation's columns
            out = row(None, member)
            out[1] = _cell(exported(chosen[1], member.group, language))
            out[2] = _cell(exported(chosen[2], member.sector, language))
            rows.append(out)
    return header, rows


def export_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark and ';' separators: what Excel in Europe opens directly.
    A cell a spreadsheet would run as a formula gets an apostrophe, which the importer drops."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(header: list[str], rows: list[list[Any]], title: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet: Any = workbook.active
    sheet.title = sheet_title(title, _("Stakeholders"))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even '=...'
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- uploads awaiting confirmation -----------------------------------------------------------


def store_upload(
    *, session: Session, alliance: m.Alliance, filename: str, content: bytes, by: str, now: datetime
) -> str:
    """Keep an uploaded file until the coordinator confirms its preview; returns its token."""
    if not content:
        raise InvalidInput([FieldProblem("file", _("choose a .csv or .xlsx file to import"))])
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            [
                FieldProblem(
                    "file",
                    _("the file is larger than {size} MB; split it in parts").format(
                        size=MAX_UPLOAD_BYTES // (1024 * 1024)
                    ),
                )
            ]
        )
    session.execute(
        delete(m.StakeholderUpload).where(m.StakeholderUpload.created_at < now - UPLOAD_LIFETIME)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        m.StakeholderUpload(
            token=token,
            alliance_id=alliance.id,
            uploaded_by=by,
            filename=filename[-200:] or "upload",
            content=content,
            created_at=now,
        )
    )
    session.flush()
    return token


def get_upload(
    *, session: Session, alliance: m.Alliance, token: str, now: datetime
) -> m.StakeholderUpload:
    upload = session.get(m.StakeholderUpload, token)
    if (
        upload is None
        or upload.alliance_id != alliance.id
        or upload.created_at < now - UPLOAD_LIFETIME
    ):
        raise NotFound(_("this upload is no longer available; choose the file again"))
    return upload


def discard_upload(*, session: Session, token: str) -> None:
    session.execute(delete(m.StakeholderUpload).where(m.StakeholderUpload.token == token))
