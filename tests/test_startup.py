"""What starting the CLI or the web app loads: heavy libraries wait until a command needs them.

Counted in a fresh interpreter (modules, not seconds); benchmarks/RESULTS.md has the timings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from alliance_flow.db import Database
from alliance_flow.services import alliances

HEAVY = ("sqlalchemy", "matplotlib", "numpy", "fastapi", "apprise", "prefect", "weasyprint")
#: What no simple command needs: the web stack, the scheduler, the notifier, charts, PDF,
#: spreadsheets, calendars, password hashing and the migration tool.
NOT_FOR_A_SIMPLE_COMMAND = {
    "alembic",
    "apprise",
    "argon2",
    "fastapi",
    "httpx",
    "icalendar",
    "jinja2",
    "matplotlib",
    "numpy",
    "openpyxl",
    "prefect",
    "starlette",
    "uvicorn",
    "weasyprint",
}


def _loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages loaded after running `code` in a fresh interpreter."""
    return {name.split(".")[0] for name in _modules_after(code, env)}


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    # A module registered for lazy loading (alliance_flow.lazy) and never used is not loaded.
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted(n for n, mod in list(sys.modules.items())"
        " if type(mod).__name__ != '_LazyModule')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_the_cli_loads_only_typer_and_rich_to_show_its_help() -> None:
    loaded = _loaded_after(
        "import sys\nfrom alliance_flow.cli import app\nsys.argv = ['alliance-flow', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    assert "typer" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def _command(*args: str) -> str:
    return (
        "import sys\nfrom alliance_flow.cli import main\n"
        f"sys.argv = ['alliance-flow', {', '.join(map(repr, args))}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code"
    )


def test_the_help_of_a_command_loads_nothing_heavy() -> None:
    loaded = _loaded_after(_command("status", "--help"))
    assert not loaded & (set(HEAVY) | NOT_FOR_A_SIMPLE_COMMAND), loaded & set(HEAVY)


def _one_alliance(tmp_path: Path) -> dict[str, str]:
    """A database holding one alliance (roscommon), and the environment that points at it."""
    url = f"sqlite:///{tmp_path / 'alliance.db'}"
    db = Database(url)
    db.upgrade()
    with db.transaction() as session:
        alliances.create_alliance(
            session=session,
            alliance_in={"name": "Roscommon Alliance", "country": "IE", "slug": "roscommon"},
            actor="claire",
        )
    db.dispose()
    return {"ALLIANCE_FLOW_DATABASE_URL": url, "ALLIANCE_FLOW_LANGUAGE": "fr", "COLUMNS": "200"}


def test_a_simple_command_loads_the_database_but_no_web_pdf_chart_or_scheduler(
    tmp_path: Path,
) -> None:
    env = _one_alliance(tmp_path)
    for args in (("status", "roscommon"), ("list",), ("history", "roscommon")):
        loaded = _loaded_after(_command(*args), env)
        assert "sqlalchemy" in loaded  # it did read the database
        assert not loaded & NOT_FOR_A_SIMPLE_COMMAND, (args, loaded & NOT_FOR_A_SIMPLE_COMMAND)


def test_status_and_list_read_without_the_orm(tmp_path: Path) -> None:
    # `status` and `list` read with SQLAlchemy Core alone (core_tables, services/status.py):
    # importing the ORM, declaring the mapped classes and configuring their mappers was a
    # quarter of their start.
    env = _one_alliance(tmp_path)
    for args in (
        ("status", "roscommon"),
        ("status", "roscommon", "--json"),
        ("list",),
        ("list", "--stage", "scope", "--json"),
    ):
        loaded = _modules_after(_command(*args), env)
        assert {"sqlalchemy.engine", "alliance_flow.facts", "alliance_flow.stages"} <= loaded
        orm = loaded & {"sqlalchemy.orm", "alliance_flow.models"}
        assert not orm, (args, orm)


def test_what_a_command_loaded_stays_out_of_the_collectors_way_after_it_read(
    tmp_path: Path,
) -> None:
    # The libraries and models a command loads on first use are frozen out of the cyclic
    # collector's walks (collector.loading). A read that unfroze them (as the read model's own
    # pause once did) made the collector walk them all again: `status` took 0.2 s more CPU.
    env = _one_alliance(tmp_path)
    probe = (
        _command("status", "roscommon")
        + "\nimport gc, sys\nprint(gc.get_freeze_count(), len(gc.get_objects()), file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    frozen, walked = map(int, out.stderr.split()[-2:])
    assert frozen > walked, (frozen, walked)


def test_the_web_app_loads_no_charts_no_pdf_no_notifier_and_no_scheduler() -> None:
    loaded = _loaded_after("import alliance_flow.web.app")
    assert "fastapi" in loaded
    assert not loaded & {"matplotlib", "numpy", "apprise", "prefect", "weasyprint"}


def test_importing_the_account_services_hashes_no_password() -> None:
    loaded = _loaded_after(
        "import argon2\ncalls = []\nreal = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda self, p, **k: calls.append(p) or real(self, p, **k)\n"
        "import alliance_flow.accounts.services\nassert not calls, calls"
    )
    assert "argon2" in loaded
