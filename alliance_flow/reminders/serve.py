"""`alliance-flow serve`: every flow on its schedule on one machine, in one command.

Prefect does not schedule on its ephemeral server, so when no PREFECT_API_URL is configured this
starts `prefect server start` (SQLite, 127.0.0.1 only, port ALLIANCE_FLOW_PREFECT_PORT (4200), the
UI on unless ALLIANCE_FLOW_PREFECT_UI=false, its own PREFECT_HOME under the data directory) as a
subprocess in its own process group, which dies with this process; it writes the server's address
where `alliance-flow reminders run` finds it, waits for /api/health, serves the deployments
listed in deploy/prefect.yaml (the single source of truth for names, entrypoints, cron schedules
and time zones) against it, and on Ctrl-C/SIGTERM stops serving and then the server
(SIGTERM to its group, wait, SIGKILL), so nothing is left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic_settings import BaseSettings, SettingsConfigDict

from alliance_flow.settings import PROJECT_ROOT, user_data_dir

PREFECT_FILE = Path(PROJECT_ROOT) / "deploy" / "prefect.yaml"
PREFECT_CMD = (sys.executable, "-m", "prefect")


class ServeSettings(BaseSettings):
    """The local Prefect server `serve` starts: ALLIANCE_FLOW_PREFECT_PORT, _UI."""

    model_config = SettingsConfigDict(env_prefix="ALLIANCE_FLOW_PREFECT_", extra="ignore")

    #: Fixed, so the UI keeps its address (http://127.0.0.1:4200) from one start to the next.
    port: int = 4200
    #: Prefect's UI, on 127.0.0.1 only (reach it from elsewhere through an SSH tunnel).
    ui: bool = True


def server_home() -> Path:
    return user_data_dir() / "prefect-server"


def _address_file() -> Path:
    return server_home() / "api-url"


def running_server_url() -> str | None:
    """The API of the server a running `serve` started, when it answers."""
    try:
        url = _address_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return url if url and healthy(url) else None


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of deploy/prefect.yaml, as `serve` needs it."""

    name: str
    entrypoint: str  # "flows/reminders.py:reminders", relative to the project root
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    schedules: tuple[tuple[str, str], ...] = ()  # (cron, timezone)
    #: At most this many runs at once (two scheduled sweeps never overlap).
    concurrency_limit: int | None = None


def deployment_specs(path: Path = PREFECT_FILE) -> list[DeploymentSpec]:
    """The deployments of prefect.yaml, with their cron schedules and time zones."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs = []
    for d in data.get("deployments") or []:
        schedules = tuple(
            (str(s["cron"]), str(s.get("timezone") or "UTC"))
            for s in d.get("schedules") or []
            if s.get("cron")
        )
        specs.append(
            DeploymentSpec(
                name=d["name"],
                entrypoint=d["entrypoint"],
                description=d.get("description") or "",
                parameters=dict(d.get("parameters") or {}),
                schedules=schedules,
                concurrency_limit=d.get("concurrency_limit"),
            )
        )
    return specs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(api_url: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _die_with_parent() -> None:
    """In the child before exec: new process group, and SIGTERM if the parent dies (Linux)."""
    os.setsid()
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: even a SIGKILLed parent orphans nothing


@dataclass
class LocalServer:
    process: subprocess.Popen[bytes]
    api_url: str

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the server's process group, wait, then SIGKILL; always reaps it."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # Children the server may have left in its group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


def start_local_server(
    home: Path,
    *,
    port: int | None = None,
    ui: bool = False,
    timeout: float = 180.0,
    log: Path | None = None,
) -> LocalServer:
    """`prefect server start` on 127.0.0.1 with its own PREFECT_HOME; returns once healthy."""
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(
                f"port {port} on 127.0.0.1 is taken; set ALLIANCE_FLOW_PREFECT_PORT to a free one"
            )
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    }
    env.pop("PREFECT_API_URL", None)
    out = (log or home / "server.log").open("ab")
    process = subprocess.Popen(
        [
            *PREFECT_CMD,
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ui" if ui else "--no-ui",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent,  # setsid + PDEATHSIG; no threads yet
    )
    out.close()
    server = LocalServer(process, f"http://127.0.0.1:{port}/api")
    deadline = time.monotonic() + timeout
    try:
        while not healthy(server.api_url):
            if process.poll() is not None:
                raise RuntimeError(
                    f"Prefect server exited with {process.returncode}; see {home / 'server.log'}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"Prefect server not healthy after {timeout:.0f} s")
            time.sleep(0.25)
    except BaseException:
        server.stop()
        raise
    return server


@contextlib.contextmanager
def prefect_api(echo: Callable[[str], None] = print) -> Iterator[LocalServer | None]:
    """PREFECT_API_URL as configured, or a local server started (and stopped) for the block."""
    if os.environ.get("PREFECT_API_URL"):
        yield None
        return
    config = ServeSettings()
    server = start_local_server(server_home(), port=config.port, ui=config.ui)
    os.environ["PREFECT_API_URL"] = server.api_url
    _address_file().write_text(server.api_url, encoding="utf-8")
    echo(f"Prefect server (pid {server.process.pid}) healthy at {server.api_url}")
    if config.ui:
        echo(f"Prefect UI (runs and their logs): {server.api_url.removesuffix('/api')}")
    try:
        yield server
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        with contextlib.suppress(OSError):
            _address_file().unlink()
        server.stop()
        echo(f"Prefect server (pid {server.process.pid}) stopped.")


def serve(echo: Callable[[str], None] = print) -> None:
    """Serve every deployment of prefect.yaml on its schedule until SIGINT/SIGTERM."""
    from alliance_flow.reminders.cli import prefect_environment

    # The flows' INFO lines (what was sent to whom, redacted) go to Prefect's API and UI.
    prefect_environment(log_level="INFO")
    # SIGTERM before Prefect's runner installs its own handler: leave through the finally blocks.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    # Ctrl-C/SIGINT stops it too, even when started in the background (where SIGINT is ignored).
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with prefect_api(echo):
            from prefect import serve as prefect_serve
            from prefect.deployments.runner import RunnerDeployment
            from prefect.schedules import Cron

            deployments = []
            for spec in deployment_specs():
                deployments.append(
                    RunnerDeployment.from_entrypoint(
                        # absolute: flow runs find flows/ wherever the checkout and the cwd are
                        entrypoint=str(Path(PROJECT_ROOT) / spec.entrypoint),
                        name=spec.name,
                        description=spec.description or None,
                        parameters=spec.parameters,
                        schedules=[Cron(cron, timezone=tz) for cron, tz in spec.schedules],
                        concurrency_limit=spec.concurrency_limit,
                    )
                )
                when = ", ".join(f"{c} ({tz})" for c, tz in spec.schedules) or "no schedule"
                echo(f"Serving {spec.name}: {when}")
            with contextlib.suppress(KeyboardInterrupt):
                prefect_serve(*deployments, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
    echo("Stopped serving.")


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
