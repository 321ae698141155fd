"""Delivery through Apprise, behind a small Notifier port; secrets never leave unredacted.

Each URL of a channel is sent to, and settled, on its own (a retry goes only to the URLs that
have not accepted the message yet). Apprise objects are built once per URL and reused; the
lines Apprise logs pass through a filter that redacts every URL in them.
"""

from __future__ import annotations

import hashlib
import html
import logging
import mailbox
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from alliance_flow.lazy import lazy_module
from alliance_flow.reminders import reasons

if TYPE_CHECKING:
    import apprise
else:  # loaded with the first message sent, not with the web app or the CLI
    apprise = lazy_module("apprise")

log = logging.getLogger(__name__)

_SPLIT = re.compile(r"[\s,]+(?=[a-z][a-z0-9+.-]*://)", re.IGNORECASE)
# Apprise's privacy URL keeps the values of custom headers (`+X-Token=...`): hide them too.
_HEADER_VALUES = re.compile(r"((?:%2B|\+)[^=&]+=)[^&]*")
# Anything that looks like a URL in a log line: scheme://... up to a blank or a closing mark.
_ANY_URL = re.compile(r"\b[a-z][a-z0-9+.-]{1,20}://[^\s'\"<>\]\)]+", re.IGNORECASE)
#: The recipient's address in an `email` channel template.
EMAIL_PLACEHOLDER = "{email}"
#: Schemes whose plugins take HTML: they get a plain part and an HTML part.
EMAIL_SCHEMES = frozenset({"mailto", "mailtos"})


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

    def label(self) -> str:
        """Cheap and safe for a log line: each URL's scheme and host (when it is a host name)."""
        if self.config is not None:
            return self.redacted()
        out = []
        for url in split_urls(self.urls or ""):
            scheme = url.split("://", 1)[0] if "://" in url else "?"
            out.append(f"{scheme}://{host_of(url) or '****'}/****")
        return " ".join(out)


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None = None
    #: url_key of every URL that accepted the message (this attempt or an earlier one).
    delivered: frozenset[str] = field(default_factory=frozenset)


class Notifier(Protocol):
    def send(
        self,
        *,
        target: Target,
        title: str,
        body: str,
        language: str = "en",
        skip: frozenset[str] = frozenset(),
    ) -> Delivery: ...


def split_urls(urls: str) -> list[str]:
    return [u.strip().strip(",") for u in _SPLIT.split(urls.strip()) if u.strip().strip(",")]


def url_key(url: str) -> str:
    """A short stable key for one URL, stored instead of the URL (which may hold a secret)."""
    return hashlib.sha256(url.strip().encode()).hexdigest()[:16]


def _looks_like_host(host: str | None) -> bool:
    """A host name or an address, not a token some schemes put where the host goes."""
    return bool(host) and (host == "localhost" or "." in str(host))


def host_of(url: str) -> str | None:
    """The host a URL talks to, when it is a host name (never a token)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not _looks_like_host(host):
        return None
    return f"{host}:{port}" if port else host


_quiet = threading.local()


def _instantiate(url: str) -> Any:
    """Apprise's plugin for a URL, or None; what Apprise logs meanwhile is dropped (it would
    repeat the URL, and redacting it would parse it again)."""
    if getattr(_quiet, "on", False):
        return None
    register_mailbox()
    _quiet.on = True
    try:
        return apprise.Apprise.instantiate(url, suppress_exceptions=True)
    finally:
        _quiet.on = False


@lru_cache(maxsize=4096)
def _redact_one(url: str) -> str:
    plugin = _instantiate(url)
    if plugin:
        return str(_HEADER_VALUES.sub(r"\1****", plugin.url(privacy=True)))
    scheme = url.split("://", 1)[0] if "://" in url else "?"
    host = host_of(url)
    return f"{scheme}://****@{host}" if host else f"{scheme}://****"


def redact(urls: str) -> str:
    """The URL(s) as Apprise prints them with privacy on; unparseable ones keep only the host."""
    return " ".join(_redact_one(url) for url in split_urls(urls))


def redact_text(text: str) -> str:
    """Every URL inside a free text (a log line, an error) replaced by its redacted form."""
    return _ANY_URL.sub(lambda match: _redact_one(match.group(0)), text)


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
    return redact_text(text)


def invalid_urls(urls: str) -> list[str]:
    """The URL(s) Apprise cannot use, redacted; an empty list means every one is valid.

    In an `email` template the `{email}` placeholder stands for a real address.
    """
    problems = []
    parts = split_urls(urls)
    if not parts:
        return [urls.strip()[:20] or "(empty)"]
    for url in parts:
        concrete = url.replace(EMAIL_PLACEHOLDER, "someone@example.org")
        if _instantiate(concrete) is None:
            problems.append(_redact_one(url))
    return problems


# --- logging: no URL in any line, ours or Apprise's ---------------------------------------------


class RedactUrls(logging.Filter):
    """Rewrites a record's message with every URL redacted (Apprise logs them whole)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(_quiet, "on", False):
            return False  # Apprise talking while we parse a URL to redact or validate it
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's business, not ours
            return True
        if "://" in message:
            record.msg = redact_text(message)
            record.args = None
        return True


