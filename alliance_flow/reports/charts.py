"""Charts for the reports, drawn with matplotlib's object API and returned as SVG text.

No pyplot and no global figure state: each chart is its own Figure, so charts can be drawn from
several threads (the web app) and nothing needs a display. Labels arrive already translated.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if "MPLCONFIGDIR" not in os.environ and not os.access(Path.home(), os.W_OK):
    # matplotlib writes its font cache under ~/.config and ~/.cache: give it a place it may write.
    os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="matplotlib-")

import matplotlib

matplotlib.use("Agg")  # no display, ever; SVG output does not need one

from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from alliance_flow.reports import labels as L
from alliance_flow.reports.figures import (
    ACTION_STATES,
    MIGRANT,
    AllianceReport,
)
from alliance_flow.reports.i18n import Texts

if TYPE_CHECKING:
    from alliance_flow.reports.portfolio import PortfolioRow

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 8.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 9.5,
        "axes.titleweight": "bold",
        "svg.hashsalt": "alliance_flow",  # stable ids: the same figures give the same SVG
        "svg.fonttype": "none",  # text stays text: smaller SVG, faster PDF, searchable labels
    }
)

COLOURS = {
    "done": "#2e7d5b",
    "on_track": "#3b6fb6",
    "late": "#c0392b",
    "dropped": "#9e9e9e",
    "current": "#3b6fb6",
    "planned": "#222222",
    "today": "#555555",
    "deadline": "#c0392b",
    "end": "#888888",
    "migrant": "#e08a1e",
    "others": "#3b6fb6",
    "budget": "#9db4d9",
    "committed": "#3b6fb6",
}

WIDTH = 7.0  # inches: the text width of an A4 page with 2 cm margins


def to_svg(fig: Figure, prefix: str) -> str:
    """The figure as an <svg> element to inline in HTML, its ids made unique by `prefix`."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # matplotlib's RDF metadata (creator, dates) says nothing to a reader: drop it
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns:(?:dc|cc|rdf)="[^"]*"', "", svg)
    ids = set(re.findall(r'id="([^"]+)"', svg))
    if ids:
        pattern = re.compile(r'(id="|#)(' + "|".join(map(re.escape, ids)) + r')(?=["\)])')
        svg = pattern.sub(lambda mt: f"{mt[1]}{prefix}-{mt[2]}", svg)
    return svg


def _empty(fig: Figure, ax: Any, message: str) -> None:
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", color="#666666", transform=ax.transAxes)


def _num(day: date) -> float:
    return float(mdates.date2num(day))


# --- one alliance -------------------------------------------------------------------------------


