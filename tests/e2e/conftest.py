"""Browser tests: Debian's Chromium, headless, driven by Playwright, against the dashboard served
by uvicorn in a thread of the test process over a fresh SQLite database of the demo alliances.

Select them with `-m e2e` (or leave them out with `-m "not e2e"`). Screenshots go to
tests/artifacts/ (not kept in git).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from argon2 import PasswordHasher

from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from alliance_flow.db import Database
from alliance_flow.demo import load_demo
from alliance_flow.web import create_app
from alliance_flow.web.settings import get_web_settings

CHROMIUM = Path("/usr/bin/chromium")
#: Flags tried with Debian's chromium (see STACK_NOTES §6): headless, and nothing phoning home.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session", autouse=True)
def _chromium_is_installed() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Chromium writes ~/.config/chromium and ~/.cache/dconf: give it a home of its own."""
    home = tmp_path_factory.mktemp("chromium-home")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
    }
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ARGS,
        "env": env,
    }


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The guide's four alliances and the demo logins, as `alliance-flow demo` makes them."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'demo.db'}")
    db.upgrade()
    with pytest.MonkeyPatch.context() as mp:
        # Hashing the demo passwords at Argon2's real cost takes seconds; each account's first
        # login rehashes its password at the real cost, as in production.
        mp.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        create_demo_accounts(db, load_demo(db, today=date.today()))
    yield db
    db.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(demo_db: Database) -> Iterator[str]:
    """uvicorn serving create_app(demo_db) on a free 127.0.0.1 port, in a thread."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(demo_db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright opens pages relative to this: page.goto("/")."""
    return live_server


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go; kept out of git by a .gitignore written with the directory."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("# screenshots of the browser tests\n*\n")
    return ARTIFACTS


def log_in(page: Any, login: str, password: str = DEMO_PASSWORD) -> None:
    """Through the login form, as a person would."""
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture(scope="module")
def unreachable_tiles() -> Iterator[None]:
    """Tests run offline: point the map at a closed port so the failure is immediate."""
    before = os.environ.get("ALLIANCE_FLOW_WEB_MAP_TILES")
    os.environ["ALLIANCE_FLOW_WEB_MAP_TILES"] = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    get_web_settings.cache_clear()
    yield
    if before is None:
        os.environ.pop("ALLIANCE_FLOW_WEB_MAP_TILES", None)
    else:
        os.environ["ALLIANCE_FLOW_WEB_MAP_TILES"] = before
    get_web_settings.cache_clear()
