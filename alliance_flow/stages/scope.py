"""Stage 1, scope (Portée de l'alliance).

Define the region, list the named representatives who could take part (contact, role, authority
to be involved), and write the briefing document before contacting anyone. Exit when the region
is defined, enough candidates spanning the guide's sectors are identified (migrant and refugee
communities included), each can be reached and has had their authority checked, and the briefing
gives at least five reasons and the expected commitment.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, Verdict, fail, ok, who
from alliance_flow.i18n import N_, _, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Sector, Stage, StakeholderGroup

checks = StageChecks(Stage.SCOPE)

SECTOR_LABELS = {
    Sector.SOCIAL_ACTION: N_("social action"),
    Sector.SOCIO_CULTURAL_SPORTS: N_("socio-cultural and sports structures"),
    Sector.ECONOMIC_INSERTION: N_("professional and economic insertion"),
}


def sector_label(code: str) -> str:
    return _(SECTOR_LABELS[Sector(code)]) if code in SECTOR_LABELS else code


def _no_candidates() -> Verdict:
    return fail(
        lambda: _("No candidate representative is listed yet."),
        lambda: _("Add the candidates first."),
    )


@checks.check("region_defined", title=N_("Region defined"), area="alliance")
def region_defined(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    has_region = bool(f.region and f.region.strip())
    has_boundary = bool(f.region_boundary and f.region_boundary.strip())
    if not (has_region and has_boundary):

        def reason() -> str:
            if not has_region and not has_boundary:
                return _("The alliance has no record of the region or its boundary.")
            if not has_region:
                return _("The alliance has no record of the region.")
            return _("The alliance has no record of its boundary.")

        return fail(
            reason,
            lambda: _(
                "In the alliance details, name the region and say how its boundary is defined "
                "(regional or national, which municipalities)."
            ),
        )
    return ok(lambda: _("Region: {region}.").format(region=f.region))


@checks.check("enough_candidates", title=N_("Enough candidate representatives"), area="members")
def enough_candidates(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    need = t.scope.min_candidates
    have = f.measures_on(today).candidates
    if have < need:
        return fail(
            lambda: ngettext(
                "{have} candidate representative identified; the guide asks for at least {need}.",
                "{have} candidate representatives identified; the guide asks for at least {need}.",
                have,
            ).format(have=have, need=need),
            lambda: ngettext(
                "Add {count} more named representative to the stakeholder list.",
                "Add {count} more named representatives to the stakeholder list.",
                need - have,
            ).format(count=need - have),
        )
    return ok(
        lambda: ngettext(
            "{have} candidate representative identified (at least {need} needed).",
            "{have} candidate representatives identified (at least {need} needed).",
            have,
        ).format(have=have, need=need)
    )


@checks.check("sectors_spanned", title=N_("Candidates span the sectors"), area="organisations")
def sectors_spanned(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    covered = f.measures_on(today).sectors_covered
    missing = [s for s in t.scope.required_sectors if s not in covered]
    if missing:
        return fail(
            lambda: _("No candidate comes from: {sectors}.").format(
                sectors=", ".join(sector_label(s) for s in missing)
            ),
            lambda: _(
                "Identify representatives of organisations in the missing sectors, or set the "
                "sector of the organisations already listed."
            ),
        )
    return ok(
        lambda: ngettext(
            "The {count} sector is represented.",
            "All {count} sectors are represented.",
            len(t.scope.required_sectors),
        ).format(count=len(t.scope.required_sectors))
    )


@checks.check(
    "migrant_communities_included",
    title=N_("Migrant and refugee communities included"),
    area="members",
)
def migrant_communities_included(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if not f.measures_on(today).migrant_candidates:
        return fail(
            lambda: _("No candidate represents a migrant or refugee community."),
            lambda: _(
                "Identify at least one representative of a migrant or refugee community and set "
                "their group to “Migrant or refugee community”."
            ),
        )
    return ok(
        lambda: _("Migrant and refugee communities: {names}.").format(
            names=who(
                p.label
                for p in f.not_left(today)
                if p.group == StakeholderGroup.MIGRANT_REFUGEE_COMMUNITY
            )
        )
    )


@checks.check("contacts_complete", title=N_("Every candidate can be reached"), area="members")
def contacts_complete(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    counted = f.measures_on(today)
    total, unreachable = counted.candidates, counted.unreachable
    if not total:
        return _no_candidates()
    if unreachable:
        return fail(
            lambda: ngettext(
                "{count} of {total} candidates has no e-mail or phone: {names}.",
                "{count} of {total} candidates have no e-mail or phone: {names}.",
                unreachable,
            ).format(
                count=unreachable,
                total=total,
                names=who(p.name for p in f.not_left(today) if not p.has_contact),
            ),
            lambda: _("Record an e-mail address or a phone number for each of them."),
        )
    return ok(
        lambda: ngettext(
            "The {total} candidate has a contact.",
            "All {total} candidates have a contact.",
            total,
        ).format(total=total)
    )


@checks.check("authority_checked", title=N_("Authority to be involved checked"), area="members")
def authority_checked(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    counted = f.measures_on(today)
    total = counted.candidates
    if not total:
        return _no_candidates()
    if counted.authority_unknown or counted.authority_without_grantor:

        def reason() -> str:
            people = f.not_left(today)
            unknown = [p.name for p in people if p.has_authority is None]
            no_grantor = [
                p.name
                for p in people
                if p.has_authority == "no" and not (p.authority_granted_by or "").strip()
            ]
            parts = []
            if unknown:
                parts.append(_("not yet checked for {names}").format(names=who(unknown)))
            if no_grantor:
                parts.append(
                    _("no one named who can grant it to {names}").format(names=who(no_grantor))
                )
            return _("Authority to be involved: {problems}.").format(problems="; ".join(parts))

        return fail(
            reason,
            lambda: _(
                "For each representative, record whether they have the authority to be "
                "involved, and if not, who must give it to them."
            ),
        )
    return ok(
        lambda: ngettext(
            "Authority checked for the {total} candidate.",
            "Authority checked for all {total} candidates.",
            total,
        ).format(total=total)
    )


@checks.check("briefing_complete", title=N_("Briefing document complete"), area="briefing")
def briefing_complete(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    b = f.briefing

    def fix() -> str:
        return _(
            "Complete the briefing document: why the alliance is set up, the situation in the "
            "region, why community mediation, and what is expected of members."
        )

    if b is None:
        return fail(lambda: _("No briefing document has been written."), fix)
    parts = {
        N_("why the alliance is being set up"): b.why,
        N_("the regional situation and challenges"): b.regional_situation,
        N_("why community mediation"): b.why_mediation,
        N_("the expected commitment"): b.expected_commitment,
    }
    missing = [label for label, text in parts.items() if not (text and text.strip())]
    if missing:
        return fail(
            lambda: _("The briefing document does not yet say {parts}.").format(
                parts=", ".join(_(label) for label in missing)
            ),
            fix,
        )
    return ok(lambda: _("The briefing document covers every part the guide asks for."))


@checks.check("briefing_reasons", title=N_("Five reasons to get involved"), area="briefing")
def briefing_reasons(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    need = t.scope.min_briefing_reasons
    have = len(f.briefing.reasons) if f.briefing else 0
    if have < need:
        return fail(
            lambda: ngettext(
                "The briefing gives {have} reason to get involved; the guide asks for at least "
                "{need} convincing ones.",
                "The briefing gives {have} reasons to get involved; the guide asks for at least "
                "{need} convincing ones.",
                have,
            ).format(have=have, need=need),
            lambda: ngettext(
                "Add {count} more reason to the briefing document.",
                "Add {count} more reasons to the briefing document.",
                need - have,
            ).format(count=need - have),
        )
    return ok(
        lambda: ngettext(
            "The briefing gives {have} reason to get involved.",
            "The briefing gives {have} reasons to get involved.",
            have,
        ).format(have=have)
    )
