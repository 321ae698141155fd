"""A limit on the size of every request body, so no form or API call can fill the server."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alliance_flow.web.i18n import Translator, negotiate

#: Forms and JSON bodies are small; imports of files go through the command line.
MAX_BODY_BYTES = 1_000_000


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
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isascii() and declared.isdecimal() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
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
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        headers = dict(scope["headers"])
        language = negotiate(headers.get(b"accept-language", b"").decode("latin-1"))
        tr = Translator(language)
        problem = tr.gettext("too large (at most {size} kB)").format(size=self.max_bytes // 1000)
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
