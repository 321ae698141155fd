"""Delivery through Apprise, behind a small Notifier port; secrets never leave unredacted."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from alliance_flow.lazy import lazy_module

if TYPE_CHECKING:
    import apprise
else:  # loaded with the first message sent, not with the web app or the CLI
    apprise = lazy_module("apprise")


log = logging.getLogger(__name__)

_SPLIT = re.compile(r"[\s,]+(?=[a-z][a-z0-9+.-]*://)", re.IGNORECASE)
# Apprise's privacy URL keeps the values of custom headers (`+X-Token=...`): hide them too.
_HEADER_VALUES = re.compile(r"((?:%2B|\+)[^=&]+=)[^&]*")


@dataclass(frozen=True)
class Target:
    """Where one message goes: Apprise URL(s), or the services of a config file with a tag."""

    urls: str | None = None
    config: Path | None = None
    tag: str | None = None

    def redacted(self) -> str:
        if self.config is not None:
            return f"config:{self.config.name}#{self.tag or '*'}"
        return redact(self.urls or "")


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None = None


class Notifier(Protocol):
    def send(self, *, target: Target, title: str, body: str) -> Delivery: ...


def split_urls(urls: str) -> list[str]:
    return [u.strip().strip(",") for u in _SPLIT.split(urls.strip()) if u.strip().strip(",")]


def redact(urls: str) -> str:
    """The URL(s) as Apprise prints them with privacy on; unparseable ones are hidden whole."""
    out = []
    for url in split_urls(urls):
        plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        if plugin:
            out.append(_HEADER_VALUES.sub(r"\1****", plugin.url(privacy=True)))
        else:
            scheme = url.split("://", 1)[0] if "://" in url else "?"
            out.append(f"{scheme}://****")
    return " ".join(out)


def _secrets_in(urls: str) -> list[str]:
    """Every part of the URL(s) that may be a secret, longest first."""
    found: set[str] = set()
    for url in split_urls(urls):
        found.add(url)
        parts = urlsplit(url)
        for piece in (parts.username, parts.password):
            if piece:
                found.update({piece, unquote(piece)})
        found.update(seg for seg in parts.path.split("/") if seg)
        found.update(v for _, v in parse_qsl(parts.query) if v)
    return sorted((s for s in found if len(s) >= 4), key=len, reverse=True)


def scrub(text: str, urls: str | None) -> str:
    """Remove anything of the URL(s) that appears in a message (e.g. a library's error text)."""
    if urls:
        for secret in _secrets_in(urls):
            text = text.replace(secret, "****")
    return text


class AppriseNotifier:
    """The real adapter: one Apprise object per message, so one bad channel spoils nothing else."""

    def __init__(self, *, timeout_seconds: float | None = 10.0) -> None:
        self.timeout_seconds = timeout_seconds

    def _with_timeouts(self, url: str) -> str:
        if self.timeout_seconds is None or "cto=" in url:
            return url
        t = self.timeout_seconds
        return f"{url}{'&' if '?' in url else '?'}cto={t:g}&rto={t:g}"

    def send(self, *, target: Target, title: str, body: str) -> Delivery:
        a = apprise.Apprise()
        if target.config is not None:
            conf = apprise.AppriseConfig()
            if not conf.add(str(target.config)):
                return Delivery(False, f"cannot read Apprise config {target.config.name}")
            a.add(conf)
        else:
            for url in split_urls(target.urls or ""):
                if not a.add(self._with_timeouts(url)):
                    return Delivery(False, f"not a valid Apprise URL: {redact(url)}")
        if len(a) == 0 and target.config is None:
            return Delivery(False, "no channel")
        with apprise.LogCapture(level=logging.WARNING) as captured:
            result = a.notify(
                title=title, body=body, tag=target.tag or apprise.common.MATCH_ALL_TAG
            )
        if result:
            return Delivery(True)
        detail = captured.getvalue().strip().splitlines()
        reason = "; ".join(line.split(" - ", 2)[-1] for line in detail[-3:]) or str(result.status)
        failed = [x.url for x in result if x.status != apprise.AppriseResultStatus.SUCCESS]
        where = ", ".join(_HEADER_VALUES.sub(r"\1****", u) for u in failed[:3])
        text = f"{result.status.name}: {reason}"
        if where:
            text += f" [{where}]"
        return Delivery(False, scrub(text, target.urls)[:1000])
