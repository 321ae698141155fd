"""The whole production stack on this machine, on loopback ports: up, down, status, env.

    scripts/stack up [--web-workers N]   PostgreSQL, Prefect server + worker, web workers, nginx
    scripts/stack status                 what runs, with its PID and health
    scripts/stack env                    `export` lines to point the CLI at the stack
    scripts/stack upgrade                the rolling upgrade of deploy/OPERATIONS.md: release
                                         step, then web workers one by one, then the worker
    scripts/stack down                   stop everything, then check that nothing is left

It runs the very commands the systemd units in deploy/systemd/ run (COMMANDS below; a test
compares them with the units' ExecStart lines), as supervised background processes: a small
supervisor restarts a service that dies, as systemd's Restart= would. Everything it writes lives
in one directory (ALLIANCE_FLOW_STACK_DIR, default .stack/ in the checkout): PostgreSQL's data,
the generated TLS certificates and nginx configuration, one log file per service under logs/,
and stack.json (ports, PIDs, state). Every process it starts carries ALLIANCE_FLOW_STACK=<dir> in
its environment, so `down` can find and report anything that escaped supervision.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SYSTEMD_DIR = ROOT / "deploy" / "systemd"
NGINX_SITE = ROOT / "deploy" / "nginx" / "alliance-flow.conf"
PREFECT_FILE = ROOT / "deploy" / "prefect.yaml"
POOL = "local-pool"

#: The one list of what each service runs. systemd units and this script both run these; the
#: placeholders are filled from the unit's paths (/opt/alliance-flow, %i...) or the stack's.
COMMANDS: dict[str, list[str]] = {
    # release step, once, before new web workers start (alliance-flow-release.service)
    "release-migrate": ["{bin}/alliance-flow", "db", "upgrade"],
    "release-pool": [
        "{bin}/prefect",
        "work-pool",
        "create",
        POOL,
        "--type",
        "process",
        "--overwrite",
    ],
    "release-deploy": [
        "{bin}/prefect",
        "--no-prompt",
        "deploy",
        "--all",
        "--prefect-file",
        "{root}/deploy/prefect.yaml",
    ],
    # long-running services
    "prefect-server": [
        "{bin}/prefect",
        "server",
        "start",
        "--host",
        "127.0.0.1",
        "--port",
        "{prefect_port}",
    ],
    "web": ["{bin}/alliance-flow", "web", "--host", "127.0.0.1", "--port", "{web_port}"],
    "worker": [
        "{bin}/prefect",
        "worker",
        "start",
        "--pool",
        POOL,
        "--type",
        "process",
        "--name",
        "{worker_name}",
        "--with-healthcheck",
    ],
    "proxy": ["{nginx}", "-c", "{nginx_conf}", "-g", "daemon off; master_process on;"],
}


def command(name: str, **values: str) -> list[str]:
    return [part.format(**values) for part in COMMANDS[name]]


# --- small helpers ---------------------------------------------------------------------------


def log(event: str, **fields: Any) -> None:
    """One JSON line on stdout (the supervisor's log file) or a readable line for `up`/`down`."""
    fields = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "event": event, **fields}
    print(json.dumps(fields, default=str), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE


def http_ok(url: str, timeout: float = 5) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=INSECURE) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_for(what: str, check: Any, timeout: float, alive: Any = None) -> None:
    """Poll `check()` until it is true; generous, since the machine may be busy."""
    deadline = time.monotonic() + timeout
    delay = 0.2
    while time.monotonic() < deadline:
        if check():
            return
        if alive is not None and not alive():
            raise RuntimeError(f"{what}: the process exited while starting (see its log)")
        time.sleep(delay)
        delay = min(delay * 1.5, 2.0)
    raise RuntimeError(f"{what}: not healthy after {timeout:.0f} s (see its log)")


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if not found:
        raise SystemExit("PostgreSQL is not installed: run scripts/system-packages")
    return found[-1].parent


def as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


# --- the stack's layout ----------------------------------------------------------------------


