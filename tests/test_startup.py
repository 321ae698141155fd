"""What starting the CLI or the web app loads: heavy libraries wait until a command needs them.

Counted in a fresh interpreter (modules, not seconds); benchmarks/RESULTS.md has the timings.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "matplotlib", "numpy", "fastapi", "apprise", "prefect", "weasyprint")


def _loaded_after(code: str) -> set[str]:
    # A module registered for lazy loading (alliance_flow.lazy) and never used is not loaded.
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted(n for n, mod in list(sys.modules.items())"
        " if type(mod).__name__ != '_LazyModule')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


def test_the_cli_loads_only_typer_and_rich_to_show_its_help() -> None:
    loaded = _loaded_after(
        "import sys\nfrom alliance_flow.cli import app\nsys.argv = ['alliance-flow', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    assert "typer" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


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
