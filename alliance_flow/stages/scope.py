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
from alliance_flow.gates import StageChecks, fail, names, ok
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Sector, Stage, StakeholderGroup

checks = StageChecks(Stage.SCOPE)


@checks.check("region_defined", title="Region defined", area="alliance")
def region_defined(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    missing = [
        label
        for label, v in (("the region", f.region), ("its boundary", f.region_boundary))
        if not (v and v.strip())
    ]
    if missing:
        return fail(
            f"The alliance has no record of {' or '.join(missing)}.",
            "In the alliance details, name the region and say how its boundary is defined "
            "(regional or national, which municipalities).",
        )
    return ok(f"Region: {f.region}.")


@checks.check("enough_candidates", title="Enough candidate representatives", area="members")
def enough_candidates(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    need = t.scope.min_candidates
    have = len(f.not_left(today))
    if have < need:
        return fail(
            f"{have} candidate representatives identified; the guide asks for at least {need}.",
            f"Add {need - have} more named representatives to the stakeholder list.",
        )
    return ok(f"{have} candidate representatives identified (at least {need} needed).")


@checks.check("sectors_spanned", title="Candidates span the sectors", area="organisations")
def sectors_spanned(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    covered = set().union(*(p.sectors for p in f.not_left(today)))
    missing = [s for s in t.scope.required_sectors if s not in covered]
    if missing:
        return fail(
            f"No candidate comes from: {', '.join(_sector_label(s) for s in missing)}.",
            "Identify representatives of organisations in the missing sectors, or set the "
            "sector of the organisations already listed.",
        )
    return ok(f"All {len(t.scope.required_sectors)} sectors are represented.")


@checks.check(
    "migrant_communities_included",
    title="Migrant and refugee communities included",
    area="members",
)
def migrant_communities_included(
    f: AllianceFacts, t: Thresholds, today: date
) -> tuple[bool, str, str]:
    community = [
        p for p in f.not_left(today) if p.group == StakeholderGroup.MIGRANT_REFUGEE_COMMUNITY
    ]
    if not community:
        return fail(
            "No candidate represents a migrant or refugee community.",
            "Identify at least one representative of a migrant or refugee community and mark "
            "their group as 'migrant_refugee_community'.",
        )
    return ok(f"Migrant and refugee communities: {names(p.label for p in community)}.")


@checks.check("contacts_complete", title="Every candidate can be reached", area="members")
def contacts_complete(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    people = f.not_left(today)
    unreachable = [p.name for p in people if not p.has_contact]
    if unreachable:
        return fail(
            f"{len(unreachable)} of {len(people)} candidates have no e-mail or phone: "
            f"{names(unreachable)}.",
            "Record an e-mail address or a phone number for each of them.",
        )
    if not people:
        return fail("No candidate representative is listed yet.", "Add the candidates first.")
    return ok(f"All {len(people)} candidates have a contact.")


@checks.check("authority_checked", title="Authority to be involved checked", area="members")
def authority_checked(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    people = f.not_left(today)
    unknown = [p.name for p in people if p.has_authority is None]
    no_grantor = [
        p.name
        for p in people
        if p.has_authority == "no" and not (p.authority_granted_by or "").strip()
    ]
    if unknown or no_grantor:
        parts = []
        if unknown:
            parts.append(f"not yet checked for {names(unknown)}")
        if no_grantor:
            parts.append(f"no one named who can grant it to {names(no_grantor)}")
        return fail(
            "Authority to be involved: " + "; ".join(parts) + ".",
            "For each representative, record whether they have the authority to be involved, "
            "and if not, who must give it to them.",
        )
    if not people:
        return fail("No candidate representative is listed yet.", "Add the candidates first.")
    return ok(f"Authority checked for all {len(people)} candidates.")


@checks.check("briefing_complete", title="Briefing document complete", area="briefing")
def briefing_complete(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    b = f.briefing
    fix = (
        "Complete the briefing document: why the alliance is set up, the situation in the "
        "region, why community mediation, and what is expected of members."
    )
    if b is None:
        return fail("No briefing document has been written.", fix)
    parts = {
        "why the alliance is being set up": b.why,
        "the regional situation and challenges": b.regional_situation,
        "why community mediation": b.why_mediation,
        "the expected commitment": b.expected_commitment,
    }
    missing = [label for label, text in parts.items() if not (text and text.strip())]
    if missing:
        return fail(f"The briefing document does not yet say {', '.join(missing)}.", fix)
    return ok("The briefing document covers every part the guide asks for.")


@checks.check("briefing_reasons", title="Five reasons to get involved", area="briefing")
def briefing_reasons(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    need = t.scope.min_briefing_reasons
    have = len(f.briefing.reasons) if f.briefing else 0
    if have < need:
        return fail(
            f"The briefing gives {have} reasons to get involved; the guide asks for at least "
            f"{need} convincing ones.",
            f"Add {need - have} more reasons to the briefing document.",
        )
    return ok(f"The briefing gives {have} reasons to get involved.")


def _sector_label(code: str) -> str:
    try:
        return {
            Sector.SOCIAL_ACTION: "social action",
            Sector.SOCIO_CULTURAL_SPORTS: "socio-cultural and sports structures",
            Sector.ECONOMIC_INSERTION: "professional and economic insertion",
        }[Sector(code)]
    except ValueError:
        return code
