"""Every scope and launch check's "Fix it here" link, walked as a coordinator and as a member:
it opens the page of the form that fixes the check, and the place it points at is on that page
(a field, a section holding the form, or a list whose rows each open a form at the field)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from alliance_flow.accounts.policy import Permission
from alliance_flow.web.fix_links import FIX_LINKS
from tests.web.conftest import login

STAGES = ("scope", "launch")
CODES = sorted(code for code in FIX_LINKS if code.split(".")[0] in STAGES)
FIELD_TAGS = ("input", "select", "textarea")


def _block(html: str, anchor: str) -> str | None:
    """The HTML of the element whose id is `anchor` (to its closing tag), or None."""
    found = re.search(rf'<([a-z0-9]+)\b[^>]*\sid="{re.escape(anchor)}"', html)
    if found is None:
        return None
    tag = found.group(1)
    if tag in FIELD_TAGS:
        return found.group(0)
    depth = 0
    for piece in re.finditer(rf"<(/?){tag}\b", html[found.start() :]):
        depth += -1 if piece.group(1) else 1
        if depth == 0:
            return html[found.start() : found.start() + piece.end()]
    return html[found.start() :]


def _arrives(client: TestClient, url: str) -> str:
    """Follow a link; the HTML of the place it points at (fails when it is not there)."""
    target, _, anchor = url.partition("#")
    answer = client.get(target)
    assert answer.status_code == 200, url
    block = _block(answer.text, anchor)
    assert block is not None, f"#{anchor} is not on {target}"
    return block


def _opens_a_form(client: TestClient, url: str) -> bool:
    """The place is a field, holds a form, or lists per-row links that each open a form at a
    field (the members list: "an e-mail or a phone" for each member who has none)."""
    block = _arrives(client, url)
    if block.startswith(tuple(f"<{t}" for t in FIELD_TAGS)) or "<form" in block:
        return True
    rows = re.findall(r'href="(/alliances/[^"#]+#[^"]+)"', block)
    return bool(rows) and all(
        re.match(r"<(input|select|textarea)\b", _arrives(client, row)) for row in rows
    )


def _fix_links(client: TestClient, stage: str) -> dict[str, str | None]:
    """check code -> its "Fix it here" URL on the stage's workspace (None: no link shown)."""
    page = client.get(f"/alliances/north/stages/{stage}")
    assert page.status_code == 200
    out: dict[str, str | None] = {}
    items = re.findall(r'<li class="af-check[^"]*"[^>]*data-code="[^"]+".*?</li>', page.text, re.S)
    for item in items:
        code = re.search(r'data-code="([^"]+)"', item)
        assert code
        href = re.search(r'<a class="govuk-link af-fix" href="([^"]+)"', item)
        out[code.group(1)] = href.group(1) if href else None
        assert "command line" not in item
    return out


@pytest.mark.parametrize("stage", STAGES)
def test_a_coordinator_has_a_working_fix_link_for_every_failing_check(
    client: TestClient, stage: str
) -> None:
    login(client, "coordinator")
    links = _fix_links(client, stage)
    registered = [c for c in CODES if c.startswith(stage + ".")]
    # the test world's alliance fails every check of these stages, so each shows its link
    assert registered and set(registered) == set(links)
    for code in registered:
        url = links[code]
        assert url is not None, f"{code}: no fix link for the coordinator"
        assert url == FIX_LINKS[code].url("north")
        assert _opens_a_form(client, url), f"{code}: {url} does not open a form at a field"


@pytest.mark.parametrize("stage", STAGES)
def test_a_member_gets_only_links_they_may_follow_and_each_arrives(
    client: TestClient, stage: str
) -> None:
    login(client, "member")
    links = _fix_links(client, stage)
    assert set(links) == {c for c in CODES if c.startswith(stage + ".")}
    for code, url in links.items():
        if FIX_LINKS[code].permission is Permission.MANAGE:
            assert url is None, f"{code}: a member sees a link to a form they may not use"
        else:
            assert url is not None, f"{code}: a member has no link to a page they may read"
            _arrives(client, url)