@dataclass
class Stack:
    dir: Path
    web_workers: int = 2
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def state_file(self) -> Path:
        return self.dir / "stack.json"

    def logs(self, name: str) -> Path:
        return self.dir / "logs" / f"{name}.log"

    def load(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.state_file.read_text()))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def save(self, **changes: Any) -> None:
        state = {**self.load(), **changes}
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2, default=str))
        tmp.replace(self.state_file)

    @property
    def urls(self) -> dict[str, str]:
        p = self.ports
        return {
            "https": f"https://127.0.0.1:{p['https']}",
            "http": f"http://127.0.0.1:{p['http']}",
            "prefect_api": f"http://127.0.0.1:{p['prefect']}/api",
            "worker_health": f"http://127.0.0.1:{p['worker_health']}/health",
            "database": f"postgresql+psycopg://postgres@127.0.0.1:{p['postgres']}/alliance",
            "prefect_database": (
                f"postgresql+asyncpg://postgres@127.0.0.1:{p['postgres']}/prefect"
            ),
        }

    def values(self, **extra: str) -> dict[str, str]:
        return {
            "bin": str(Path(sys.executable).parent),
            "root": str(ROOT),
            "prefect_port": str(self.ports["prefect"]),
            "worker_name": "stack-worker",
            "nginx": shutil.which("nginx") or "/usr/sbin/nginx",
            "nginx_conf": str(self.dir / "nginx" / "nginx.conf"),
            **extra,
        }

    def env(self) -> dict[str, str]:
        """What the units' EnvironmentFile (config/alliance-flow.env.example) sets, for here.

        ALLIANCE_FLOW_* variables of the caller pass through (e.g. a funder's channel), except
        the ones the stack owns (database, public address...).
        """
        urls = self.urls
        keep = {k: v for k, v in os.environ.items() if k.startswith("ALLIANCE_FLOW_")}
        keep.pop("ALLIANCE_FLOW_TEST_POSTGRES_URL", None)
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": str(self.dir / "home"),
            "MPLCONFIGDIR": str(self.dir / "home" / "matplotlib"),
            **keep,
            "ALLIANCE_FLOW_STACK": str(self.dir),
            "ALLIANCE_FLOW_DATABASE_URL": urls["database"],
            "ALLIANCE_FLOW_AUTO_MIGRATE": "false",
            "ALLIANCE_FLOW_LOG_FORMAT": "json",
            "ALLIANCE_FLOW_WEB_COOKIE_SECURE": "true",
            "ALLIANCE_FLOW_WEB_TRUSTED_PROXIES": "127.0.0.1",
            "ALLIANCE_FLOW_REMINDERS_PUBLIC_URL": urls["https"],
            "PREFECT_HOME": str(self.dir / "prefect-home"),
            "PREFECT_API_URL": urls["prefect_api"],
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": urls["prefect_database"],
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "PREFECT_LOGGING_HANDLERS_CONSOLE_FORMATTER": "json",
            "PREFECT_WORKER_WEBSERVER_HOST": "127.0.0.1",
            "PREFECT_WORKER_WEBSERVER_PORT": str(self.ports["worker_health"]),
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        }


def stack_from_disk(directory: Path) -> Stack:
    stack = Stack(directory)
    state = stack.load()
    stack.ports = {k: int(v) for k, v in state.get("ports", {}).items()}
    stack.web_workers = int(state.get("web_workers", 2))
    return stack


# --- configuration files: TLS and nginx ------------------------------------------------------


def make_tls(stack: Stack) -> None:
    """A local CA and a certificate for localhost/127.0.0.1 signed by it (stack only; on a real
    machine the certificate comes from your CA or Let's Encrypt, see deploy/OPERATIONS.md)."""
    tls = stack.dir / "tls"
    tls.mkdir(parents=True, exist_ok=True)
    ext = tls / "server.ext"
    ext.write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    quiet = {"check": True, "capture_output": True}
    subprocess.run(
        ["openssl", "req", "-x509", *ec, "-keyout", tls / "ca.key", "-out", tls / "ca.pem",
         "-days", "30", "-subj", "/CN=alliance_flow local stack CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        **quiet,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", *ec, "-keyout", tls / "privkey.pem", "-out", tls / "server.csr",
         "-subj", "/CN=localhost"],
        **quiet,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "x509", "-req", "-in", tls / "server.csr", "-CA", tls / "ca.pem",
         "-CAkey", tls / "ca.key", "-CAcreateserial", "-out", tls / "fullchain.pem",
         "-days", "30", "-extfile", ext],
        **quiet,
    )  # fmt: skip
    (tls / "privkey.pem").chmod(0o600)


