"""Stage 3, analyse the current situation (Analyser la situation actuelle).

Profile the sector (existing community-mediation programmes, their objectives, cost, limits and
obstacles), do secondary research then consultations, map the organisations, and identify the
gaps. Exit when each of these is recorded.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, fail, names, ok
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Stage

checks = StageChecks(Stage.ANALYSIS)


@checks.check("sector_profiled", title="Sector profiling recorded", area="analysis")
def sector_profiled(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if f.sector_profiles == 0:
        return fail(
            "No existing support programme or action has been profiled.",
            "Record the community-mediation programmes already in the region: objectives, "
            "initiators, type and cost, limits to availability, obstacles.",
        )
    return ok(f"{f.sector_profiles} programmes profiled.")


@checks.check("secondary_research", title="Secondary research recorded", area="analysis")
def secondary_research(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if f.research_sources == 0:
        return fail(
            "No secondary research source (government report, research) is recorded.",
            "Record the reports and studies the alliance has read.",
        )
    return ok(f"{f.research_sources} research sources recorded.")


@checks.check("consultations", title="Consultations recorded", area="analysis")
def consultations(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if f.consultations == 0:
        return fail(
            "No consultation (one-to-one interview) is recorded.",
            "Interview policy makers, agencies, NGOs and the departments in charge of reception "
            "and migration, and record each consultation.",
        )
    return ok(f"{f.consultations} consultations recorded.")


@checks.check("organisations_mapped", title="Organisations mapped", area="organisations")
def organisations_mapped(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if not f.organisations:
        return fail("No organisation is listed to put on the map.", "Add the organisations.")
    unmapped = [o.name for o in f.organisations if not o.mapped]
    if unmapped:
        return fail(
            f"{len(unmapped)} of {len(f.organisations)} organisations have no location on the "
            f"map: {names(unmapped)}.",
            "Record the latitude and longitude of each organisation (the mapping exercise).",
        )
    return ok(f"All {len(f.organisations)} organisations are on the map.")


@checks.check("gaps_identified", title="Gaps identified", area="analysis")
def gaps_identified(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    need = t.analysis.min_gaps
    if f.gaps < need:
        return fail(
            f"{f.gaps} gaps identified; at least {need} needed.",
            "Hold a facilitated workshop to identify the gaps in provision, and record them.",
        )
    return ok(f"{f.gaps} gaps identified.")