_redaction = RedactUrls()
#: Loggers whose lines may carry a channel URL.
REDACTED_LOGGERS = (
    "apprise",
    "alliance_flow.reminders.outbox",
    "alliance_flow.reminders.delivery",
    "alliance_flow.reports.delivery",
    "prefect.flow_runs",
    "prefect.task_runs",
)


def install_log_redaction() -> None:
    """Put the URL filter on every logger that may see a channel URL (idempotent)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if _redaction not in logger.filters:
            logger.addFilter(_redaction)


class _ThreadCapture(logging.Handler):
    """Collects the apprise warnings of the current thread while it sends one message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        lines = getattr(self.local, "lines", None)
        if lines is not None:
            lines.append(record.getMessage())


_capture = _ThreadCapture()


def _install_capture() -> None:
    register_mailbox()
    logger = logging.getLogger("apprise")
    if _capture not in logger.handlers:
        logger.addHandler(_capture)
    install_log_redaction()


# --- a local mailbox: real deliveries with no outside service ------------------------------------


def email_message(
    *, title: str, body: str, language: str, to: str = "", sender: str = ""
) -> EmailMessage:
    """A message with a real plain-text part and a simple HTML part in the same language."""
    msg = EmailMessage()
    msg["Subject"] = title
    msg["From"] = sender or "alliance-flow@localhost"
    if to:
        msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="alliance-flow.local")
    msg["Content-Language"] = language
    msg.set_content(body)
    msg.add_alternative(html_body(title=title, body=body, language=language), subtype="html")
    return msg


_mbox_lock = threading.Lock()
#: The language of the message this thread is sending (the mbox plugin writes it in the HTML).
_sending = threading.local()