def stage_timeline(report: AllianceReport, t: Texts) -> str:
    """Six rows, one per stage: when it was entered and left, when it was planned."""
    _ = t.gettext
    fig = Figure(figsize=(WIDTH, 2.5))
    ax = fig.add_subplot()
    stages = list(report.stages)
    as_of = report.period.end
    known: list[date] = [as_of]
    for s in stages:
        known += [d for d in (s.entered_on, s.left_on, s.planned_on) if d]
    if report.work_plan_end:
        known.append(report.work_plan_end)
    if report.work_plan_start:
        known.append(report.work_plan_start)
    lo, hi = min(known), max(known)
    pad = timedelta(days=max(10, (hi - lo).days // 25))
    for y, s in enumerate(stages):
        if s.entered_on:
            end = s.left_on or as_of
            colour = COLOURS["done"] if s.state == "done" else COLOURS["current"]
            ax.barh(
                y,
                max(_num(end) - _num(s.entered_on), 2.0),
                left=_num(s.entered_on),
                height=0.55,
                color=colour,
            )
        if s.planned_on:
            ax.plot(
                _num(s.planned_on),
                y,
                marker="D",
                markersize=6,
                markerfacecolor="white",
                markeredgecolor=COLOURS["planned"],
                zorder=3,
            )
    ax.axvline(_num(as_of), color=COLOURS["today"], linestyle="--", linewidth=1)
    if report.sustainability_deadline:
        ax.axvline(
            _num(report.sustainability_deadline),
            color=COLOURS["deadline"],
            linestyle=":",
            linewidth=1.5,
        )
    if report.work_plan_end:
        ax.axvline(_num(report.work_plan_end), color=COLOURS["end"], linewidth=1.2)
    ax.set_yticks(
        range(len(stages)),
        [f"{i + 1}. {_(L.label(L.STAGES, s.stage))}" for i, s in enumerate(stages)],
    )
    ax.invert_yaxis()
    ax.set_xlim(_num(lo - pad), _num(hi + pad))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [
        Patch(color=COLOURS["done"], label=_("Stage passed")),
        Patch(color=COLOURS["current"], label=_("Current stage")),
        Line2D(
            [],
            [],
            marker="D",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=COLOURS["planned"],
            label=_("Planned start"),
        ),
        Line2D([], [], color=COLOURS["today"], linestyle="--", label=_("Report date")),
    ]
    if report.sustainability_deadline:
        handles.append(
            Line2D(
                [], [], color=COLOURS["deadline"], linestyle=":", label=_("Sustainability deadline")
            )
        )
    if report.work_plan_end:
        handles.append(Line2D([], [], color=COLOURS["end"], label=_("End of the work plan")))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=3,
        frameon=False,
        fontsize=7.5,
    )
    return to_svg(fig, "timeline")


def membership_by_sector(report: AllianceReport, t: Texts) -> str:
    """Active members per sector, with the migrant and refugee communities' share in each."""
    _ = t.gettext
    ms = report.membership
    fig = Figure(figsize=(WIDTH / 2, 2.3))
    ax = fig.add_subplot()
    if not ms.by_sector:
        _empty(fig, ax, _("No active member yet"))
        return to_svg(fig, "sectors")
    sectors = list(ms.by_sector)
    migrant = ms.migrant_by_sector
    totals = [ms.by_sector[s] for s in sectors]
    mig = [min(migrant.get(s, 0), n) for s, n in zip(sectors, totals, strict=True)]
    others = [n - k for n, k in zip(totals, mig, strict=True)]
    y = range(len(sectors))
    ax.barh(y, others, color=COLOURS["others"], label=_("Other members"))
    if any(mig):
        ax.barh(
            y,
            mig,
            left=others,
            color=COLOURS["migrant"],
            label=_("Migrant and refugee communities"),
        )
    for i, n in enumerate(totals):
        ax.text(n + 0.15, i, str(n), va="center", fontsize=8)
    ax.set_yticks(list(y), [_wrap(_(L.label(L.SECTORS, s)), 22) for s in sectors])
    ax.invert_yaxis()
    ax.set_xlim(0, max(totals) * 1.2 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(_("Active members by sector"), loc="left")
    if any(mig):
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.35, -0.12), ncol=1, frameon=False, fontsize=7.5
        )
    return to_svg(fig, "sectors")