def _replace(text: str, pattern: str, replacement: str, count: int = 1) -> str:
    """Replace exactly `count` matches: a site file that drifted from this renderer fails here."""
    new, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if found != count:
        raise RuntimeError(f"{NGINX_SITE}: expected {count} match(es) of {pattern!r}, got {found}")
    return new


def render_site(stack: Stack, site: str | None = None) -> str:
    """deploy/nginx/alliance-flow.conf with this stack's ports, certificate and log places."""
    text = site if site is not None else NGINX_SITE.read_text()
    p = stack.ports
    upstreams = "".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;\n" for port in web_ports(stack)
    )
    text = _replace(text, r"^    server 127\.0\.0\.1:\d+ [^\n]*\n(?:    server 127[^\n]*\n)*",
                    upstreams)  # fmt: skip
    text = _replace(text, r"^    listen \[::\]:\d+[^\n]*\n", "", count=2)
    text = _replace(
        text, r"^    listen 443 ssl http2;", f"    listen 127.0.0.1:{p['https']} ssl http2;"
    )
    text = _replace(text, r"^    listen 80;", f"    listen 127.0.0.1:{p['http']};")
    text = _replace(text, r"https://\$host\$request_uri", f"https://$host:{p['https']}$request_uri")
    text = _replace(text, r"/etc/alliance-flow/tls/", f"{stack.dir}/tls/", count=2)
    text = _replace(text, r"/var/log/nginx/alliance-flow\.access\.log", "/dev/stdout")
    text = _replace(text, r"/var/log/nginx/alliance-flow\.error\.log", "stderr")
    return text


def write_nginx(stack: Stack) -> None:
    conf = stack.dir / "nginx"
    (conf / "tmp").mkdir(parents=True, exist_ok=True)
    (conf / "alliance-flow.conf").write_text(render_site(stack))
    # The test stack runs nginx's workers as the invoking user, so they can use these files.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    tmp = conf / "tmp"
    (conf / "nginx.conf").write_text(
        f"""# Generated by deploy/stack.py for the local stack; production uses Debian's nginx.conf.
{user}worker_processes 1;
pid {conf}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {conf}/alliance-flow.conf;
}}
"""
    )


def web_ports(stack: Stack) -> list[int]:
    return [stack.ports[f"web-{i}"] for i in range(1, stack.web_workers + 1)]


# --- supervised processes --------------------------------------------------------------------


