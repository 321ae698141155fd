"""Reports benchmark (a script, not a test): one alliance's PDF, and a 100-alliance portfolio.

    .venv/bin/python benchmarks/reports.py                       # print the figures
    .venv/bin/python benchmarks/reports.py --write benchmarks/RESULTS.md

Data, on a SQLite file, generated with the models (seeded, so every run has the same data):
N alliances (default 100) spread over the six stages, each with 12 members in 8 organisations
across the three sectors (two from migrant and refugee communities), 6 meetings with
attendance, 8 action-plan items, 3 actions agreed in minutes, 2 evaluations (one SWOT),
3 publications and its stage history; one funder holds the funder role on all of them.

Measured, in one process:
1. importing matplotlib, WeasyPrint and Babel;
2. one alliance's PDF, cold (first in the process) and warm (median of 5), split into figures
   (database), charts + HTML (matplotlib, Jinja2) and PDF (WeasyPrint); then the whole in
   CPU time of this process too (wall time on a shared machine is mostly waiting);
3. the portfolio of all N alliances: the figures of every alliance, then PDF, CSV and XLSX;
4. peak memory (max RSS).
With --write, the results are added under the "Reports" heading of the file (created if
missing); the rest of the file is left as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from alliance_flow import models as m
from alliance_flow.accounts.models import User, UserAllianceRole
from alliance_flow.db import Database

TODAY = date(2026, 3, 2)
STAGES = ("scope", "launch", "analysis", "planning", "dissemination", "sustainability")
SECTORS = ("social_action", "socio_cultural_sports", "economic_insertion")
GROUPS = ("public_authority", "ngo", "community_network", "mediator", "educator", "social_worker")
LEVELS = ("information", "consultation", "deciding_together", "acting_together")


def generate(db: Database, n: int, seed: int = 5) -> None:
    rnd = random.Random(seed)
    paris = ZoneInfo("Europe/Paris")
    with db.transaction() as s:
        funder = User(login="funder-all", name="Funder of all", password_hash="x", language="en")
        s.add(funder)
        s.flush()
        for i in range(n):
            start = TODAY - relativedelta(months=rnd.randint(3, 20))
            stage_index = rnd.randrange(6)
            a = m.Alliance(
                slug=f"alliance-{i:03d}",
                name=f"Regional Alliance {i:03d}",
                country=rnd.choice(["FR", "IE", "NL", "SE"]),
                language=rnd.choice(["en", "fr"]),
                timezone="Europe/Paris",
                region=f"Region {i}",
                work_plan_start=start,
                work_plan_end=start + relativedelta(months=24),
                created_at=datetime.combine(start, clock(8), tzinfo=UTC),
            )
            with m.stage_change():
                a.stage = STAGES[stage_index]
            s.add(a)
            s.flush()
            s.add(UserAllianceRole(user_id=funder.id, alliance_id=a.id, role="funder"))
            days = max((TODAY - start).days, 7)
            moves = sorted(rnd.sample(range(1, days), stage_index)) if stage_index else []
            s.add(
                m.StageEvent(
                    alliance_id=a.id,
                    kind="created",
                    stage="scope",
                    to_stage="scope",
                    actor="bench",
                    at=datetime.combine(start, clock(9), tzinfo=UTC),
                )
            )
            for k, offset in enumerate(moves):
                s.add(
                    m.StageEvent(
                        alliance_id=a.id,
                        kind="advanced",
                        stage=STAGES[k],
                        from_stage=STAGES[k],
                        to_stage=STAGES[k + 1],
                        actor="bench",
                        at=datetime.combine(start + timedelta(days=offset), clock(9), tzinfo=UTC),
                    )
                )
            orgs = []
            for j in range(8):
                o = m.Organisation(
                    alliance_id=a.id, name=f"Organisation {j}", group=GROUPS[j % len(GROUPS)]
                )
                o.sector_rows = [m.OrganisationSector(sector=SECTORS[j % 3])]
                s.add(o)
                orgs.append(o)
            s.flush()
            members = []
            for j in range(12):
                individual = j >= 10
                mb = m.Member(
                    alliance_id=a.id,
                    name=f"Person {j}",
                    organisation_id=None if individual else orgs[j % 8].id,
                    group="migrant_refugee_community" if individual else None,
                    sector="social_action" if individual else None,
                    participation_level=rnd.choice(LEVELS),
                    joined_on=start + timedelta(days=rnd.randint(0, min(days, 200))),
                    left_on=TODAY - timedelta(days=10) if j == 9 else None,
                )
                s.add(mb)
                members.append(mb)
            s.flush()
            for k in range(6):
                day = start + timedelta(days=30 + k * 75)
                held = day < TODAY
                mt = m.Meeting(
                    alliance_id=a.id,
                    kind="initiation_workshop" if k == 0 else ("workshop" if k == 3 else "plenary"),
                    title=f"Meeting {k + 1}",
                    starts_at=datetime.combine(day, clock(10), tzinfo=paris).astimezone(UTC),
                    timezone="Europe/Paris",
                    status="held" if held else "planned",
                    minutes="Minutes." if held and k != 2 else None,
                )
                s.add(mt)
                s.flush()
                if held:
                    for mb in members:
                        if mb.joined_on and mb.joined_on <= day:
                            s.add(
                                m.Attendance(
                                    meeting_id=mt.id, member_id=mb.id, present=rnd.random() < 0.8
                                )
                            )
                    if k < 3:
                        s.add(
                            m.MeetingAction(
                                meeting_id=mt.id,
                                description=f"Follow-up {k}",
                                owner_member_id=members[k].id,
                                due_on=day + timedelta(days=30),
                                done_on=day + timedelta(days=20) if k != 1 else None,
                            )
                        )
            for k in range(8):
                begins = start + timedelta(days=60 + 40 * k)
                s.add(
                    m.ActionPlanItem(
                        alliance_id=a.id,
                        number=k + 1,
                        action=f"Action {k + 1}",
                        responsible=f"Organisation {k}",
                        status=rnd.choice(["planned", "in_progress", "done", "done", "dropped"]),
                        starts_on=begins,
                        ends_on=begins + timedelta(days=120),
                        estimated_budget=Decimal(rnd.randrange(500, 8000, 50)),
                        budget_committed=Decimal(rnd.randrange(0, 500, 50)),
                    )
                )
            s.add(
                m.Evaluation(
                    alliance_id=a.id,
                    kind="self_assessment",
                    held_on=start + timedelta(days=100),
                    strengths=["Committed partners"],
                    weaknesses=["Few volunteers"],
                    opportunities=["Regional call"],
                    threats=["Turnover"],
                    findings="On track.",
                )
            )
            s.add(
                m.Evaluation(
                    alliance_id=a.id,
                    kind="joint",
                    held_on=start + timedelta(days=200),
                    findings="Smaller groups.",
                )
            )
            for k, kind in enumerate(("research", "action_plan", "press")):
                s.add(
                    m.Publication(
                        alliance_id=a.id,
                        kind=kind,
                        title=f"Publication {k + 1}",
                        published_on=start + timedelta(days=90 + 60 * k),
                        audience="Policy makers",
                    )
                )


def pdf_pages(pdf: bytes, folder: Path) -> str:
    """The page count poppler reads (pages live in compressed object streams)."""
    if shutil.which("pdfinfo") is None:
        return "?"
    path = folder / "portfolio.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    return found[1] if found else "?"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs{f' ({cpu})' if cpu else ''}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alliances", type=int, default=100)
    parser.add_argument("--write", type=Path, help="add the results to this Markdown file")
    parser.add_argument("--repeat", type=int, default=7, help="rounds of the warm PDF, in CPU")
    args = parser.parse_args()
    os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="mpl-"))

    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    db = Database(f"sqlite:///{folder / 'bench.db'}")
    db.upgrade()
    t = time.perf_counter()
    generate(db, args.alliances)
    generated = time.perf_counter() - t

    t = time.perf_counter()
    import babel.dates  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import weasyprint

    from alliance_flow.reports import charts, render, service
    from alliance_flow.reports.i18n import Texts
    from alliance_flow.services import alliances

    imports = time.perf_counter() - t
    texts = Texts("en")

    def one(slug: str) -> tuple[float, float, float, int]:
        t0 = time.perf_counter()
        with db.transaction() as s:
            a = alliances.get_alliance(session=s, ref=slug)
            report = service.alliance_report(session=s, alliance=a, period="whole", today=TODAY)
        t1 = time.perf_counter()
        html = render.alliance_html(report, texts, for_pdf=True)
        t2 = time.perf_counter()
        pdf = render.pdf(html)
        t3 = time.perf_counter()
        return t1 - t0, t2 - t1, t3 - t2, len(pdf)

    slug = "alliance-007"  # a planning-stage alliance with a full record
    cold = one(slug)
    warm = [one(slug) for _ in range(5)]
    warm_total = statistics.median(sum(w[:3]) for w in warm)
    warm_parts = [statistics.median(w[i] for w in warm) for i in range(3)]

    def whole(slug: str) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        one(slug)
        return time.perf_counter() - wall, time.process_time() - cpu

    in_cpu = [whole(slug) for _ in range(args.repeat)]
    cpu_a = statistics.median(cpu for _, cpu in in_cpu)
    wall_a = statistics.median(wall for wall, _ in in_cpu)

    t = time.perf_counter()
    with db.transaction() as s:
        portfolio, _ = service.funder_portfolio(
            session=s, login="funder-all", period="whole", today=TODAY
        )
    figures_all = time.perf_counter() - t
    t = time.perf_counter()
    overview = charts.portfolio_overview(portfolio.rows, texts)
    chart_time = time.perf_counter() - t
    t = time.perf_counter()
    portfolio_pdf = service.produce_portfolio(portfolio, "pdf", texts).content
    pdf_time = time.perf_counter() - t
    t = time.perf_counter()
    service.produce_portfolio(portfolio, "csv", texts)
    csv_time = time.perf_counter() - t
    t = time.perf_counter()
    service.produce_portfolio(portfolio, "xlsx", texts)
    xlsx_time = time.perf_counter() - t
    pages = pdf_pages(portfolio_pdf, folder)
    del overview

    n = len(portfolio.rows)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### {n} alliances — {now}",
        "",
        f"Machine: {machine()}; SQLite file; load average {load_before:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} after (other work on the machine slows every figure).",
        f"Versions: WeasyPrint {weasyprint.__version__}, matplotlib "
        f"{sys.modules['matplotlib'].__version__}. Data generated in {generated:.1f} s "
        f"({n} alliances x 12 members, 6 meetings, 8 actions).",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| imports (matplotlib, WeasyPrint, Babel, the reports package) | {imports:.2f} s |",
        f"| one alliance's PDF, first in the process | {sum(cold[:3]):.2f} s "
        f"(figures {cold[0]:.2f} + charts and HTML {cold[1]:.2f} + WeasyPrint {cold[2]:.2f}) |",
        f"| one alliance's PDF, warm (median of 5) | {warm_total:.2f} s "
        f"(figures {warm_parts[0]:.2f} + charts and HTML {warm_parts[1]:.2f} + WeasyPrint "
        f"{warm_parts[2]:.2f}); {cold[3] / 1024:.0f} KiB |",
        f"| the same, whole (median of {args.repeat}) | {cpu_a:.2f} s CPU of this process, "
        f"{wall_a:.2f} s wall |",
        f"| portfolio: figures of all {n} alliances | {figures_all:.2f} s "
        f"({1000 * figures_all / n:.1f} ms per alliance) |",
        f"| portfolio: overview chart | {chart_time:.2f} s |",
        f"| portfolio: PDF (chart + {n} rows) | {pdf_time:.2f} s, {pages} pages, "
        f"{len(portfolio_pdf) / 1024:.0f} KiB |",
        f"| portfolio: CSV / XLSX | {csv_time * 1000:.0f} ms / {xlsx_time * 1000:.0f} ms |",
        f"| {n}-alliance portfolio, figures to PDF | {figures_all + pdf_time:.2f} s |",
        f"| peak memory (max RSS) | {rss_mb():.0f} MB |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, text)
        print(f"added to {args.write}")


HEADING = "# Reports benchmark results"
INTRO = (
    "Produced by `benchmarks/reports.py` (see its docstring for the data and what is measured):"
    "\n\n    .venv/bin/python benchmarks/reports.py --write benchmarks/RESULTS.md\n\n"
    "Each run adds a section below, under this heading only.\n"
)


def write_section(path: Path, section: str) -> None:
    """Add a run under the Reports heading, before whatever section follows it."""
    content = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = content.splitlines()
    if HEADING not in lines:
        before = content.rstrip("\n") + "\n\n" if content.strip() else ""
        path.write_text(f"{before}{HEADING}\n\n{INTRO}\n{section}", encoding="utf-8")
        return
    start = lines.index(HEADING)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# ")), len(lines))
    new = [*lines[:end], *section.rstrip("\n").split("\n"), "", *lines[end:]]
    path.write_text("\n".join(new).rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
