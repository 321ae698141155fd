"""Files sent with a dashboard form (an evaluator's report, a signed plan), read for the
services to check; nothing here trusts a name, a type or a size."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from alliance_flow.services import documents


async def _uploads(request: Request) -> dict[str, UploadFile]:
    """The files of a form (multipart); an empty file field sends no file."""
    form = await request.form()
    return {
        key: value
        for key, value in form.multi_items()
        if isinstance(value, UploadFile) and (value.filename or value.size)
    }


Uploads = Annotated[dict[str, UploadFile], Depends(_uploads)]


def read_upload(uploads: dict[str, UploadFile], name: str) -> documents.Upload | None:
    """The file sent as `name`, read up to one byte over the limit (enough to refuse it)."""
    found = uploads.get(name)
    if found is None:
        return None
    content = found.file.read(documents.max_bytes() + 1)
    return documents.Upload(found.filename or "", content)
