"""A limit on the size of every request body, so no form or API call can fill the server."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alliance_flow.services.stakeholders import MAX_UPLOAD_BYTES
from alliance_flow.web.i18n import Translator, negotiate

#: Forms and JSON bodies are small.
MAX_BODY_BYTES = 1_000_000
#: A stakeholder table uploaded for import (CSV or XLSX) may be larger: up to the upload limit
#: of the stakeholder service, plus room for the form around it, so that a file just over it is
#: refused by the service with a sentence on the page rather than here.
UPLOAD_PATHS = ("/organisations/import",)
MAX_UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + 100_000
#: Forms that carry a file people bring (an evaluator's report, a signed plan): up to the
#: document limit (ALLIANCE_FLOW_DOCUMENT_MAX_BYTES) plus the form, for the same reason.
DOCUMENT_PATHS = re.compile(
    r"^/alliances/[^/]+/(evaluations(/\d+)?|sustainability/plan|planning/publications)$"
)


def _document_limit() -> int:
    from alliance_flow.services.documents import max_bytes

    return max_bytes() + 200_000


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Answers 413, naming the request body, when it is larger than `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if scope.get("method") == "POST" and str(scope.get("path", "")).endswith(UPLOAD_PATHS):
            limit = max(limit, MAX_UPLOAD_BODY_BYTES)
        if scope.get("method") == "POST" and DOCUMENT_PATHS.match(str(scope.get("path", ""))):
            limit = max(limit, _document_limit())
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isascii() and declared.isdecimal() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, send, limit)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        headers = dict(scope["headers"])
        language = negotiate(headers.get(b"accept-language", b"").decode("latin-1"))
        tr = Translator(language)
        problem = tr.gettext("too large (at most {size} kB)").format(size=limit // 1000)
        field = tr.gettext("request body")
        if str(scope.get("path", "")).startswith("/api/"):
            body: Any = {
                "error": {
                    "code": "invalid_input",
                    "message": f"{field}: {problem}",
                    "problems": [{"field": "body", "problem": problem}],
                }
            }
            content, kind = json.dumps(body).encode(), b"application/json"
        else:
            content, kind = f"{field}: {problem}".encode(), b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", kind), (b"content-length", b"%d" % len(content))],
            }
        )
        await send({"type": "http.response.body", "body": content})
