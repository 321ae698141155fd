"""Hand-written SQL baselines: every check's state and every due message, without the project.

Written independently of alliance_flow's read model and rules: plain SQL through the DB-API
cursor (no ORM, no SQLAlchemy statement machinery), one statement per table for the whole set,
grouped by alliance where a count or an aggregate is all a rule needs, and the shortest Python
that turns those rows into the same answers (pass/fail/waived; due keys). No reasons, no texts:
the fastest honest way to compute the same results, which the benchmark checks are identical.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

# The guide's thresholds (config/lifecycle.toml), repeated here on purpose.
MIN_CANDIDATES, MIN_REASONS = 8, 5
SECTORS = ("social_action", "socio_cultural_sports", "economic_insertion")
MIN_MEMBERS, MAX_MEMBERS, MIN_PLENARIES, MAX_PLENARIES, SPAN_MIN, SPAN_MAX = 8, 12, 4, 5, 12, 18
MIN_GAPS, REQUIRED_AUDIENCES, MONTHS_BEFORE_END = 1, ("policy_makers",), 6
MIGRANT = "migrant_refugee_community"
ENTRY_KINDS = ("created", "advanced", "moved_back")

CODES = {
    "scope": (
        "region_defined enough_candidates sectors_spanned migrant_communities_included "
        "contacts_complete authority_checked briefing_complete briefing_reasons"
    ),
    "launch": (
        "initiation_workshop membership_size chair_and_secretary accountability_stated "
        "plenaries_planned channels_chosen"
    ),
    "analysis": "sector_profiled secondary_research consultations organisations_mapped "
    "gaps_identified",
    "planning": "research_published vision_agreed action_plan_complete charter_signed "
    "plan_published",
    "dissemination": "communication_plan communications_officer profile_published",
    "sustainability": "evaluation_on_time plan_on_time decision_made",
}
#: Which stages read people, meetings... (a hand-writer reads rows only where a rule needs them)
PEOPLE_STAGES = ("scope", "launch", "planning", "dissemination")


class Raw:
    """A DB-API connection with `:name` parameters on SQLite and PostgreSQL alike."""

    def __init__(self, engine: Any) -> None:
        self.pg = engine.dialect.name == "postgresql"
        self.conn = engine.raw_connection()
        self.statements = 0

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        if self.pg:
            sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)
        else:
            params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
        cur = self.conn.cursor()
        cur.execute(sql, params)
        self.statements += 1
        out = cur.fetchall()
        cur.close()
        return out

    def close(self) -> None:
        self.conn.rollback()
        self.conn.close()


def day(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _in_stages(stages: Iterable[str]) -> str:
    return "(" + ", ".join(f"'{s}'" for s in stages) + ")"


def load(raw: Raw, today: date, *, people_for: Iterable[str] = PEOPLE_STAGES) -> dict[str, Any]:
    """Everything the checks read, for every open alliance, in a fixed number of statements."""
    d: dict[str, Any] = {}
    d["alliances"] = raw.rows(
        "SELECT id, stage, region, region_boundary, accountable, communication_channels, "
        "vision, vision_agreed_on, work_plan_end FROM alliances WHERE stage <> 'closed'"
    )
    who = _in_stages(people_for)
    d["people"] = raw.rows(
        "SELECT m.alliance_id, m.id, m.joined_on, m.left_on, "
        "CASE WHEN COALESCE(m.email, '') <> '' OR COALESCE(m.phone, '') <> '' THEN 1 ELSE 0 END, "
        'm.has_authority, m.authority_granted_by, COALESCE(m."group", o."group") '
        "FROM members m JOIN alliances a ON a.id = m.alliance_id "
        "LEFT JOIN organisations o ON o.id = m.organisation_id "
        f"WHERE a.stage IN {who} ORDER BY m.alliance_id, m.name"
    )
    d["sectors"] = raw.rows(
        "SELECT m.id, s.sector FROM members m JOIN alliances a ON a.id = m.alliance_id "
        "JOIN organisation_sectors s ON s.organisation_id = m.organisation_id "
        "WHERE a.stage = 'scope' "
        "UNION SELECT m.id, m.sector FROM members m JOIN alliances a ON a.id = m.alliance_id "
        "WHERE a.stage = 'scope' AND m.sector IS NOT NULL"
    )
    d["roles"] = raw.rows(
        "SELECT r.member_id, r.role FROM member_roles r JOIN members m ON m.id = r.member_id "
        f"JOIN alliances a ON a.id = m.alliance_id WHERE a.stage IN {who}"
    )
    d["briefings"] = raw.rows(
        "SELECT b.alliance_id, b.why, b.regional_situation, b.why_mediation, "
        "b.expected_commitment, b.reasons FROM briefings b "
        "JOIN alliances a ON a.id = b.alliance_id WHERE a.stage = 'scope'"
    )
    d["meetings"] = raw.rows(
        "SELECT mt.alliance_id, mt.kind, mt.status, mt.starts_at, mt.timezone, "
        "CASE WHEN COALESCE(mt.minutes, '') <> '' THEN 1 ELSE 0 END FROM meetings mt "
        "JOIN alliances a ON a.id = mt.alliance_id WHERE a.stage = 'launch' "
        "AND mt.kind IN ('initiation_workshop', 'plenary')"
    )
    d["counts"] = raw.rows(
        "SELECT alliance_id, 'sector_profiles', COUNT(*) FROM sector_profiles GROUP BY alliance_id "
        "UNION ALL SELECT alliance_id, 'research_sources', COUNT(*) FROM research_sources "
        "GROUP BY alliance_id UNION ALL SELECT alliance_id, 'consultations', COUNT(*) "
        "FROM consultations GROUP BY alliance_id UNION ALL SELECT alliance_id, 'gaps', COUNT(*) "
        "FROM gaps GROUP BY alliance_id UNION ALL SELECT alliance_id, 'organisations', COUNT(*) "
        "FROM organisations GROUP BY alliance_id UNION ALL SELECT alliance_id, 'unmapped', "
        "COUNT(*) FROM organisations WHERE latitude IS NULL OR longitude IS NULL "
        "GROUP BY alliance_id"
    )
    d["plan"] = raw.rows(
        "SELECT p.alliance_id, COUNT(*), SUM(CASE WHEN "
        "COALESCE(CASE WHEN p.owner_member_id IS NOT NULL THEN ow.name ELSE p.responsible END, "
        "'') = '' OR p.starts_on IS NULL OR p.ends_on IS NULL OR COALESCE(p.resources, '') = '' "
        "OR COALESCE(p.obstacles, '') = '' OR COALESCE(p.obstacle_plan, '') = '' "
        "OR COALESCE(p.collaborators, '') = '' OR p.estimated_budget IS NULL THEN 1 ELSE 0 END) "
        "FROM action_plan_items p LEFT JOIN members ow ON ow.id = p.owner_member_id "
        "WHERE p.status <> 'dropped' GROUP BY p.alliance_id"
    )
    d["unsigned"] = raw.rows(
        "SELECT cv.alliance_id, COUNT(m.id), SUM(CASE WHEN s.id IS NULL THEN 1 ELSE 0 END) "
        "FROM charter_versions cv JOIN (SELECT alliance_id, MAX(version) AS v "
        "FROM charter_versions GROUP BY alliance_id) latest "
        "ON latest.alliance_id = cv.alliance_id AND latest.v = cv.version "
        "LEFT JOIN members m ON m.alliance_id = cv.alliance_id AND m.joined_on <= :today "
        "AND (m.left_on IS NULL OR m.left_on > :today) "
        "LEFT JOIN charter_signatures s ON s.charter_version_id = cv.id AND s.member_id = m.id "
        "GROUP BY cv.alliance_id",
        today=today,
    )
    d["audiences"] = raw.rows("SELECT DISTINCT alliance_id, audience FROM communication_plan_rows")
    d["publications"] = raw.rows("SELECT DISTINCT alliance_id, kind FROM publications")
    d["held"] = raw.rows(
        "SELECT e.alliance_id, e.held_on FROM evaluations e JOIN alliances a "
        "ON a.id = e.alliance_id WHERE a.stage = 'sustainability' AND e.held_on <= :today",
        today=today,
    )
    d["plans"] = raw.rows("SELECT alliance_id, dated_on, decision FROM sustainability_plans")
    # Waivers granted since the alliance last entered its current stage, for that stage.
    d["waivers"] = raw.rows(
        "SELECT w.alliance_id, w.check_code FROM stage_events w "
        "JOIN alliances a ON a.id = w.alliance_id "
        "WHERE w.kind = 'waived' AND w.stage = a.stage AND w.at >= COALESCE(("
        "SELECT MAX(e.at) FROM stage_events e WHERE e.alliance_id = w.alliance_id "
        "AND e.to_stage = a.stage AND e.kind IN ('created', 'advanced', 'moved_back')), w.at)"
    )
    return d


def sets_of(rows: Iterable[tuple[Any, Any]]) -> defaultdict[Any, set[Any]]:
    """{key: {values}} from (key, value) rows."""
    out: defaultdict[Any, set[Any]] = defaultdict(set)
    for key, value in rows:
        out[key].add(value)
    return out


def gate_states(d: dict[str, Any], today: date) -> dict[int, list[tuple[str, bool, bool]]]:
    """(code, passed, waived) of every check of every open alliance's current stage."""
    roles, sectors = sets_of(d["roles"]), sets_of(d["sectors"])
    people: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for aid, mid, joined, left, contact, authority, grantor, group in d["people"]:
        people[aid].append((mid, day(joined), day(left), contact, authority, grantor, group))
    briefings = {row[0]: row[1:] for row in d["briefings"]}
    meetings: dict[int, list[tuple[str, str, date, bool]]] = defaultdict(list)
    for aid, kind, status, starts, tz, minuted in d["meetings"]:
        local = moment(starts).astimezone(ZoneInfo(tz)).date()
        meetings[aid].append((kind, status, local, bool(minuted)))
    counts = {(aid, what): n for aid, what, n in d["counts"]}
    plan = {aid: (n, incomplete) for aid, n, incomplete in d["plan"]}
    unsigned = {aid: (n, missing) for aid, n, missing in d["unsigned"]}
    audiences, kinds = sets_of(d["audiences"]), sets_of(d["publications"])
    held: dict[int, list[date]] = defaultdict(list)
    for aid, on in d["held"]:
        held[aid].append(day(on))  # type: ignore[arg-type]
    plans = {aid: (day(dated), decision) for aid, dated, decision in d["plans"]}
    waived: dict[int, set[str]] = defaultdict(set)
    for aid, code in d["waivers"]:
        waived[aid].add(code)

    def active(p: tuple[Any, ...]) -> bool:
        return p[1] is not None and p[1] <= today and (p[2] is None or p[2] > today)

    out: dict[int, list[tuple[str, bool, bool]]] = {}
    for aid, stage, region, boundary, accountable, channels, vision, agreed, end in d["alliances"]:
        ps = people.get(aid, [])
        result: dict[str, bool] = {}
        if stage == "scope":
            live = [p for p in ps if p[2] is None or p[2] > today]
            covered = set().union(*(sectors.get(p[0], set()) for p in live)) if live else set()
            b = briefings.get(aid)
            reasons = json.loads(b[4]) if b and isinstance(b[4], str) else (b[4] if b else [])
            result = {
                "region_defined": not blank(region) and not blank(boundary),
                "enough_candidates": len(live) >= MIN_CANDIDATES,
                "sectors_spanned": all(s in covered for s in SECTORS),
                "migrant_communities_included": any(p[6] == MIGRANT for p in live),
                "contacts_complete": bool(live) and all(p[3] for p in live),
                "authority_checked": bool(live)
                and all(p[4] is not None for p in live)
                and not any(p[4] == "no" and blank(p[5]) for p in live),
                "briefing_complete": b is not None and not any(blank(x) for x in b[:4]),
                "briefing_reasons": sum(1 for r in reasons or [] if r.strip()) >= MIN_REASONS,
            }
        elif stage == "launch":
            ms = [mt for mt in meetings.get(aid, []) if mt[1] != "cancelled"]
            workshops = [mt for mt in ms if mt[0] == "initiation_workshop"]
            held_ws = [mt for mt in workshops if mt[1] == "held" and mt[2] <= today]
            n = sum(1 for p in ps if active(p))
            chairs = [p[0] for p in ps if active(p) and "chair" in roles.get(p[0], ())]
            secretaries = [p[0] for p in ps if active(p) and "secretary" in roles.get(p[0], ())]
            plenaries = sorted(mt[2] for mt in ms if mt[0] == "plenary")
            planned = MIN_PLENARIES <= len(plenaries) <= MAX_PLENARIES
            if planned:
                first = min([mt[2] for mt in workshops] or plenaries)
                last = plenaries[-1]
                planned = (
                    first + relativedelta(months=SPAN_MIN)
                    <= last
                    <= first + relativedelta(months=SPAN_MAX)
                )
            chans = json.loads(channels) if isinstance(channels, str) else channels
            result = {
                "initiation_workshop": any(mt[3] for mt in held_ws),
                "membership_size": MIN_MEMBERS <= n <= MAX_MEMBERS,
                "chair_and_secretary": bool(chairs and secretaries) and chairs[0] != secretaries[0],
                "accountability_stated": not blank(accountable),
                "plenaries_planned": planned,
                "channels_chosen": bool(chans),
            }
        elif stage == "analysis":
            result = {
                "sector_profiled": counts.get((aid, "sector_profiles"), 0) > 0,
                "secondary_research": counts.get((aid, "research_sources"), 0) > 0,
                "consultations": counts.get((aid, "consultations"), 0) > 0,
                "organisations_mapped": counts.get((aid, "organisations"), 0) > 0
                and counts.get((aid, "unmapped"), 0) == 0,
                "gaps_identified": counts.get((aid, "gaps"), 0) >= MIN_GAPS,
            }
        elif stage == "planning":
            n_items, incomplete = plan.get(aid, (0, 0))
            n_active, n_unsigned = unsigned.get(aid, (None, None))
            result = {
                "research_published": "research" in kinds[aid],
                "vision_agreed": not blank(vision) and agreed is not None and day(agreed) <= today,  # type: ignore[operator]
                "action_plan_complete": n_items > 0 and not incomplete,
                "charter_signed": bool(n_active) and not n_unsigned,
                "plan_published": "action_plan" in kinds[aid],
            }
        elif stage == "dissemination":
            live = [p for p in ps if active(p)]
            groups = {p[6] for p in live if p[6]} - {"other"}
            required = groups | set(REQUIRED_AUDIENCES)
            result = {
                "communication_plan": bool(audiences[aid]) and required <= audiences[aid],
                "communications_officer": any(
                    "communications_officer" in roles.get(p[0], ()) for p in live
                ),
                "profile_published": "alliance_profile" in kinds[aid],
            }
        elif stage == "sustainability":
            end_day = day(end)
            deadline = end_day - relativedelta(months=MONTHS_BEFORE_END) if end_day else None
            dated, decision = plans.get(aid, (None, None))
            result = {
                "evaluation_on_time": deadline is not None
                and any(h <= deadline for h in held.get(aid, [])),
                "plan_on_time": deadline is not None
                and dated is not None
                and dated <= today
                and dated <= deadline,
                "decision_made": aid in plans and decision is not None,
            }
        out[aid] = [
            (f"{stage}.{code}", ok, not ok and f"{stage}.{code}" in waived[aid])
            for code, ok in result.items()
        ]
    return out


