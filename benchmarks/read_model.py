"""The read model against hand-written SQL, on generated alliances (a script, not a test).

    .venv/bin/python benchmarks/read_model.py --alliances 1000
    .venv/bin/python benchmarks/read_model.py --alliances 10000 --sweep \
        --write benchmarks/RESULTS.md
    bash benchmarks/postgres.sh --alliances 1000          # the same on a throwaway PostgreSQL

Data: benchmarks/generate.py, alliances at every stage (one in seven closed). In one run, with
the project's code (A) and the baselines of benchmarks/baseline.py (B) taking turns, A B A B...:
1. checking every open alliance's current stage: every check's pass/fail/waived state;
2. deciding every reminder due at one instant: every message's key and language (the messages
   the outbox records: someone can receive them).
Each pair is checked to give identical answers before any time is reported; the figures are
medians of the repetitions (wall and CPU seconds; CPU is this process only, so on PostgreSQL it
leaves out the server's work), the ratio is of the medians, and the statements each side sent.
Each timed call starts right after a full collection (`gc.collect()`, not timed), so each side
pays for the collections its own allocations set off and not for a full collection the other's
left due: without it, a full collection (≈ 70 ms at 1,000 alliances, walking every object of the
process) fell in A's runs or in B's depending on the phase, and the same code's ratio moved
between 1.4 and 2.2 from one run to the next.
Then, optionally: a whole sweep (decide and record in the outbox, on a copy of the data) and
one alliance's PDF and a 100-alliance portfolio, warm.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select

from alliance_flow import models as m
from alliance_flow.backup import backup
from alliance_flow.db import Database
from alliance_flow.reminders import outbox
from alliance_flow.reminders.config import ReminderSettings
from alliance_flow.services import stages as stage_service
from benchmarks import baseline
from benchmarks.generate import TODAY, generate

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
OPEN = m.Alliance.stage != "closed"


class Counter:
    def __init__(self, db: Database) -> None:
        self.n = 0
        event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *args: Any) -> None:
        self.n += 1


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def gates_a(db: Database) -> dict[int, list[tuple[str, bool, bool]]]:
    with db.transaction() as session:
        reports = stage_service.gate_reports(session=session, scope=OPEN, today=TODAY)
    return {aid: [(o.code, o.passed, o.waived) for o in r.outcomes] for aid, r in reports.items()}


def dues_a(db: Database) -> set[baseline.DueKey]:
    with db.transaction() as session:
        decided = outbox.decide_many(
            session=session, scope=OPEN, moment=AT, settings=ReminderSettings()
        )
    return {
        (d.alliance_id, d.kind, d.subject, d.due_on, d.recipient, d.language)
        for _facts, dues in decided.values()
        for d in dues
        if d.reachable  # what the outbox records (the others are named in the digest)
    }


def compare(
    name: str,
    db: Database,
    a: Callable[[], Any],
    b: Callable[[], tuple[Any, int]],
    repeat: int,
    size: Callable[[Any], int],
) -> dict[str, Any]:
    counter = Counter(db)
    a_wall, a_cpu, b_wall, b_cpu = [], [], [], []
    a_statements = b_statements = 0
    answer = None
    for i in range(repeat + 1):  # the first pair warms the caches and is not counted
        before = counter.n
        gc.collect()
        got_a, wall, cpu = timed(a)
        a_statements = counter.n - before
        gc.collect()
        (got_b, b_statements), wall_b, cpu_b = timed(b)
        if got_a != got_b:
            raise SystemExit(f"{name}: the project and the baseline disagree; no figure reported")
        answer = got_a
        if i:
            a_wall.append(wall)
            a_cpu.append(cpu)
            b_wall.append(wall_b)
            b_cpu.append(cpu_b)
    med = statistics.median
    return {
        "name": name,
        "answers": size(answer),
        "a_wall": med(a_wall),
        "a_cpu": med(a_cpu),
        "b_wall": med(b_wall),
        "b_cpu": med(b_cpu),
        "a_statements": a_statements,
        "b_statements": b_statements,
    }


def sweep(url: str, db: Database) -> dict[str, Any]:
    """Decide and record for every open alliance on a copy (the outbox starts empty)."""
    copy_db = db
    if url.startswith("sqlite:///"):
        source = url.removeprefix("sqlite:///")
        target = source + ".sweep"
        backup(url, Path(target))  # SQLite's own copy: commits still in the -wal file included
        copy_db = Database(f"sqlite:///{target}")
    counter = Counter(copy_db)
    report, wall, cpu = timed(
        lambda: outbox.record_due(db=copy_db, moment=AT, settings=ReminderSettings())
    )
    out = {
        "wall": wall,
        "cpu": cpu,
        "recorded": report.recorded,
        "alliances": report.alliances,
        "errors": len(report.errors),
        "statements": counter.n,
    }
    if copy_db is not db:
        copy_db.dispose()
        os.unlink(target)
    return out


def reports(db: Database) -> dict[str, Any]:
    """One alliance's PDF (median of 3, warm) and the PDF portfolio of 100 alliances."""
    from alliance_flow.reports import service

    out: dict[str, Any] = {}
    with db.transaction() as session:
        alliances = session.scalars(select(m.Alliance).order_by(m.Alliance.id).limit(100)).all()
        texts = service.texts("en")

        def one() -> bytes:
            report = service.alliance_report(
                session=session, alliance=alliances[5], period="whole", today=TODAY
            )
            return service.produce_alliance(report, "pdf", texts).content

        one()
        runs = [timed(one) for _ in range(3)]
        out["pdf_wall"] = statistics.median(r[1] for r in runs)
        out["pdf_cpu"] = statistics.median(r[2] for r in runs)
        out["pdf_bytes"] = len(runs[0][0])

        def portfolio() -> bytes:
            made, _reports = service.portfolio_of(
                session=session, alliances=list(alliances), period="whole", today=TODAY
            )
            return service.produce_portfolio(made, "pdf", texts).content

        content, wall, cpu = timed(portfolio)
        out["portfolio_wall"] = wall
        out["portfolio_cpu"] = cpu
        out["portfolio_bytes"] = len(content)
        out["portfolio_alliances"] = len(alliances)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alliances", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", help="database URL (default: a SQLite file in a temp dir)")
    parser.add_argument("--sweep", action="store_true", help="also time a whole sweep")
    parser.add_argument("--reports", action="store_true", help="also time PDF reports")
    parser.add_argument("--write", type=Path, help="append the figures to this Markdown file")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="read-model-")
    url = args.url or f"sqlite:///{tmp}/bench.db"
    db = Database(url)
    db.upgrade()
    started = time.perf_counter()
    rows = generate(db, args.alliances)
    generated = time.perf_counter() - started
    print(f"{args.alliances:,} alliances, {rows:,} rows generated in {generated:.1f} s", flush=True)

    results = [
        compare(
            "checking every alliance's current stage (every check's state)",
            db,
            lambda: gates_a(db),
            lambda: baseline.check_stages(db.engine, TODAY),
            args.repeat,
            lambda answer: sum(len(v) for v in answer.values()),
        ),
        compare(
            "deciding every reminder (every due message)",
            db,
            lambda: dues_a(db),
            lambda: baseline.due_messages(db.engine, AT),
            args.repeat,
            len,
        ),
    ]
    swept = sweep(url, db) if args.sweep else None
    made = reports(db) if args.reports else None
    backend = db.engine.dialect.name
    db.dispose()
    shutil.rmtree(tmp, ignore_errors=True)

    lines = [
        f"## {args.alliances:,} alliances, {backend} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {os.cpu_count()} CPUs (shared), Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end. "
        f"Data: {rows:,} rows (benchmarks/generate.py), medians of {args.repeat} runs, project "
        "(A) and hand-written SQL (B) taking turns; answers checked identical on every run.",
        "",
        "| path | answers | A wall / CPU | B wall / CPU | A/B wall | A/B CPU | statements A / B |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['answers']:,} | {r['a_wall']:.3f} s / {r['a_cpu']:.3f} s "
            f"| {r['b_wall']:.3f} s / {r['b_cpu']:.3f} s | {r['a_wall'] / r['b_wall']:.2f} "
            f"| {r['a_cpu'] / r['b_cpu']:.2f} | {r['a_statements']} / {r['b_statements']} |"
        )
    if swept:
        lines.append(
            f"| a whole sweep: decide and record ({swept['alliances']:,} open alliances, "
            f"{swept['errors']} errors) | {swept['recorded']:,} recorded | {swept['wall']:.2f} s "
            f"/ {swept['cpu']:.2f} s | — | — | — | {swept['statements']} / — |"
        )
    if made:
        lines.append(
            f"| one alliance's PDF, warm ({made['pdf_bytes']:,} bytes) | 1 | "
            f"{made['pdf_wall']:.2f} s / {made['pdf_cpu']:.2f} s | — | — | — | — |"
        )
        lines.append(
            f"| portfolio PDF of {made['portfolio_alliances']} alliances "
            f"({made['portfolio_bytes']:,} bytes) | 1 | {made['portfolio_wall']:.2f} s / "
            f"{made['portfolio_cpu']:.2f} s | — | — "
            "| — | — |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        with args.write.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
