"""Stage 4, identify and plan (Identification et planification).

Publish the research, agree a shared vision, plan the actions (what, who, when, resources,
obstacles and how to overcome them, collaborators, budget; SMART objectives), then publish and
sign the regional action plan while every member signs the charter of engagement. Exit when the
vision is agreed, the research and the plan are published, every action is complete and every
active member has signed the current charter.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import ActionFacts, AllianceFacts
from alliance_flow.gates import StageChecks, fail, ok, who
from alliance_flow.i18n import N_, _, local_date, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import ActionStatus, PublicationKind, Stage

checks = StageChecks(Stage.PLANNING)


@checks.check("research_published", title=N_("Research published"), area="publications")
def research_published(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if PublicationKind.RESEARCH not in f.publications:
        return fail(
            _("The results of the analysis have not been published."),
            _("Publish the research in an accessible format and record the publication."),
        )
    return ok(_("The research is published."))


@checks.check("vision_agreed", title=N_("Shared vision agreed"), area="alliance")
def vision_agreed(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if not (f.vision and f.vision.strip()):
        return fail(
            _("The alliance has not written its shared vision."),
            _("Write the vision with the members and record the date they agreed it."),
        )
    if f.vision_agreed_on is None or f.vision_agreed_on > today:
        return fail(
            _("The vision is written but not yet agreed by the members."),
            _("Record the date the members agreed the vision."),
        )
    return ok(_("Vision agreed on {day}.").format(day=local_date(f.vision_agreed_on)))


ACTION_PARTS = (
    N_("owner"),
    N_("start date"),
    N_("end date"),
    N_("resources"),
    N_("obstacles"),
    N_("plan to overcome obstacles"),
    N_("collaborators"),
    N_("budget"),
)


def missing_parts(a: ActionFacts) -> list[str]:
    """What the guide's six planning parts still lack for one action."""
    values = (
        a.owner,
        a.starts_on,
        a.ends_on,
        a.resources,
        a.obstacles,
        a.obstacle_plan,
        a.collaborators,
        a.estimated_budget,
    )
    return [
        _(label)
        for label, v in zip(ACTION_PARTS, values, strict=True)
        if v is None or (isinstance(v, str) and not v.strip())
    ]


@checks.check("action_plan_complete", title=N_("Action plan complete"), area="action_plan")
def action_plan_complete(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    items = [a for a in f.action_plan if a.status != ActionStatus.DROPPED]
    if not items:
        return fail(_("The action plan has no action yet."), _("Add the priority actions."))
    incomplete = [(a, gaps) for a in items if (gaps := missing_parts(a))]
    if incomplete:
        detail = "; ".join(
            f"#{a.number} {a.action}: {', '.join(gaps)}" for a, gaps in incomplete[:5]
        )
        if len(incomplete) > 5:
            detail += " " + ngettext(
                "(and {count} more)",
                "(and {count} more)",
                len(incomplete) - 5,
            ).format(count=len(incomplete) - 5)
        return fail(
            ngettext(
                "{count} of {total} actions is incomplete. Missing — {detail}.",
                "{count} of {total} actions are incomplete. Missing — {detail}.",
                len(incomplete),
            ).format(count=len(incomplete), total=len(items), detail=detail),
            _(
                "Complete each action: owner, dates, resources, obstacles and how to overcome "
                "them, collaborators and budget."
            ),
        )
    return ok(
        ngettext(
            "The {total} action is complete.",
            "All {total} actions are complete.",
            len(items),
        ).format(total=len(items))
    )


@checks.check("charter_signed", title=N_("Charter signed by every member"), area="charter")
def charter_signed(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if f.charter is None:
        return fail(
            _("The alliance has no charter of engagement yet."),
            _("Adopt the charter of engagement and ask every member to sign it."),
        )
    members = f.active_members(today)
    if not members:
        return fail(_("The alliance has no active member to sign the charter."), _("Add members."))
    version = f.charter.version
    unsigned = [p.name for p in members if p.id not in f.charter.signed_by]
    if unsigned:
        return fail(
            ngettext(
                "{count} of {total} members has not signed charter v{version}: {names}.",
                "{count} of {total} members have not signed charter v{version}: {names}.",
                len(unsigned),
            ).format(count=len(unsigned), total=len(members), version=version, names=who(unsigned)),
            _("Ask them to sign charter v{version}, then record each signature.").format(
                version=version
            ),
        )
    return ok(
        ngettext(
            "The {total} active member signed charter v{version}.",
            "All {total} active members signed charter v{version}.",
            len(members),
        ).format(total=len(members), version=version)
    )


@checks.check("plan_published", title=N_("Action plan published and signed"), area="publications")
def plan_published(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if PublicationKind.ACTION_PLAN not in f.publications:
        return fail(
            _("The regional action plan has not been published."),
            _("Publish the signed regional action plan and record the publication."),
        )
    return ok(_("The regional action plan is published."))