def check_stages(engine: Any, today: date) -> tuple[dict[int, list[tuple[str, bool, bool]]], int]:
    """The baseline's answer for gates, and how many statements it took."""
    raw = Raw(engine)
    try:
        return gate_states(load(raw, today), today), raw.statements
    finally:
        raw.close()


# --- reminders ----------------------------------------------------------------------------------

MEETING_STEPS = (7, 1)
MINUTES_AFTER, MINUTES_LOOKBACK, ACTION_SOON = 3, 30, 7
SUSTAINABILITY_STEPS = (60, 30, 7, 0)
EVALUATION_MONTHS, DIGEST_WEEKDAY, FUNDER_DAY = 3, 0, 1
#: Messages to one member that the members' shared channel may carry instead.
SHAREABLE = ("charter_unsigned", "action_due_soon", "action_overdue")

#: (alliance id, kind, subject, due on, recipient, language)
DueKey = tuple[int, str, str, date, str, str]


def due_messages(engine: Any, at: datetime) -> tuple[set[DueKey], int]:
    """Every message due at the instant `at` for every open alliance, and the statements."""
    raw = Raw(engine)
    try:
        return _due(raw, at), raw.statements
    finally:
        raw.close()


def _due(raw: Raw, at: datetime) -> set[DueKey]:
    utc_day = at.astimezone(UTC).date()
    alliances = raw.rows(
        "SELECT id, stage, COALESCE(language, 'en'), COALESCE(timezone, 'UTC'), "
        "work_plan_start, work_plan_end FROM alliances WHERE stage <> 'closed'"
    )
    channels = sets_of(raw.rows("SELECT alliance_id, audience FROM alliance_channels"))
    members: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for aid, mid, lang, joined, left, own, email in raw.rows(
        "SELECT m.alliance_id, m.id, m.language, m.joined_on, m.left_on, "
        "CASE WHEN COALESCE(m.preferred_channel, '') <> '' THEN 1 ELSE 0 END, "
        "CASE WHEN COALESCE(m.email, '') <> '' THEN 1 ELSE 0 END "
        "FROM members m JOIN alliances a ON a.id = m.alliance_id WHERE a.stage <> 'closed' "
        "ORDER BY m.alliance_id, m.id"
    ):
        members[aid].append((mid, lang, day(joined), day(left), own, email))
    roles = sets_of(
        raw.rows("SELECT member_id, role FROM member_roles WHERE role IN ('chair', 'secretary')")
    )
    # Meetings that can still give a message: not older than the minutes' look-back.
    meetings: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for mid, aid, starts, tz, status, minuted in raw.rows(
        "SELECT mt.id, mt.alliance_id, mt.starts_at, mt.timezone, mt.status, "
        "CASE WHEN COALESCE(mt.minutes, '') <> '' THEN 1 ELSE 0 END FROM meetings mt "
        "JOIN alliances a ON a.id = mt.alliance_id WHERE a.stage <> 'closed' "
        "AND mt.starts_at >= :since",
        since=datetime.combine(utc_day - timedelta(days=MINUTES_LOOKBACK + 2), datetime.min.time()),
    ):
        meetings[aid].append((mid, moment(starts), tz, status, minuted))
    soon_until = utc_day + timedelta(days=ACTION_SOON + 1)
    actions: dict[int, list[tuple[str, int, int | None, date]]] = defaultdict(list)
    for aid, source, ident, owner, due_on in raw.rows(
        "SELECT mt.alliance_id, 'meeting', ma.id, ma.owner_member_id, ma.due_on "
        "FROM meeting_actions ma JOIN meetings mt ON mt.id = ma.meeting_id "
        "WHERE ma.done_on IS NULL AND ma.due_on IS NOT NULL AND ma.due_on <= :until "
        "AND ma.owner_member_id IS NOT NULL UNION ALL "
        "SELECT alliance_id, 'plan', id, owner_member_id, ends_on FROM action_plan_items "
        "WHERE status NOT IN ('done', 'dropped') AND ends_on IS NOT NULL AND ends_on <= :until "
        "AND owner_member_id IS NOT NULL",
        until=soon_until,
    ):
        actions[aid].append((source, ident, owner, day(due_on)))  # type: ignore[arg-type]
    charters = {
        aid: (cid, version, day(adopted))
        for cid, aid, version, adopted in raw.rows(
            "SELECT cv.id, cv.alliance_id, cv.version, cv.adopted_on FROM charter_versions cv "
            "JOIN (SELECT alliance_id, MAX(version) AS v FROM charter_versions "
            "GROUP BY alliance_id) latest ON latest.alliance_id = cv.alliance_id "
            "AND latest.v = cv.version WHERE cv.adopted_on IS NOT NULL"
        )
    }
    signed = sets_of(
        raw.rows(
            "SELECT s.charter_version_id, s.member_id FROM charter_signatures s "
            "JOIN charter_versions cv ON cv.id = s.charter_version_id JOIN (SELECT alliance_id, "
            "MAX(version) AS v FROM charter_versions GROUP BY alliance_id) latest "
            "ON latest.alliance_id = cv.alliance_id AND latest.v = cv.version"
        )
    )
    evaluations: dict[int, list[date]] = defaultdict(list)
    for aid, held in raw.rows("SELECT alliance_id, held_on FROM evaluations"):
        evaluations[aid].append(day(held))  # type: ignore[arg-type]
    plans = {
        aid: day(dated)
        for aid, dated in raw.rows("SELECT alliance_id, dated_on FROM sustainability_plans")
    }
    entered = {
        aid: day(at_)
        for aid, at_ in raw.rows(
            "SELECT e.alliance_id, MAX(e.at) FROM stage_events e JOIN alliances a "
            "ON a.id = e.alliance_id WHERE e.to_stage = a.stage "
            "AND e.kind IN ('created', 'advanced', 'moved_back') GROUP BY e.alliance_id"
        )
    }
    # Ready to advance: the gates of the current stage, as of each alliance's local day.
    local = {aid: at.astimezone(ZoneInfo(tz)).date() for aid, _s, _l, tz, _b, _e in alliances}
    ready: dict[int, bool] = {}
    for today in set(local.values()):
        states = gate_states(load(raw, today), today)
        for aid, checks in states.items():
            if local.get(aid) == today:
                ready[aid] = all(ok or waived for _c, ok, waived in checks)

    out: set[DueKey] = set()
    for aid, stage, lang, _tz, start, end in alliances:
        today = local[aid]
        aud = channels.get(aid, set())
        # Every active member, reachable or not: add() routes what they cannot receive.
        people = [
            p
            for p in members.get(aid, [])
            if p[2] is not None and p[2] <= today and (p[3] is None or p[3] > today)
        ]
        person = {p[0]: p for p in people}

        def to(p: tuple[Any, ...]) -> tuple[str, Any]:
            return "member", p

        coordinators = (
            [("audience:coordinators", lang)]
            if "coordinators" in aud
            else [to(p) for p in people if roles.get(p[0], set()) & {"chair", "secretary"}]
        )
        members_to = [("audience:members", lang)] if "members" in aud else [to(p) for p in people]

        def add(
            kind: str,
            subject: str,
            due_on: date,
            whom: list[tuple[str, Any]],
            aid: int = aid,
            lang: str = lang,
            aud: set[str] = aud,
        ) -> None:
            """Someone always hears: a member without a channel of their own (nor an e-mail
            the alliance can reach) is reached through the members' channel (charter,
            actions) or the coordinators' (roles); else nothing is recorded for them."""
            for recipient, value in whom:
                if recipient != "member":
                    out.add((aid, kind, subject, due_on, recipient, value))
                    continue
                p = value
                if p[4] or (p[5] and "email" in aud):
                    out.add((aid, kind, subject, due_on, f"member:{p[0]}", p[1] or lang))
                elif kind in SHAREABLE and "members" in aud:
                    out.add((aid, kind, subject, due_on, "audience:members", lang))
                elif (
                    kind not in SHAREABLE
                    and not kind.startswith("meeting_")
                    and "coordinators" in aud
                ):
                    out.add((aid, kind, subject, due_on, "audience:coordinators", lang))

        for mid, starts, mtz, status, minuted in meetings.get(aid, []):
            zone = ZoneInfo(mtz)
            mday = starts.astimezone(zone).date()
            left = (mday - at.astimezone(zone).date()).days
            subject = f"meeting:{mid}@{mday.isoformat()}"
            if status == "cancelled":
                if left >= 0:
                    add("meeting_cancelled", subject, mday, members_to)
                continue
            if status == "planned" and 1 < left <= 7:
                add("meeting_reminder_7d", subject, mday, members_to)
            elif status == "planned" and left == 1:
                add("meeting_reminder_1d", subject, mday, members_to)
            if not minuted and MINUTES_AFTER <= -left <= MINUTES_LOOKBACK:
                secretaries = [to(p) for p in people if "secretary" in roles.get(p[0], ())]
                add(
                    "minutes_missing",
                    subject,
                    mday + timedelta(days=MINUTES_AFTER),
                    secretaries or coordinators,
                )
        for source, ident, owner, due_on in actions.get(aid, []):
            p = person.get(owner)
            if p is None:
                continue
            left = (due_on - today).days
            if left < 0:
                add("action_overdue", f"{source}-action:{ident}", due_on, [to(p)])
            elif left <= ACTION_SOON:
                add("action_due_soon", f"{source}-action:{ident}", due_on, [to(p)])
        charter = charters.get(aid)
        if charter and charter[2] is not None and charter[2] <= today:
            unsigned = [to(p) for p in people if p[0] not in signed.get(charter[0], ())]
            add("charter_unsigned", f"charter:v{charter[1]}", charter[2], unsigned)
        end_day = day(end)
        if end_day is not None:
            deadline = end_day - relativedelta(months=MONTHS_BEFORE_END)
            evaluated = any(h <= deadline for h in evaluations.get(aid, []))
            dated = plans.get(aid)
            if not (evaluated and dated is not None and dated <= deadline):
                left = (deadline - today).days
                subject = f"sustainability@{deadline.isoformat()}"
                if left < 0:
                    chairs = [to(p) for p in people if "chair" in roles.get(p[0], ())]
                    add("sustainability_escalation", subject, deadline, chairs or coordinators)
                else:
                    reached = [n for n in SUSTAINABILITY_STEPS if left <= n]
                    if reached:
                        add(f"sustainability_{min(reached)}d", subject, deadline, coordinators)
        if ready.get(aid):
            add("ready_to_advance", f"stage:{stage}", entered.get(aid) or today, coordinators)
        past = [h for h in evaluations.get(aid, []) if h <= today]
        base = max(past) if past else day(start)
        if base is not None and base <= today:
            due_on = base + relativedelta(months=EVALUATION_MONTHS)
            if due_on <= today:
                add("evaluation_due", "evaluation", due_on, coordinators)
        week_day = today - timedelta(days=(today.weekday() - DIGEST_WEEKDAY) % 7)
        year, week, _ = week_day.isocalendar()
        add("weekly_digest", f"week:{year}-W{week:02d}", week_day, coordinators)
        if "funders" in aud:
            first = today.replace(day=min(FUNDER_DAY, 28))
            if today >= first:
                add("funder_progress", f"month:{first:%Y-%m}", first, [("audience:funders", lang)])
    return out
