"""Start-up of the command line and of a web worker, whole processes (a script, not a test).

    .venv/bin/python benchmarks/startup.py                      # 9 rounds
    git archive main | tar -x -C /tmp/before                    # optional: another version
    .venv/bin/python benchmarks/startup.py --before /tmp/before --rounds 11

On the demo data (`alliance-flow db upgrade && alliance-flow demo`, SQLite, made once in a temp
dir), each round starts every command once, in turn (A B C ... A B C ...), so a change in the
machine's load falls on all of them alike:
- `python -c "import typer, rich"`: the yardstick, what any Typer command line costs;
- `alliance-flow --help`, `alliance-flow status bordeaux` in English and in French, and
  importing the web app as a uvicorn worker does (`alliance_flow.web.asgi`);
- with --before DIR, the same four run from DIR (an extracted copy of another commit, on
  the same virtual environment and data).
Every version's modules are compiled to byte code first (`compileall`), as an installed package's
are: with PYTHONDONTWRITEBYTECODE set (it is, on this machine's shells) nothing else writes them,
and every start would compile each module edited since its cached byte code from source (an
extracted --before copy: all of them), about 0.08 s of CPU for `status`.
CPU is user + system of the finished child (the operating system's own accounting), wall is
from start to exit; figures are medians over the rounds, ratios are medians of the ratios
within a round. The load average is printed with them: on a shared machine compare CPU
ratios, not wall times.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = "import alliance_flow.cli as c; getattr(c, 'main', c.app)()"  # older code had no main()


@dataclass
class Command:
    label: str
    argv: list[str]
    pythonpath: str
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)


def run(command: Command, env: dict[str, str]) -> None:
    env = {**env, "PYTHONPATH": command.pythonpath}
    start = time.perf_counter()
    # Started in a folder of its own: `python -c` puts the current folder first on the path,
    # which would shadow PYTHONPATH (the version under test).
    child = subprocess.Popen(
        command.argv,
        env=env,
        cwd=env["XDG_DATA_HOME"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        error = child.stderr.read().decode() if child.stderr else ""
        raise SystemExit(f"{command.label} failed ({child.returncode}): {error}")
    if child.stderr:
        child.stderr.close()
    command.cpu.append(usage.ru_utime + usage.ru_stime)
    command.wall.append(wall)


def commands(pythonpath: str, suffix: str) -> list[Command]:
    py = sys.executable
    return [
        Command(f"`alliance-flow --help`{suffix}", [py, "-c", CLI, "--help"], pythonpath),
        Command(
            f"`alliance-flow status bordeaux`{suffix}",
            [py, "-c", CLI, "status", "bordeaux"],
            pythonpath,
        ),
        Command(
            f"`alliance-flow --lang fr status bordeaux`{suffix}",
            [py, "-c", CLI, "--lang", "fr", "status", "bordeaux"],
            pythonpath,
        ),
        Command(
            f"`import alliance_flow.web.asgi`{suffix}",
            [py, "-c", "import alliance_flow.web.asgi"],
            pythonpath,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--before", type=Path, help="an extracted copy of another version")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = {
        **os.environ,
        "ALLIANCE_FLOW_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        "ALLIANCE_FLOW_LANGUAGE": "en",
        "XDG_DATA_HOME": str(folder),  # the demo's local mailbox goes here too
        "COLUMNS": "160",
    }
    here = str(ROOT)
    for tree in (ROOT, args.before):
        if tree is not None:
            compileall.compile_dir(Path(tree) / "alliance_flow", quiet=1, force=False)
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [sys.executable, "-c", CLI, *step],
            env={**env, "PYTHONPATH": here},
            cwd=folder,
            check=True,
            capture_output=True,
        )

    yardstick = Command(
        '`python -c "import typer, rich"` (yardstick)',
        [sys.executable, "-c", "import typer, rich"],
        here,
    )
    measured = [yardstick, *commands(here, "")]
    before = commands(str(args.before.resolve()), " — before") if args.before else []
    everything = measured + before
    for command in everything:  # warm the file cache and the byte-code caches
        run(command, env)
        command.cpu.clear()
        command.wall.clear()
    load_before = os.getloadavg()
    for _ in range(args.rounds):
        for command in everything:
            run(command, env)
    load_after = os.getloadavg()

    def ratio(a: Command, b: Command) -> float:
        return statistics.median(x / y for x, y in zip(a.cpu, b.cpu, strict=True))

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"### Start-up, whole processes — {now}\n")
    print(
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; {args.rounds} rounds, "
        f"commands in turn; load average {load_before[0]:.1f} before, {load_after[0]:.1f} "
        "after.\n"
    )
    header = "| command | CPU median | wall median (min) | CPU / yardstick |"
    if before:
        header += " CPU / before |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for i, command in enumerate(everything):
        row = (
            f"| {command.label} | {statistics.median(command.cpu):.3f} s | "
            f"{statistics.median(command.wall):.3f} s ({min(command.wall):.3f} s) | "
            f"{ratio(command, yardstick):.2f} |"
        )
        if before:
            paired = before[i - 1] if 1 <= i <= len(before) else None
            row += f" {ratio(command, paired):.2f} |" if paired else " |"
        print(row)


if __name__ == "__main__":
    main()