def _mbox(body: str, title: str, notify_type: str, meta: dict[str, Any], **kwargs: Any) -> bool:
    """`mbox:///absolute/path/inbox.mbox`: append the message to a local mbox file."""
    path = Path("/" + (meta.get("host") or "").strip("/") + (meta.get("fullpath") or ""))
    if not path.name:
        return False
    query = meta.get("qsd") or {}
    msg = email_message(
        title=title,
        body=body,
        language=getattr(_sending, "language", None) or query.get("lang", "en"),
        to=query.get("to", ""),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with _mbox_lock:
        box = mailbox.mbox(str(path))
        try:
            box.lock()
            box.add(mailbox.mboxMessage(msg))
            box.flush()
        finally:
            box.unlock()
            box.close()
    return True


_registered = threading.Lock()
_mailbox_plugin: list[Any] = []


def register_mailbox() -> None:
    """Make `mbox://` an Apprise scheme (once, when Apprise is first needed)."""
    if _mailbox_plugin:
        return
    with _registered:
        if not _mailbox_plugin:
            from apprise.decorators import notify as apprise_plugin

            plugin = apprise_plugin(
                on="mbox", name="Local mailbox file (alliance_flow)", body_format="text"
            )(_mbox)
            _mailbox_plugin.append(plugin)


# --- HTML for e-mail -----------------------------------------------------------------------------

_LINK = re.compile(r"(https?://[^\s<]+)")


def html_body(*, title: str, body: str, language: str) -> str:
    """The plain text as a small HTML page: paragraphs, lists and links kept, values escaped."""
    out = [
        f'<!DOCTYPE html><html lang="{html.escape(language)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title></head><body>",
    ]
    in_list = False
    for line in body.splitlines():
        item = line.startswith(("- ", "! ", "✗ "))
        if item and not in_list:
            out.append("<ul>")
            in_list = True
        if not item and in_list:
            out.append("</ul>")
            in_list = False
        text = _LINK.sub(r'<a href="\1">\1</a>', html.escape(line, quote=False))
        if not line.strip():
            continue
        out.append(f"<li>{text[2:]}</li>" if item else f"<p>{text}</p>")
    if in_list:
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


# --- the Apprise adapter --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Service:
    key: str
    plugin: Any
    label: str  # redacted, with the host when it is one
    email: bool


class AppriseNotifier:
    """The real adapter: one Apprise plugin per URL, built once and reused, sent one by one."""

    def __init__(self, *, timeout_seconds: float | None = 10.0) -> None:
        self.timeout_seconds = timeout_seconds
        self._plugins: dict[str, Any] = {}
        self._lock = threading.Lock()
        _install_capture()

    def _with_timeouts(self, url: str) -> str:
        if self.timeout_seconds is None or "cto=" in url or url.startswith("mbox:"):
            return url
        t = self.timeout_seconds
        return f"{url}{'&' if '?' in url else '?'}cto={t:g}&rto={t:g}"

    def _plugin(self, url: str) -> Any:
        with self._lock:
            if url not in self._plugins:
                self._plugins[url] = _instantiate(self._with_timeouts(url))
            return self._plugins[url]

    def services(self, target: Target) -> tuple[list[_Service], list[str]]:
        """The services of a target, and the redacted URLs Apprise cannot use."""
        services: list[_Service] = []
        invalid: list[str] = []
        if target.config is not None:
            conf = apprise.AppriseConfig()
            if not conf.add(str(target.config)):
                return [], [f"config:{target.config.name}"]
            a = apprise.Apprise()
            a.add(conf)
            for plugin in a.find(target.tag or apprise.common.MATCH_ALL_TAG):
                url = plugin.url(privacy=False)
                services.append(_service(url, plugin))
            return services, invalid
        for url in split_urls(target.urls or ""):
            plugin = self._plugin(url)
            if plugin is None:
                invalid.append(_redact_one(url))
            else:
                services.append(_service(url, plugin))
        return services, invalid

    def send(
        self,
        *,
        target: Target,
        title: str,
        body: str,
        language: str = "en",
        skip: frozenset[str] = frozenset(),
    ) -> Delivery:
        services, invalid = self.services(target)
        delivered = set(skip)
        errors = [f"{reasons.INVALID_URL}: {redact(u)}" for u in invalid]
        if not services and not invalid:
            return Delivery(False, reasons.NO_CHANNEL, frozenset(delivered))
        for service in services:
            if service.key in delivered:
                continue  # this URL accepted the message on an earlier attempt
            ok, reason = _send_one(service, title=title, body=body, language=language)
            if ok:
                delivered.add(service.key)
            else:
                errors.append(f"{service.label}: {reason}")
        if not errors:
            return Delivery(True, None, frozenset(delivered))
        text = "; ".join(errors)
        return Delivery(False, scrub(text, target.urls)[:1000], frozenset(delivered))


def _service(url: str, plugin: Any) -> _Service:
    scheme = url.split("://", 1)[0].lower()
    host = host_of(url)
    # Errors name the host (never a secret) rather than a privacy URL that may hide it all.
    label = host or _HEADER_VALUES.sub(r"\1****", plugin.url(privacy=True))
    return _Service(url_key(url), plugin, label, scheme in EMAIL_SCHEMES)


def _send_one(service: _Service, *, title: str, body: str, language: str) -> tuple[bool, str]:
    """One URL, one attempt; (accepted, why not). The apprise warnings say why."""
    _capture.local.lines = []
    _sending.language = language
    try:
        if service.email:  # Apprise sends HTML as multipart: its text part, and this HTML
            ok = service.plugin.notify(
                title=title,
                body=html_body(title=title, body=body, language=language),
                body_format=apprise.NotifyFormat.HTML,
            )
        else:
            ok = service.plugin.notify(
                title=title, body=body, body_format=apprise.NotifyFormat.TEXT
            )
        lines: list[str] = _capture.local.lines
    except Exception as exc:  # a broken plugin must not stop the others
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        _capture.local.lines = None
        _sending.language = None
    if ok:
        return True, ""
    reason = "; ".join(line.split(" - ", 2)[-1] for line in lines[-2:]) or reasons.REFUSED
    return False, reason


def keys_of(urls: Iterable[str]) -> frozenset[str]:
    return frozenset(url_key(u) for u in urls)
