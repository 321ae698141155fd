"""The read model against hand-written SQL in instructions, not seconds (a script, not a test).

    .venv/bin/python benchmarks/instructions.py --alliances 1000
    .venv/bin/python benchmarks/instructions.py --url postgresql+psycopg://.../bench  # its data

On this shared 2-core machine the same code's time ratio moves by a quarter from one run to the
next with the others' load. The instructions this process executes do not (to a few parts in a
thousand): each side runs under valgrind's callgrind (Debian package `valgrind`), counting only
around the measured calls (`callgrind_control -i on/off` from the process itself), once with one
call and once with two; the difference is one warm call, without start-up or the count's own
cost. The server's work on PostgreSQL is another process and is not counted, as the CPU figures
of benchmarks/read_model.py leave it out. Instructions are not time (memory waits and the
collector's walks cost more per instruction on the side that builds more objects), so the time
ratio of read_model.py stays the goal's measure; this tells whether a change made either side do
less work when the times are lost in the noise.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PATHS = {
    "gates": "checking every alliance's current stage",
    "dues": "deciding every reminder",
}


def child(path: str, side: str, calls: int, url: str) -> None:
    """Runs under callgrind: counts `calls` warm calls of one side of one path."""
    from alliance_flow.db import Database
    from benchmarks import baseline
    from benchmarks.generate import TODAY
    from benchmarks.read_model import AT, dues_a, gates_a

    db = Database(url)
    run = {
        ("gates", "A"): lambda: gates_a(db),
        ("gates", "B"): lambda: baseline.check_stages(db.engine, TODAY),
        ("dues", "A"): lambda: dues_a(db),
        ("dues", "B"): lambda: baseline.due_messages(db.engine, AT),
    }[(path, side)]
    run()
    run()  # warm: statement caches, compiled SQL, imports done at first use
    me = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", me], check=True, capture_output=True)
    for _ in range(calls):
        gc.collect()
        run()
    subprocess.run(["callgrind_control", "-i", "off", me], check=True, capture_output=True)
    db.dispose()


def counted(path: str, side: str, calls: int, url: str) -> int:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            path,
            side,
            str(calls),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind gave no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_call(path: str, side: str, url: str) -> int:
    return counted(path, side, 2, url) - counted(path, side, 1, url)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alliances", type=int, default=1000)
    parser.add_argument("--url", help="a database holding generated alliances already")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    tmp = None
    url = args.url
    if url is None:
        from alliance_flow.db import Database
        from benchmarks.generate import generate

        tmp = tempfile.mkdtemp(prefix="instructions-")
        url = f"sqlite:///{tmp}/bench.db"
        db = Database(url)
        db.upgrade()
        generate(db, args.alliances)
        db.dispose()
    try:
        print("| path | A instructions | B instructions | A/B |")
        print("|---|---|---|---|")
        for path, name in PATHS.items():
            a, b = per_call(path, "A", url), per_call(path, "B", url)
            print(f"| {name} | {a / 1e6:,.0f} M | {b / 1e6:,.0f} M | {a / b:.2f} |", flush=True)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
