"""The dashboard's portfolio page under 32 concurrent clients, next to a bare one-query endpoint.

    bash benchmarks/dashboard_load.sh [--alliances 30] [--workers 2] [--clients 32] [--path /]

On a throwaway PostgreSQL (benchmarks/dashboard_load.sh starts it): generated alliances, an
administrator who sees them all, the real app (`alliance_flow.web.asgi:app`) and a bare ASGI app
(`bare` below: one SQL query, the alliances as an HTML table) each under uvicorn with the same
number of workers. The clients (threads, keep-alive connections) ask for `/` in rounds, the two
servers taking turns; the figures are the latencies' median and 95th percentile of all rounds,
and the CPU time the servers' processes used per request (from /proc: Linux only).
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """One query, the alliances as an HTML table: the yardstick for the dashboard page."""
    if scope["type"] != "http":
        return
    pool = _pool()
    with pool.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT slug, name, country, stage FROM alliances ORDER BY country, name"
        ).all()
    body = "<table>" + "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
    )
    await send({"type": "http.response.body", "body": (body + "</table>").encode()})


_engine: Any = None


def _pool() -> Any:
    global _engine
    if _engine is None:
        from sqlalchemy import create_engine

        _engine = create_engine(os.environ["ALLIANCE_FLOW_DATABASE_URL"])
    return _engine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/login")
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"server on {port} did not start in {timeout} s")


def login(port: int, user: str, password: str) -> str:
    """The session cookie of a form login."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login")
    answer = conn.getresponse()
    page = answer.read().decode()
    cookies = [h.split(";")[0] for k, h in answer.getheaders() if k.lower() == "set-cookie"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page[:500]
    form = urllib.parse.urlencode({"login": user, "password": password, "csrf_token": token[1]})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    conn.request("POST", "/login", body=form, headers=headers)
    answer = conn.getresponse()
    answer.read()
    assert answer.status == 303, answer.status
    cookies += [h.split(";")[0] for k, h in answer.getheaders() if k.lower() == "set-cookie"]
    return "; ".join(cookies)


def load(port: int, cookie: str, clients: int, per_client: int, path: str = "/") -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            answer = conn.getresponse()
            answer.read()
            mine.append(time.perf_counter() - started)
            if answer.status != 200:
                failures.append(str(answer.status))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} answers were not 200: {failures[:5]}")
    return latencies


def server_cpu(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds used so far by a server's processes (its session: the master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[3]) == server.pid:  # the session id (the servers start a session each)
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--alliances", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=5, help="per client and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--path", default="/", help="the dashboard page asked for, e.g. /alliances/g00001"
    )
    args = parser.parse_args()

    from alliance_flow.accounts import services as accounts
    from alliance_flow.db import Database
    from benchmarks.generate import generate

    db = Database(args.url)
    db.upgrade()
    generate(db, args.alliances)
    password = "a long benchmark password"
    with db.transaction() as session:
        accounts.create_user(
            session=session,
            user_in={"login": "bench", "name": "Bench", "password": password, "is_admin": True},
        )
    db.dispose()

    env = {**os.environ, "ALLIANCE_FLOW_DATABASE_URL": args.url, "PYTHONPATH": str(ROOT)}
    app_port, bare_port = free_port(), free_port()
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning"]
    servers = [
        subprocess.Popen(
            [
                *uvicorn,
                "alliance_flow.web.asgi:app",
                "--port",
                str(app_port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [
                *uvicorn,
                "benchmarks.dashboard_load:bare",
                "--port",
                str(bare_port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        ),
    ]
    try:
        wait_ready(app_port)
        wait_ready(bare_port)
        cookie = login(app_port, "bench", password)
        # Warm every worker with as many clients as measured: the connection pools grow to what
        # the load needs once, as on a server that has been running for a while.
        load(app_port, cookie, args.clients, 2, args.path)
        load(bare_port, "", args.clients, 2)
        page: list[float] = []
        yard: list[float] = []
        cpu = [0.0, 0.0]
        for _ in range(args.rounds):
            for side, port, who, path, into in (
                (0, app_port, cookie, args.path, page),
                (1, bare_port, "", "/", yard),
            ):
                before = server_cpu(servers[side])
                into += load(port, who, args.clients, args.requests, path)
                cpu[side] += server_cpu(servers[side]) - before
        print(
            f"{args.alliances} alliances on the page, {args.workers} uvicorn workers each, "
            f"{args.clients} clients, {len(page)} requests each side, load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        print(
            f"dashboard {args.path}: median {statistics.median(page):.3f} s, p95 {p95(page):.3f} s"
        )
        print(f"bare one-query /: median {statistics.median(yard):.3f} s, p95 {p95(yard):.3f} s")
        print(f"p95 ratio: {p95(page) / p95(yard):.2f}")
        print(
            f"server CPU per request: dashboard {cpu[0] / len(page) * 1000:.2f} ms, bare "
            f"{cpu[1] / len(yard) * 1000:.2f} ms, ratio {cpu[0] / max(cpu[1], 1e-9):.2f}"
        )
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
