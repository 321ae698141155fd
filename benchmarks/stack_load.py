"""Sizing: requests per second through nginx and memory per process, on a stack from scripts/stack.

    scripts/stack up && eval "$(scripts/stack env)" && .venv/bin/alliance-flow demo
    .venv/bin/python benchmarks/stack_load.py [--seconds 20] [--clients 8]

Measures, through the proxy (HTTPS, keep-alive, the stack's CA), in the same run:
  /healthz            the baseline: nginx + a web worker, no database
  /readyz             one database round trip
  /alliances/<slug>   a coordinator's alliance page (session, gates, template): the real work
and the memory (PSS) of every process of the stack (web workers, Prefect server and worker,
nginx, PostgreSQL), from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import ssl
import statistics
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def pss_mb(pid: int) -> float:
    """Proportional memory of a process and all its descendants, in MB (shared pages counted
    once across processes, so PostgreSQL's shared buffers are not counted per backend)."""
    total = 0
    pending = [pid]
    while pending:
        p = pending.pop()
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))  # type: ignore[union-attr]
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            pending.extend(int(c) for c in children)
        except (OSError, AttributeError):
            continue
    return total / 1024


def hammer(client_of, path: str, seconds: float, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def one() -> None:
        nonlocal errors
        with client_of() as client:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                try:
                    ok = client.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    if ok:
                        latencies.append(time.perf_counter() - t0)
                    else:
                        errors += 1

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "req_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else 0,
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1) if latencies else 0,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--login", default="coordinator-bordeaux")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--alliance", default="bordeaux")
    args = parser.parse_args()
    directory = Path(os.environ.get("ALLIANCE_FLOW_STACK_DIR") or ROOT / ".stack")
    state = json.loads((directory / "stack.json").read_text())
    base = f"https://127.0.0.1:{state['ports']['https']}"
    trust = ssl.create_default_context(cafile=str(directory / "tls" / "ca.pem"))

    # one signed-in session, shared by every client (cookies copied)
    with httpx.Client(base_url=base, verify=trust) as c:
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, "no login form"
        c.post("/login", data={"login": args.login, "password": args.password,
                               "csrf_token": token.group(1)})  # fmt: skip
        cookies = dict(c.cookies)

    def client_of() -> httpx.Client:
        return httpx.Client(base_url=base, verify=trust, cookies=cookies, timeout=60)

    cpu = os.cpu_count()
    load = os.getloadavg()[0]
    print(f"{cpu} cores, load average {load:.1f} before the run; {args.clients} clients, "
          f"{args.seconds:.0f} s per path, {state['web_workers']} web workers")  # fmt: skip
    for path in ("/healthz", "/readyz", f"/alliances/{args.alliance}"):
        print(f"{path:28} {hammer(client_of, path, args.seconds, args.clients)}")
    print("memory (MB, proportional set size, process and its children):")
    for name, info in sorted((state.get("services") or {}).items()):
        print(f"  {name:16} {pss_mb(int(info['pid'])):7.0f}")
    pidfile = directory / "pg" / "data" / "postmaster.pid"
    if pidfile.exists():
        print(f"  {'postgres':16} {pss_mb(int(pidfile.read_text().split()[0])):7.0f}")


if __name__ == "__main__":
    main()
