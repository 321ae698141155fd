"""Files people bring: an external evaluator's report, the signed sustainability plan.

A file is kept in the database (so `alliance-flow db backup` holds it with everything else),
with its name, size and type checked first: the type is read from the file's first bytes and
must agree with its name's extension, whatever the browser claims; only an allow-list of
document and image types is accepted; the size is capped by ALLIANCE_FLOW_DOCUMENT_MAX_BYTES.
The web layer sends a file back only as a download, with the media type found here.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from babel.numbers import format_decimal
from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.errors import FieldProblem, InvalidInput, NotFound
from alliance_flow.i18n import _, current_language
from alliance_flow.settings import get_settings


class Purpose:
    EVALUATION_REPORT = "evaluation_report"
    SIGNED_PLAN = "signed_plan"
    #: the regional action plan as the members signed it (stage 4)
    SIGNED_ACTION_PLAN = "signed_action_plan"


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it (nothing checked yet)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class FileType:
    extensions: tuple[str, ...]
    media_type: str
    label: str


PDF = FileType(("pdf",), "application/pdf", "PDF")
DOCX = FileType(
    ("docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOCX",
)
XLSX = FileType(
    ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"
)
ODT = FileType(("odt",), "application/vnd.oasis.opendocument.text", "ODT")
PNG = FileType(("png",), "image/png", "PNG")
JPEG = FileType(("jpg", "jpeg"), "image/jpeg", "JPEG")

#: Every type a file may be; anything else (HTML, SVG, scripts, archives...) is refused.
ALLOWED: tuple[FileType, ...] = (PDF, DOCX, ODT, XLSX, PNG, JPEG)


def accepted_types() -> str:
    return ", ".join(t.label for t in ALLOWED)


def accept_attribute() -> str:
    """For <input type=file accept=...>: a hint to the browser; the server decides."""
    return ",".join("." + e for t in ALLOWED for e in t.extensions)


def _office_type(content: bytes) -> FileType | None:
    """A ZIP is DOCX, XLSX or ODT only when it holds what those formats must hold."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    declared = archive.read("mimetype").decode("ascii", "replace").strip()
                    if declared == ODT.media_type:
                        return ODT
                return None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return XLSX
    # an encrypted entry (RuntimeError), an unknown compression (NotImplementedError) or a
    # broken stream (EOFError, zlib.error) is a file we refuse, not a server error
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        KeyError,
        RuntimeError,
        NotImplementedError,
        EOFError,
        zlib.error,
    ):
        return None
    return None


def sniff(content: bytes) -> FileType | None:
    """The file's type from its content (its magic bytes), or None when not an allowed one."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    return None


_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def safe_filename(name: str) -> str:
    """The name without any folder, control characters or quotes, at most 150 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 else name[:150]
    return name or "document"


def max_bytes() -> int:
    return get_settings().document_max_bytes


def check_file(*, field: str, filename: str, content: bytes) -> tuple[str, FileType]:
    """The file's safe name and its type; InvalidInput naming `field` when it is refused."""

    def refuse(problem: str) -> InvalidInput:
        return InvalidInput([FieldProblem(field, problem)])

    limit = max_bytes()
    if not content:
        raise refuse(_("the file is empty"))
    if len(content) > limit:
        raise refuse(
            _("the file is too large ({size}); at most {limit}").format(
                size=human_size(len(content)), limit=human_size(limit)
            )
        )
    name = safe_filename(filename)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    named = next((t for t in ALLOWED if extension in t.extensions), None)
    if named is None:
        raise refuse(
            _("files of this type are not accepted; accepted: {types}").format(
                types=accepted_types()
            )
        )
    found = sniff(content)
    if found is None or found is not named:
        raise refuse(
            _(
                "the file's content is not a {type} file, although its name ends in .{ext}; "
                "save it again as {type} and upload it again"
            ).format(type=named.label, ext=extension)
        )
    return name, found


def human_size(size: int) -> str:
    """A file's size the reader's way: "1,5 Mo" in French, "1.5 MB" in English."""
    language = current_language()
    if size >= 1_000_000:
        number = format_decimal(size / 1_000_000, "#,##0.#", locale=language)
        return _("{size} MB").format(size=number)
    if size >= 1_000:
        return _("{size} kB").format(size=format_decimal(size // 1_000, locale=language))
    return _("{size} bytes").format(size=format_decimal(size, locale=language))


def store(
    *,
    session: Session,
    alliance: m.Alliance,
    purpose: str,
    field: str,
    filename: str,
    content: bytes,
    by: str,
    evaluation_id: int | None = None,
) -> m.Document:
    """Check and keep a file; it replaces the earlier file of the same purpose and evaluation."""
    name, kind = check_file(field=field, filename=filename, content=content)
    for earlier in session.scalars(
        select(m.Document).where(
            m.Document.alliance_id == alliance.id,
            m.Document.purpose == purpose,
            m.Document.evaluation_id.is_(None)
            if evaluation_id is None
            else m.Document.evaluation_id == evaluation_id,
        )
    ):
        session.delete(earlier)
    row = m.Document(
        alliance_id=alliance.id,
        purpose=purpose,
        evaluation_id=evaluation_id,
        filename=name,
        media_type=kind.media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=by,
        uploaded_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row


def get(*, session: Session, alliance: m.Alliance, document_id: int) -> m.Document:
    """A file of this alliance; NotFound for another alliance's file as for no file at all."""
    row = session.get(m.Document, document_id)
    if row is None or row.alliance_id != alliance.id:
        raise NotFound(_("no such file in this alliance"))
    return row


def remove(*, session: Session, alliance: m.Alliance, document_id: int) -> None:
    session.delete(get(session=session, alliance=alliance, document_id=document_id))
    session.flush()


@dataclass(frozen=True)
class DocumentInfo:
    """What a page shows of a file: never its content."""

    id: int
    filename: str
    label: str
    size: str
    uploaded_at: datetime
    uploaded_by: str


def describe(row: m.Document) -> DocumentInfo:
    label = next((t.label for t in ALLOWED if t.media_type == row.media_type), row.media_type)
    return DocumentInfo(
        row.id, row.filename, label, human_size(row.size), row.uploaded_at, row.uploaded_by
    )


def infos(
    *, session: Session, alliance: m.Alliance, purpose: str
) -> dict[int | None, DocumentInfo]:
    """The alliance's files of one purpose, by evaluation id (None for the alliance's own),
    read without their content."""
    d = m.Document
    rows = session.execute(
        select(
            d.id, d.evaluation_id, d.filename, d.media_type, d.size, d.uploaded_at, d.uploaded_by
        )
        .where(d.alliance_id == alliance.id, d.purpose == purpose)
        .order_by(d.id)
    )
    out: dict[int | None, DocumentInfo] = {}
    for r in rows:
        label = next((t.label for t in ALLOWED if t.media_type == r.media_type), r.media_type)
        out[r.evaluation_id] = DocumentInfo(
            r.id, r.filename, label, human_size(r.size), r.uploaded_at, r.uploaded_by
        )
    return out
