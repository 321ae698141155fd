"""Security headers on every answer: a Content-Security-Policy without inline script, no MIME
sniffing, no framing, no referrer leaving the site, and HSTS when the cookie is HTTPS-only."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Scripts and styles come from our own /static only; nothing may frame us or be framed.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)


def inline_style_policy(html: str) -> str:
    """The policy for a self-contained page (a report): its own <style> blocks by hash, and the
    style attributes matplotlib writes into its SVG charts; still no inline script."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
        for css in _STYLE.findall(html)
    )
    return POLICY.replace(
        "style-src 'self';",
        f"style-src 'self'; style-src-elem 'self' {hashes}; style-src-attr 'unsafe-inline';",
    )


def map_policy(tiles: str) -> str:
    """The policy for the map page: the tile server's images too (only its origin, no script)."""
    parts = urlsplit(tiles)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return POLICY
    origin = f"{parts.scheme}://{parts.netloc.replace('{s}.', '*.')}"
    return POLICY.replace("img-src 'self' data:;", f"img-src 'self' data: {origin};")


class SecurityHeaders:
    """Adds the headers to every HTTP answer; a route may set its own Content-Security-Policy."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if hsts:
            self.headers.append((b"strict-transport-security", HSTS.encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", POLICY.encode()))
                headers.extend(h for h in self.headers if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
