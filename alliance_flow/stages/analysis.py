"""Stage 3, analyse the current situation (Analyser la situation actuelle).

Profile the sector (existing community-mediation programmes, their objectives, cost, limits and
obstacles), do secondary research then consultations, map the organisations, and identify the
gaps. Exit when each of these is recorded.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, Verdict, fail, names, ok
from alliance_flow.i18n import N_, _, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Stage

checks = StageChecks(Stage.ANALYSIS)


@checks.check("sector_profiled", title=N_("Sector profiling recorded"), area="analysis")
def sector_profiled(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if f.sector_profiles == 0:
        return fail(
            lambda: _("No existing support programme or action has been profiled."),
            lambda: _(
                "Record the community-mediation programmes already in the region: objectives, "
                "initiators, type and cost, limits to availability, obstacles."
            ),
        )
    return ok(
        lambda: ngettext(
            "{count} programme profiled.", "{count} programmes profiled.", f.sector_profiles
        ).format(count=f.sector_profiles)
    )


@checks.check("secondary_research", title=N_("Secondary research recorded"), area="analysis")
def secondary_research(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if f.research_sources == 0:
        return fail(
            lambda: _("No secondary research source (government report, research) is recorded."),
            lambda: _("Record the reports and studies the alliance has read."),
        )
    return ok(
        lambda: ngettext(
            "{count} research source recorded.",
            "{count} research sources recorded.",
            f.research_sources,
        ).format(count=f.research_sources)
    )


@checks.check("consultations", title=N_("Consultations recorded"), area="analysis")
def consultations(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if f.consultations == 0:
        return fail(
            lambda: _("No consultation (one-to-one interview) is recorded."),
            lambda: _(
                "Interview policy makers, agencies, NGOs and the departments in charge of "
                "reception and migration, and record each consultation."
            ),
        )
    return ok(
        lambda: ngettext(
            "{count} consultation recorded.", "{count} consultations recorded.", f.consultations
        ).format(count=f.consultations)
    )


@checks.check("organisations_mapped", title=N_("Organisations mapped"), area="organisations")
def organisations_mapped(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    counted = f.measures_on(today)
    total, unmapped = counted.organisations, counted.unmapped_organisations
    if not total:
        return fail(
            lambda: _("No organisation is listed to put on the map."),
            lambda: _("Add the organisations."),
        )
    if unmapped:
        return fail(
            lambda: ngettext(
                "{count} of {total} organisations has no location on the map: {names}.",
                "{count} of {total} organisations have no location on the map: {names}.",
                unmapped,
            ).format(
                count=unmapped,
                total=total,
                names=names(o.name for o in f.organisations if not o.mapped),
            ),
            lambda: _(
                "Record the latitude and longitude of each organisation (the mapping exercise)."
            ),
        )
    return ok(
        lambda: ngettext(
            "The {total} organisation is on the map.",
            "All {total} organisations are on the map.",
            total,
        ).format(total=total)
    )


@checks.check("gaps_identified", title=N_("Gaps identified"), area="analysis")
def gaps_identified(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    need = t.analysis.min_gaps
    if f.gaps < need:
        return fail(
            lambda: ngettext(
                "{count} gap identified; at least {need} needed.",
                "{count} gaps identified; at least {need} needed.",
                f.gaps,
            ).format(count=f.gaps, need=need),
            lambda: _(
                "Hold a facilitated workshop to identify the gaps in provision, and record them."
            ),
        )
    return ok(
        lambda: ngettext("{count} gap identified.", "{count} gaps identified.", f.gaps).format(
            count=f.gaps
        )
    )
