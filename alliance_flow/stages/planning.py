"""Stage 4, identify and plan (Identification et planification).

Publish the research, agree a shared vision, plan the actions (what, who, when, resources,
obstacles and how to overcome them, collaborators, budget; SMART objectives), then publish and
sign the regional action plan while every member signs the charter of engagement. Exit when the
vision is agreed, the research and the plan are published, every action is complete and every
active member has signed the current charter.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, Verdict, fail, ok, who
from alliance_flow.i18n import N_, _, local_date, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import ActionStatus, PublicationKind, Stage

checks = StageChecks(Stage.PLANNING)


@checks.check("research_published", title=N_("Research published"), area="publications")
def research_published(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if PublicationKind.RESEARCH not in f.publications:
        return fail(
            lambda: _("The results of the analysis have not been published."),
            lambda: _("Publish the research in an accessible format and record the publication."),
        )
    return ok(lambda: _("The research is published."))


@checks.check("vision_agreed", title=N_("Shared vision agreed"), area="alliance")
def vision_agreed(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if not (f.vision and f.vision.strip()):
        return fail(
            lambda: _("The alliance has not written its shared vision."),
            lambda: _("Write the vision with the members and record the date they agreed it."),
        )
    if f.vision_agreed_on is None or f.vision_agreed_on > today:
        return fail(
            lambda: _("The vision is written but not yet agreed by the members."),
            lambda: _("Record the date the members agreed the vision."),
        )
    return ok(lambda: _("Vision agreed on {day}.").format(day=local_date(f.vision_agreed_on)))


@checks.check("action_plan_complete", title=N_("Action plan complete"), area="action_plan")
def action_plan_complete(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    counted = f.measures_on(today)
    total, lacking = counted.actions, counted.incomplete_actions
    if not total:
        return fail(
            lambda: _("The action plan has no action yet."), lambda: _("Add the priority actions.")
        )
    if lacking:

        def reason() -> str:
            items = [a for a in f.action_plan if a.status != ActionStatus.DROPPED]
            incomplete = [(a, gaps) for a in items if (gaps := a.missing_parts())]
            detail = "; ".join(
                f"#{a.number} {a.action}: {', '.join(_(gap) for gap in gaps)}"
                for a, gaps in incomplete[:5]
            )
            if lacking > 5:
                detail += " " + ngettext(
                    "(and {count} more)",
                    "(and {count} more)",
                    lacking - 5,
                ).format(count=lacking - 5)
            return ngettext(
                "{count} of {total} actions is incomplete. Missing — {detail}.",
                "{count} of {total} actions are incomplete. Missing — {detail}.",
                lacking,
            ).format(count=lacking, total=total, detail=detail)

        return fail(
            reason,
            lambda: _(
                "Complete each action: owner, dates, resources, obstacles and how to overcome "
                "them, collaborators and budget."
            ),
        )
    return ok(
        lambda: ngettext(
            "The {total} action is complete.",
            "All {total} actions are complete.",
            total,
        ).format(total=total)
    )


@checks.check("charter_signed", title=N_("Charter signed by every member"), area="charter")
def charter_signed(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    charter = f.charter
    if charter is None:
        return fail(
            lambda: _("The alliance has no charter of engagement yet."),
            lambda: _("Adopt the charter of engagement and ask every member to sign it."),
        )
    counted = f.measures_on(today)
    total, unsigned = counted.active_members, counted.active_unsigned
    if not total:
        return fail(
            lambda: _("The alliance has no active member to sign the charter."),
            lambda: _("Add members."),
        )
    version = charter.version
    if unsigned:
        return fail(
            lambda: ngettext(
                "{count} of {total} members has not signed charter v{version}: {names}.",
                "{count} of {total} members have not signed charter v{version}: {names}.",
                unsigned,
            ).format(
                count=unsigned,
                total=total,
                version=version,
                names=who(p.name for p in f.active_members(today) if p.id not in charter.signed_by),
            ),
            lambda: _("Ask them to sign charter v{version}, then record each signature.").format(
                version=version
            ),
        )
    return ok(
        lambda: ngettext(
            "The {total} active member signed charter v{version}.",
            "All {total} active members signed charter v{version}.",
            total,
        ).format(total=total, version=version)
    )


@checks.check("plan_published", title=N_("Action plan published and signed"), area="publications")
def plan_published(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if PublicationKind.ACTION_PLAN not in f.publications:
        return fail(
            lambda: _("The regional action plan has not been published."),
            lambda: _("Publish the signed regional action plan and record the publication."),
        )
    return ok(lambda: _("The regional action plan is published."))