@dataclass
class Supervised:
    name: str
    argv: list[str]
    cwd: Path
    health: str
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0

    def start(self, stack: Stack) -> None:
        out = stack.logs(self.name).open("ab")
        self.process = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env=stack.env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops its children
        )
        out.close()
        log("started", service=self.name, pid=self.process.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM to its process group, wait, then SIGKILL (a Prefect worker ignores SIGINT)."""
        if self.process is None:
            return
        pid = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log("stop-timeout", service=self.name, pid=pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        log("stopped", service=self.name, pid=pid, code=self.process.returncode)


def run_once(stack: Stack, name: str, argv: list[str], cwd: Path, timeout: float = 300) -> None:
    """A release step: run it to completion, its output in its log; raise when it fails."""
    with stack.logs(name).open("ab") as out:
        done = subprocess.run(
            argv, cwd=cwd, env=stack.env(), stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, timeout=timeout, check=False,
        )  # fmt: skip
    log("ran", step=name, code=done.returncode)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed (exit {done.returncode}); see {stack.logs(name)}")


def services(stack: Stack) -> list[Supervised]:
    """In start order; `down` stops them in the reverse order."""
    v = stack.values
    urls = stack.urls
    found = [
        Supervised(
            "prefect-server",
            command("prefect-server", **v()),
            stack.dir,
            f"http://127.0.0.1:{stack.ports['prefect']}/api/health",
        )
    ]
    for i, port in enumerate(web_ports(stack), start=1):
        found.append(
            Supervised(
                f"web-{i}",
                command("web", **v(web_port=str(port))),
                stack.dir,
                f"http://127.0.0.1:{port}/readyz",
            )
        )
    # The worker runs in a folder of its own, not the checkout: the deployment's pull step
    # (deploy/prefect.yaml) must bring it to the code, as on a separate machine.
    found.append(Supervised("worker", command("worker", **v()), stack.dir / "worker",
                            urls["worker_health"]))  # fmt: skip
    found.append(Supervised("proxy", command("proxy", **v()), stack.dir,
                            f"{urls['https']}/readyz"))  # fmt: skip
    return found


def rolling_restart(stack: Stack, batch: list[Supervised]) -> None:
    """One at a time: stop (gracefully), start, wait until it is ready and nginx has taken it
    back (its fail_timeout, 2 s), then the next one, so nginx always has a worker to send to."""
    for service in batch:
        log("rolling", service=service.name)
        service.stop()
        service.start(stack)
        wait_for(service.name, lambda s=service: http_ok(s.health), 300, service.alive)
        time.sleep(3)


def supervise(stack: Stack) -> int:
    """The supervisor process: release step, services in order, restart what dies, stop on TERM."""
    stopping = False
    roll = False

    def on_signal(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    def on_hangup(signum: int, frame: Any) -> None:
        nonlocal roll
        roll = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_hangup)
    stack.save(supervisor=os.getpid(), state="starting")
    started: list[Supervised] = []

    def save_pids() -> None:
        stack.save(
            services={
                s.name: {"pid": s.process.pid if s.process else None, "restarts": s.restarts}
                for s in started
            }
        )

    try:
        run_once(stack, "release-migrate", command("release-migrate", **stack.values()), ROOT)
        # The Prefect server and the web workers start together (neither needs the other); the
        # rest of the release step needs the server, the worker needs the deployments, and the
        # proxy comes last so that it never answers before a web worker can.
        for group in (("prefect-server", "web-"), ("worker",), ("proxy",)):
            batch = [s for s in services(stack) if s.name.startswith(group)]
            for service in batch:
                if not stopping:
                    service.start(stack)
                    started.append(service)
            save_pids()
            for service in batch:
                if not stopping:
                    wait_for(service.name, lambda s=service: http_ok(s.health), 300, service.alive)
            if group[0] == "prefect-server" and not stopping:
                for step in ("release-pool", "release-deploy"):
                    run_once(stack, step, command(step, **stack.values()), ROOT)
        if not stopping:
            stack.save(state="ready")
            log("ready", **stack.urls)
        while not stopping:
            if roll:
                roll = False
                rolling_restart(
                    stack, [s for s in started if s.name.startswith(("web-", "worker"))]
                )
                save_pids()
                stack.save(state="ready", rolled=int(stack.load().get("rolled", 0)) + 1)
            for service in started:
                if not service.alive() and time.monotonic() >= service.next_start:
                    code = service.process.returncode if service.process else None
                    service.restarts += 1
                    log("restarting", service=service.name, code=code, restarts=service.restarts)
                    service.start(stack)
                    # like systemd's RestartSec, growing when it keeps dying
                    service.next_start = time.monotonic() + min(2.0 * service.restarts, 10.0)
                    save_pids()
            time.sleep(0.5)
    except Exception as exc:
        log("failed", error=str(exc))
        stack.save(state="failed", error=str(exc))
    finally:
        for service in reversed(started):
            service.stop()
        stack.save(state="stopped" if stack.load().get("state") != "failed" else "failed",
                   services={})  # fmt: skip
    return 0


# --- PostgreSQL (Debian's package; on a real machine its own postgresql.service) --------------


def checked(argv: list[Any], **kwargs: Any) -> None:
    """Run a setup command; when it fails, say what it printed."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed:\n{done.stdout}{done.stderr}")


def pg_start(stack: Stack) -> None:
    data = stack.dir / "pg"
    data.mkdir(parents=True, exist_ok=True)
    stack.logs("postgres").touch()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        shutil.chown(stack.logs("postgres"), "postgres", "postgres")
    tools = pg_bin()
    checked([*as_postgres(), tools / "initdb", "-D", data / "data", "-U", "postgres", "-A",
             "trust", "-E", "UTF8", "--no-sync"])  # fmt: skip
    options = f"-c listen_addresses=127.0.0.1 -p {stack.ports['postgres']} -k {data}"
    checked([*as_postgres(), tools / "pg_ctl", "-D", data / "data", "-l", stack.logs("postgres"),
             "-w", "-t", "120", "-s", "-o", options, "start"],
            env={**os.environ, "ALLIANCE_FLOW_STACK": str(stack.dir)})  # fmt: skip
    for name in ("alliance", "prefect"):
        checked([tools / "psql", "-h", "127.0.0.1", "-p", str(stack.ports["postgres"]), "-U",
                 "postgres", "-qc", f"CREATE DATABASE {name}"])  # fmt: skip