def action_status(report: AllianceReport, t: Texts) -> str:
    """How many actions are done, on track, late or dropped; the budget planned and committed."""
    _ = t.gettext
    acts = report.actions
    fig = Figure(figsize=(WIDTH / 2, 2.3))
    ax = fig.add_subplot()
    if not acts.total:
        _empty(fig, ax, _("No action plan recorded yet"))
        return to_svg(fig, "actions")
    states = list(ACTION_STATES)
    counts = [acts.counts[s] for s in states]
    ax.bar(range(len(states)), counts, color=[COLOURS[s] for s in states], width=0.65)
    for i, n in enumerate(counts):
        ax.text(i, n + 0.05, str(n), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(states)), [_(L.ACTION_STATES[s]) for s in states])
    ax.set_ylim(0, max(counts) * 1.25 + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(_("Action plan"), loc="left")
    return to_svg(fig, "actions")


def attendance_by_sector(report: AllianceReport, t: Texts) -> str:
    """The share of expected members present at the meetings held, per sector."""
    _ = t.gettext
    rows = list(report.meetings.by_sector)
    fig = Figure(figsize=(WIDTH / 2, 2.3))
    ax = fig.add_subplot()
    if not rows:
        _empty(fig, ax, _("No attendance recorded in this period"))
        return to_svg(fig, "attendance")
    rates = [100 * (r.rate or 0) for r in rows]
    ax.barh(range(len(rows)), rates, color=COLOURS["on_track"])
    for i, r in enumerate(rows):
        ax.text(min(rates[i], 100) + 1.5, i, f"{r.present}/{r.expected}", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [_wrap(_(L.label(L.SECTORS, r.sector)), 22) for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 120)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_title(_("Attendance by sector"), loc="left")
    return to_svg(fig, "attendance")


def budget(report: AllianceReport, t: Texts) -> str:
    """Budget planned against committed, in the report's currency."""
    _ = t.gettext
    acts = report.actions
    fig = Figure(figsize=(WIDTH / 2, 1.2))
    ax = fig.add_subplot()
    if not acts.budget_planned:
        _empty(fig, ax, _("No budget recorded"))
        return to_svg(fig, "budget")
    values = [float(acts.budget_planned), float(acts.budget_committed)]
    ax.barh([0, 1], values, color=[COLOURS["budget"], COLOURS["committed"]], height=0.6)
    for i, v in enumerate((acts.budget_planned, acts.budget_committed)):
        ax.text(float(v) + values[0] * 0.02, i, t.money(v, report.country), va="center", fontsize=8)
    ax.set_yticks([0, 1], [_("Planned"), _("Committed")])
    ax.invert_yaxis()
    ax.set_xlim(0, max(values) * 1.35)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    return to_svg(fig, "budget")


def alliance_charts(report: AllianceReport, t: Texts) -> dict[str, str]:
    return {
        "timeline": stage_timeline(report, t),
        "sectors": membership_by_sector(report, t),
        "actions": action_status(report, t),
        "attendance": attendance_by_sector(report, t),
        "budget": budget(report, t),
    }


# --- the portfolio ------------------------------------------------------------------------------


def portfolio_overview(rows: Sequence[PortfolioRow], t: Texts) -> str:
    """How many alliances stand at each stage (with or without risks), and how they perform."""
    _ = t.gettext
    fig = Figure(figsize=(WIDTH, 2.8))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    if not rows:
        _empty(fig, left, _("No alliance to show"))
        right.axis("off")
        return to_svg(fig, "portfolio")
    stages = [*list(L.STAGES)[:6], "closed"]
    at_risk = [sum(1 for r in rows if r.stage == s and r.risks) for s in stages]
    fine = [sum(1 for r in rows if r.stage == s and not r.risks) for s in stages]
    y = range(len(stages))
    left.barh(y, fine, color=COLOURS["done"], label=_("No risk"), height=0.65)
    left.barh(y, at_risk, left=fine, color=COLOURS["late"], label=_("With risks"), height=0.65)
    names = [_(L.STAGES[s]) for s in stages]
    left.set_yticks(list(y), [f"{i + 1}. {n}" if i < 6 else n for i, n in enumerate(names)])
    left.invert_yaxis()
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_title(_("Alliances by stage"), loc="left")
    left.legend(frameon=False, fontsize=7.5, loc="lower right")

    points = [
        (r.attendance_rate, r.on_time_share, r.slug)
        for r in rows
        if r.attendance_rate is not None and r.on_time_share is not None
    ]
    if not points:
        _empty(fig, right, _("No attendance or action plan yet"))
    else:
        right.scatter(
            [100 * (a or 0) for a, _o, _s in points],
            [100 * (o or 0) for _a, o, _s in points],
            s=22,
            color=COLOURS["on_track"],
            alpha=0.8,
            zorder=3,
        )
        if len(points) <= 25:
            for a, o, s in points:
                right.annotate(
                    s,
                    (100 * (a or 0), 100 * (o or 0)),
                    xytext=(3, 3),
                    textcoords="offset points",
                    fontsize=6.5,
                )
        right.set_xlim(-5, 108)
        right.set_ylim(-5, 108)
        right.set_xlabel(_("Attendance"))
        right.set_ylabel(_("Actions on time"))
        right.grid(color="#e5e5e5", linewidth=0.6)
        right.set_axisbelow(True)
        right.set_title(_("Attendance and actions on time (%)"), loc="left")
    fig.tight_layout()
    return to_svg(fig, "portfolio")


def _wrap(text: str, width: int) -> str:
    """Break a long label over two lines at the space nearest the middle."""
    if len(text) <= width or " " not in text:
        return text
    middle = len(text) // 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


__all__ = [
    "MIGRANT",
    "action_status",
    "alliance_charts",
    "attendance_by_sector",
    "membership_by_sector",
    "portfolio_overview",
    "stage_timeline",
]
