"""Fuzzers: schemathesis over the OpenAPI schema, and hostile values over every HTML form.

Bounded and deterministic (a fixed number of examples, derandomised), on SQLite and PostgreSQL:
whatever is sent, the answer is never a server error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from alliance_flow.web import create_app
from tests.conftest import TODAY
from tests.web.conftest import World, login, token_for

EXAMPLES = 15
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_never_answers_a_server_error(world: World, mode: GenerationMode) -> None:
    app = create_app(world.db, today=lambda: TODAY)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    errors: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # the member acts on their own part, the coordinator on everything else; a fresh token
        # per operation, so revoking one does not blind the rest
        persona = "member" if "/me" in operation.path else "coordinator"
        headers = token_for(world.db, persona)

        _fuzz_operation(operation, mode, headers, errors)
    assert not errors, "\n".join(sorted(set(errors))[:20])


def _fuzz_operation(
    operation: Any, mode: GenerationMode, headers: dict[str, str], errors: list[str]
) -> None:
    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        # a valid slug reaches the bodies; generated numbers probe the id parsing
        params = case.path_parameters or {}
        if "ref" in params and mode == "positive" and not str(params["ref"]).isdigit():
            params["ref"] = "north"
        response = case.call(headers=headers)
        if response.status_code >= 500:
            errors.append(f"{case.method} {case.formatted_path}: {response.status_code}")

    run()


# --- the HTML forms ------------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "²",
            "-1",
            "0",
            "99999999999999999999",
            "9223372036854775808",
            "1e309",
            "NaN",
            "2026-02-30",
            "2026-03-29T01:30",
            "javascript:alert(1)",
            '=HYPERLINK("http://evil.example")',
            "[/]",
            "<script>alert(1)</script>",
            "x" * 70_000,
            "\x00",
            "../../etc/passwd",
            "Europe/" + "x" * 300,
        ]
    ),
)
FORMS = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
FIELDS = re.compile(r'<(?:input|select|textarea)[^>]*name="([^"]+)"')
PAGES = (
    "/",
    "/alliances/north",
    "/alliances/north/members",
    "/alliances/north/organisations",
    "/alliances/north/me",
    "/account",
    "/admin/users",
)
#: Forms whose success ends what the fuzzer stands on (the session, the member it acts as).
SKIP = {"/logout", "/alliances/north/me/erase"}


def _forms(client: TestClient) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in PAGES:
        for action, body in FORMS.findall(client.get(path).text):
            if action not in SKIP and not action.startswith("/login"):
                found.setdefault(action, sorted(set(FIELDS.findall(body)) - {"csrf_token"}))
    return found


@pytest.mark.parametrize("persona", ["admin", "member"])
def test_no_html_form_answers_a_server_error(world: World, persona: str) -> None:
    client = TestClient(create_app(world.db, today=lambda: TODAY), raise_server_exceptions=False)
    csrf = login(client, persona)
    forms = _forms(client)
    assert len(forms) >= (8 if persona == "admin" else 3), forms
    errors: list[str] = []
    for action, names in forms.items():
        _fuzz_form(client, action, names, csrf, errors)
    assert not errors, "\n".join(errors[:20])


def _fuzz_form(
    client: TestClient, action: str, names: list[str], csrf: str, errors: list[str]
) -> None:
    @FUZZ
    @given(values=st.fixed_dictionaries({n: HOSTILE for n in names}))
    def run(values: dict[str, str]) -> None:
        answer = client.post(action, data={**values, "csrf_token": csrf}, follow_redirects=False)
        if answer.status_code >= 500:
            errors.append(f"POST {action} {values!r}: {answer.status_code}")

    run()