def pg_stop(stack: Stack) -> None:
    data = stack.dir / "pg" / "data"
    if (data / "postmaster.pid").exists():
        # a busy machine may need more than pg_ctl's default minute for the last checkpoint
        done = subprocess.run(
            [*as_postgres(), pg_bin() / "pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "300",
             "stop"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            print(f"pg_ctl stop: {done.stdout}{done.stderr}", file=sys.stderr)


# --- leftovers -------------------------------------------------------------------------------


def marked_processes(stack: Stack) -> list[int]:
    """PIDs of processes started for this stack (by their ALLIANCE_FLOW_STACK marker)."""
    marker = f"ALLIANCE_FLOW_STACK={stack.dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return found


def postgres_pids(stack: Stack) -> list[int]:
    pidfile = stack.dir / "pg" / "data" / "postmaster.pid"
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int(pidfile.read_text().splitlines()[0])
        os.kill(pid, 0)
        return [pid]
    return []


# --- commands --------------------------------------------------------------------------------


def stack_dir() -> Path:
    return Path(os.environ.get("ALLIANCE_FLOW_STACK_DIR") or ROOT / ".stack").resolve()


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not running
    with contextlib.suppress(OSError):
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")")[-1][:4]
    return True


def up(args: argparse.Namespace) -> int:
    directory = stack_dir()
    if directory.exists():
        old = stack_from_disk(directory)
        if alive(old.load().get("supervisor")) or postgres_pids(old):
            print(f"The stack in {directory} is already up; `scripts/stack down` first.")
            return 1
        shutil.rmtree(directory)
    for tool in ("nginx", "openssl"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            print(f"{tool} is missing: run scripts/system-packages", file=sys.stderr)
            return 1
    stack = Stack(directory, web_workers=args.web_workers)
    names = ["postgres", "prefect", "worker_health", "https", "http"]
    names += [f"web-{i}" for i in range(1, stack.web_workers + 1)]
    stack.ports = {name: free_port() for name in names}
    for sub in ("logs", "home", "worker", "prefect-home"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    stack.save(ports=stack.ports, web_workers=stack.web_workers, state="preparing")
    t0 = time.monotonic()
    make_tls(stack)
    write_nginx(stack)
    pg_start(stack)
    with stack.logs("supervisor").open("ab") as out:
        supervisor = subprocess.Popen(
            [sys.executable, __file__, "_supervise"],
            cwd=ROOT,
            env={**os.environ, "ALLIANCE_FLOW_STACK_DIR": str(directory),
                 "ALLIANCE_FLOW_STACK": str(directory)},
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        state = stack.load().get("state")
        if state == "ready":
            break
        if state == "failed" or supervisor.poll() is not None:
            print(f"The stack did not come up: {stack.load().get('error')}", file=sys.stderr)
            print(f"Logs: {directory / 'logs'}; run `scripts/stack down`.", file=sys.stderr)
            return 1
        time.sleep(0.5)
    else:
        print(f"The stack was not ready after {args.timeout} s; logs in {directory / 'logs'}")
        return 1
    urls = stack.urls
    print(f"Stack up in {time.monotonic() - t0:.0f} s ({directory}).")
    print(f"  dashboard   {urls['https']}/  (self-signed; CA: {directory / 'tls' / 'ca.pem'})")
    print(f"  prefect API {urls['prefect_api']}")
    print('  demo data   eval "$(scripts/stack env)" && .venv/bin/alliance-flow demo')
    print("  stop        scripts/stack down")
    return 0


def down(args: argparse.Namespace) -> int:
    directory = stack_dir()
    if not directory.exists():
        print("No stack here.")
        return 0
    stack = stack_from_disk(directory)
    supervisor = stack.load().get("supervisor")
    if alive(supervisor):
        os.kill(supervisor, signal.SIGTERM)
        deadline = time.monotonic() + 90
        while alive(supervisor) and time.monotonic() < deadline:
            time.sleep(0.3)
        if alive(supervisor):
            os.kill(supervisor, signal.SIGKILL)
    pg_stop(stack)
    # Anything still carrying the marker escaped supervision: say so, then stop it.
    leftovers = [pid for pid in marked_processes(stack) if alive(pid)]
    for pid in leftovers:
        with contextlib.suppress(ProcessLookupError):
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            print(f"left over, killed: {pid} {cmd[:120]}", file=sys.stderr)
            os.kill(pid, signal.SIGKILL)
    busy = [f"{name}:{port}" for name, port in stack.ports.items() if port_open(port)]
    if busy:
        print(f"ports still answering: {', '.join(busy)}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)
    if leftovers or busy:
        return 1
    print("Stack down: no process left, no port listening.")
    return 0


def upgrade(args: argparse.Namespace) -> int:
    """The rolling upgrade, on the code now checked out: what the guide tells operators to do."""
    stack = stack_from_disk(stack_dir())
    state = stack.load()
    if state.get("state") != "ready" or not alive(state.get("supervisor")):
        print("The stack is not up and ready.", file=sys.stderr)
        return 1
    t0 = time.monotonic()
    for step in ("release-migrate", "release-pool", "release-deploy"):  # 1. the release step
        run_once(stack, step, command(step, **stack.values()), ROOT)
    rolled = int(state.get("rolled", 0))
    stack.save(state="rolling")
    os.kill(int(state["supervisor"]), signal.SIGHUP)  # 2. web workers one by one, 3. the worker
    deadline = time.monotonic() + args.timeout
    while int(stack.load().get("rolled", 0)) == rolled:
        if time.monotonic() > deadline or not alive(state["supervisor"]):
            print(f"The rolling restart did not finish; see {stack.logs('supervisor')}")
            return 1
        time.sleep(0.5)
    print(f"Upgraded in {time.monotonic() - t0:.0f} s: migrated, web workers and worker restarted.")
    return 0


def status(args: argparse.Namespace) -> int:
    stack = stack_from_disk(stack_dir())
    state = stack.load()
    if not state:
        print("No stack here.")
        return 1
    print(f"state: {state.get('state')}  supervisor: {state.get('supervisor')}")
    print(f"postgres: {postgres_pids(stack) or 'down'}")
    for name, info in (state.get("services") or {}).items():
        print(f"{name}: pid {info['pid']} restarts {info['restarts']}")
    if stack.ports:
        for name, url in stack.urls.items():
            print(f"{name}: {url}")
    return 0


def print_env(args: argparse.Namespace) -> int:
    stack = stack_from_disk(stack_dir())
    if not stack.ports:
        print("No stack here.", file=sys.stderr)
        return 1
    env = stack.env()
    for key in ("ALLIANCE_FLOW_DATABASE_URL", "ALLIANCE_FLOW_AUTO_MIGRATE", "PREFECT_API_URL",
                "PREFECT_HOME", "PREFECT_SERVER_ANALYTICS_ENABLED"):  # fmt: skip
        print(f"export {key}={shlex.quote(env[key])}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/stack", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="bring the stack up on loopback ports")
    p_up.add_argument("--web-workers", type=int, default=2)
    p_up.add_argument("--timeout", type=float, default=420, help="seconds to wait for ready")
    p_up.set_defaults(run=up)
    p_down = sub.add_parser("down", help="stop everything and check nothing is left")
    p_down.add_argument("--keep", action="store_true", help="keep the logs and data directory")
    p_down.set_defaults(run=down)
    p_upgrade = sub.add_parser("upgrade", help="release step, then restart workers one by one")
    p_upgrade.add_argument("--timeout", type=float, default=600)
    p_upgrade.set_defaults(run=upgrade)
    sub.add_parser("status", help="what runs").set_defaults(run=status)
    sub.add_parser("env", help="export lines for the CLI").set_defaults(run=print_env)
    sub.add_parser("_supervise").set_defaults(run=lambda a: supervise(stack_from_disk(stack_dir())))
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
