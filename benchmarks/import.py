"""Stakeholder import benchmark (a script, not a test): a large file, a representative per row.

    .venv/bin/python benchmarks/import.py                         # SQLite file, 50,000 rows
    .venv/bin/python benchmarks/import.py --url postgresql+psycopg://...  # a PostgreSQL database
    .venv/bin/python benchmarks/import.py --write benchmarks/RESULTS.md

Data (seeded, the same every run): N rows (default 50,000) in the guide's own French headers
(`Nom de l'intervenant`, `Personne à contacter`, the combined `Téléphone, E-mail, Site Web,
Adresse`, `L'Influence`...) plus sector and a representative (name, e-mail, authority) on every
row. Organisations come back on two rows each, the second under another sector, so half of the
rows are merged into an organisation already seen: N/2 organisations, N members.

Measured, in one run, on the same file:
- baselines: the bare parse of the file (csv.reader; openpyxl read-only) and a bare executemany
  INSERT of as many organisation and member rows (no checks, no audit);
- the import: reading, checking and previewing every row (`plan_import`), then writing it
  (`apply_import`: bulk INSERTs and their audit rows), CSV and XLSX, each into a new alliance;
- a re-import of the same CSV: everything unchanged, nothing written.
With --write, the results are appended under an "Import" heading of the file.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

import openpyxl
from sqlalchemy import func, insert, select

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.importer import apply_import, plan_import
from alliance_flow.services.alliances import create_alliance

TODAY = date(2026, 3, 2)
T = TypeVar("T")
HEADER = [
    "Nom de l'intervenant",
    "Secteur(s)",
    "Personne à contacter",
    "Téléphone, E-mail, Site Web, Adresse",
    "Comment l'intervenant pourrait-il contribuer au projet?",
    "L'Influence",
    "Stratégie de mobilisation des intervenants",
    "Représentant",
    "Courriel du représentant",
    "A l'autorité",
]
SECTORS = (
    "action sociale",
    "structures socio-culturelles & sportives",
    "insertion professionnelle",
)
INFLUENCES = ("faible", "moyen", "haut")


def rows(n: int) -> list[list[str]]:
    out = []
    for i in range(n):
        org = i // 2  # every organisation on two rows, under two sectors
        out.append(
            [
                f"Association {org:06d}",
                SECTORS[(org + i % 2) % 3],
                f"Contact {org}",
                f"05 56 {org % 100:02d} {org % 97:02d} 00, contact{org}@asso{org}.fr, "
                f"https://asso{org}.fr, {org} rue de la Paix, Bordeaux",
                "Salles, bénévoles",
                INFLUENCES[org % 3],
                "Rencontre individuelle",
                f"Personne {i:06d}",
                f"personne{i}@asso{org}.fr",
                "oui",
            ]
        )
    return out


def write_files(folder: Path, data: list[list[str]]) -> tuple[Path, Path]:
    csv_path = folder / "intervenants.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADER, *data])
    xlsx_path = folder / "intervenants.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


@dataclass(frozen=True)
class Took:
    """Wall-clock and CPU seconds of this process: on a shared machine the CPU time says what
    the work costs, the wall time what a person waits."""

    wall: float
    cpu: float

    def __add__(self, other: Took) -> Took:
        return Took(self.wall + other.wall, self.cpu + other.cpu)

    def __str__(self) -> str:
        return f"{self.wall:.2f} s ({self.cpu:.2f} s CPU)"


def timed(fn: Callable[[], T]) -> tuple[Took, T]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return Took(time.perf_counter() - wall, time.process_time() - cpu), result


def new_alliance(db: Database, slug: str) -> int:
    with db.transaction() as s:
        return create_alliance(
            session=s, alliance_in={"name": slug, "slug": slug, "country": "FR"}, actor="bench"
        ).id


def run_import(db: Database, alliance_id: int, path: Path) -> tuple[Took, Took, object]:
    with db.transaction() as s:
        alliance = s.get(m.Alliance, alliance_id)
        assert alliance is not None
        t_plan, planned = timed(
            lambda: plan_import(
                session=s, alliance=alliance, filename=path.name, raw=path.read_bytes(), today=TODAY
            )
        )
        assert not planned.preview.problems, planned.preview.problems[:3]
        t_write, summary = timed(
            lambda: apply_import(session=s, alliance=alliance, planned=planned)
        )
    return t_plan, t_write, summary


def bare_insert(db: Database, alliance_id: int, n_orgs: int, n_members: int) -> Took:
    def insert_all() -> None:
        with db.transaction() as s:
            s.execute(
                insert(m.Organisation),
                [
                    {"alliance_id": alliance_id, "name": f"Bare {i}", "group": "other"}
                    for i in range(n_orgs)
                ],
            )
            s.execute(
                insert(m.Member),
                [
                    {"alliance_id": alliance_id, "name": f"Bare person {i}"}
                    for i in range(n_members)
                ],
            )

    took, _ = timed(insert_all)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    parser.add_argument("--write", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()

    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = rows(args.rows)
        csv_path, xlsx_path = write_files(folder, data)
        db = Database(args.url or f"sqlite:///{folder / 'bench.db'}")
        db.upgrade()
        engine = "PostgreSQL" if db.engine.dialect.name == "postgresql" else "SQLite file"

        t_csv, _ = timed(
            lambda: list(csv.reader(io.StringIO(csv_path.read_text("utf-8")), delimiter=";"))
        )

        def parse_xlsx() -> int:
            wb = openpyxl.load_workbook(xlsx_path, read_only=True, data_only=True)
            count = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
            wb.close()
            return count

        t_xlsx, _ = timed(parse_xlsx)
        n_orgs = args.rows // 2
        t_bare = bare_insert(db, new_alliance(db, "bare"), n_orgs, args.rows)

        csv_id = new_alliance(db, "from-csv")
        csv_plan, csv_write, csv_summary = run_import(db, csv_id, csv_path)
        xlsx_plan, xlsx_write, _ = run_import(db, new_alliance(db, "from-xlsx"), xlsx_path)
        again_plan, again_write, again = run_import(db, csv_id, csv_path)
        with db.transaction() as s:
            orgs = s.scalar(
                select(func.count())
                .select_from(m.Organisation)
                .where(m.Organisation.alliance_id == csv_id)
            )
            two_sectors = s.scalar(
                select(func.count())
                .select_from(m.OrganisationSector)
                .join(m.Organisation)
                .where(m.Organisation.alliance_id == csv_id)
            )
        db.dispose()

    lines = [
        f"## {args.rows:,} rows, a representative per row — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {engine}; load "
        f"average {load[0]:.1f} at the start (the machine is shared: compare the CPU seconds).",
        f"Result: {csv_summary}; {orgs:,} organisations with {two_sectors:,} sector rows "
        "(every organisation merged from two rows, two sectors each).",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| baseline: csv.reader parse of the CSV | {t_csv} |",
        f"| baseline: openpyxl read-only parse of the XLSX | {t_xlsx} |",
        f"| baseline: bare executemany INSERT, {n_orgs:,} organisations + {args.rows:,} members "
        f"| {t_bare} |",
        f"| import CSV: read, check, preview | {csv_plan} |",
        f"| import CSV: write (bulk INSERT + audit rows) | {csv_write} |",
        f"| import CSV: total | {csv_plan + csv_write} |",
        f"| import XLSX: total (check {xlsx_plan}, write {xlsx_write}) "
        f"| {xlsx_plan + xlsx_write} |",
        f"| re-import of the same CSV (all unchanged: {again}) | {again_plan + again_write} |",
        "| before this change (issue 8: a savepoint and flush per item, a final check "
        "comparing every row with every other) | 468 s |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        existing = args.write.read_text() if args.write.exists() else ""
        heading = "# Import benchmark results"
        if heading not in existing:
            existing += (
                f"\n{heading}\n\nProduced by `benchmarks/import.py` (see its docstring):\n\n"
                "    .venv/bin/python benchmarks/import.py --write benchmarks/RESULTS.md\n\n"
            )
        args.write.write_text(existing + text + "\n")


if __name__ == "__main__":
    main()
