"""The deployment files agree with the code: the units run what scripts/stack runs, the nginx
site renders for the stack, and the example configuration explains every setting."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

import alliance_flow
from alliance_flow.settings import PROJECT_ROOT

from .conftest import load_stack_module

stack = load_stack_module()
SYSTEMD = PROJECT_ROOT / "deploy" / "systemd"
#: What the unit files' paths and specifiers stand for in deploy/stack.py's COMMANDS.
UNIT_VALUES = {
    "bin": "/opt/alliance-flow/.venv/bin",
    "root": "/opt/alliance-flow",
    "prefect_port": "4200",
    "web_port": "%i",
    "worker_name": "%H",
}
#: unit file -> the COMMANDS entries its ExecStart lines run, in order.
UNITS = {
    "alliance-flow-release.service": ["release-migrate", "release-pool", "release-deploy"],
    "alliance-flow-web@.service": ["web"],
    "alliance-flow-prefect-server.service": ["prefect-server"],
    "alliance-flow-worker.service": ["worker"],
}


def exec_starts(name: str) -> list[list[str]]:
    lines = (SYSTEMD / name).read_text().splitlines()
    return [
        shlex.split(line.removeprefix("ExecStart="))
        for line in lines
        if line.startswith("ExecStart=")
    ]


@pytest.mark.parametrize("name", sorted(UNITS))
def test_each_unit_runs_what_the_stack_script_runs(name: str) -> None:
    expected = [stack.command(c, **UNIT_VALUES) for c in UNITS[name]]
    assert exec_starts(name) == expected


def test_every_unit_is_listed_and_reads_the_configuration_file() -> None:
    services = sorted(p.name for p in SYSTEMD.glob("*.service"))
    assert services == sorted(UNITS)
    for name in services:
        text = (SYSTEMD / name).read_text()
        assert "EnvironmentFile=/etc/alliance-flow/alliance-flow.env" in text, name
        assert "User=alliance-flow" in text, name
    # long-running services come back when they die, as scripts/stack's supervisor does
    for name in set(services) - {"alliance-flow-release.service"}:
        assert "Restart=always" in (SYSTEMD / name).read_text(), name


def test_web_workers_start_after_the_release_step() -> None:
    text = (SYSTEMD / "alliance-flow-web@.service").read_text()
    after = re.search(r"^After=(.*)$", text, re.M)
    assert after and "alliance-flow-release.service" in after.group(1).split()
    # Wants, not Requires: restarting the release step must not restart every worker at once
    assert "Requires=" not in text


def test_the_nginx_site_renders_for_the_stack(tmp_path: Path) -> None:
    s = stack.Stack(tmp_path, web_workers=3)
    s.ports = {"https": 1443, "http": 1080, "web-1": 2001, "web-2": 2002, "web-3": 2003}
    text = stack.render_site(s)
    assert "listen 127.0.0.1:1443 ssl http2;" in text and "listen 127.0.0.1:1080;" in text
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", text) == ["2001", "2002", "2003"]
    assert f"{tmp_path}/tls/fullchain.pem" in text and "/etc/alliance-flow" not in text
    assert "[::]" not in text
    for header in ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options"):
        assert f"add_header {header}" in text


def test_a_site_file_the_renderer_does_not_recognise_is_refused(tmp_path: Path) -> None:
    s = stack.Stack(tmp_path)
    s.ports = {"https": 1443, "http": 1080, "web-1": 2001, "web-2": 2002}
    edited = stack.NGINX_SITE.read_text().replace("listen 443 ssl http2;", "listen 8443 ssl;")
    with pytest.raises(RuntimeError, match="expected 1 match"):
        stack.render_site(s, edited)


def all_settings_variables() -> set[str]:
    """ALLIANCE_FLOW_* variable of every pydantic-settings field in the package."""
    for info in pkgutil.walk_packages(alliance_flow.__path__, "alliance_flow."):
        # not the migrations, nor the ASGI entry point: it opens the database when imported
        if ".migrations" not in info.name and info.name != "alliance_flow.web.asgi":
            importlib.import_module(info.name)
    found = set()
    pending = list(BaseSettings.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        prefix = str(cls.model_config.get("env_prefix", ""))
        if cls.__module__.startswith("alliance_flow") and prefix.startswith("ALLIANCE_FLOW_"):
            found |= {(prefix + name).upper() for name in cls.model_fields}
    return found


def test_the_example_configuration_explains_every_setting() -> None:
    text = (PROJECT_ROOT / "config" / "alliance-flow.env.example").read_text()
    documented = set(re.findall(r"^#?(ALLIANCE_FLOW_[A-Z0-9_]+)=", text, re.M))
    missing = all_settings_variables() - documented
    assert not missing, f"explain these in config/alliance-flow.env.example: {sorted(missing)}"
    # every variable line has a comment above it saying what it is
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^#?[A-Z][A-Z0-9_]+=", line):
            j = i - 1
            while j >= 0 and re.match(r"^#?[A-Z][A-Z0-9_]+=", lines[j]):
                j -= 1
            assert lines[j].startswith("# "), f"no explanation above: {line}"


def test_no_secret_is_set_in_the_example_configuration() -> None:
    text = (PROJECT_ROOT / "config" / "alliance-flow.env.example").read_text()
    for line in text.splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        value = line.split("=", 1)[1]
        assert not re.search(r"://[^/@\s]*:[^/@\s]*@", value), f"a password in: {line}"
        assert "FUNDER_CHANNELS" not in line, line


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    from alliance_flow.reports.settings import ReportSettings
    from alliance_flow.settings import Settings

    (tmp_path / "ALLIANCE_FLOW_DATABASE_URL").write_text("postgresql+psycopg://u:pw@db/a\n")
    (tmp_path / "ALLIANCE_FLOW_REPORTS_FUNDER_CHANNELS").write_text('{"f": "json://h/x"}')
    assert Settings(_secrets_dir=tmp_path).database_url == "postgresql+psycopg://u:pw@db/a"
    assert ReportSettings(_secrets_dir=tmp_path).funder_channels == {"f": "json://h/x"}


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    # The units point at /opt/alliance-flow; here the checkout stands in for it, so that
    # systemd also checks that every command exists.
    for unit_file in [*SYSTEMD.glob("*.service"), *SYSTEMD.glob("*.target")]:
        text = unit_file.read_text().replace("/opt/alliance-flow", str(PROJECT_ROOT))
        (tmp_path / unit_file.name).write_text(text)
    (tmp_path / "alliance-flow-web@8001.service").write_text(
        (tmp_path / "alliance-flow-web@.service").read_text()
    )
    names = sorted(p.name for p in tmp_path.iterdir() if p.name != "alliance-flow-web@.service")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "--recursive-errors=no", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
