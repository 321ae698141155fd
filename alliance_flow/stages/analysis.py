"""Stage 3, analyse the current situation (Analyser la situation actuelle).

Profile the sector (existing community-mediation programmes, their objectives, cost, limits and
obstacles), do secondary research then consultations, map the organisations, and identify the
gaps. Exit when each of these is recorded.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, fail, names, ok
from alliance_flow.i18n import N_, _, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Stage

checks = StageChecks(Stage.ANALYSIS)


@checks.check("sector_profiled", title=N_("Sector profiling recorded"), area="analysis")
def sector_profiled(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if f.sector_profiles == 0:
        return fail(
            _("No existing support programme or action has been profiled."),
            _(
                "Record the community-mediation programmes already in the region: objectives, "
                "initiators, type and cost, limits to availability, obstacles."
            ),
        )
    return ok(
        ngettext(
            "{count} programme profiled.", "{count} programmes profiled.", f.sector_profiles
        ).format(count=f.sector_profiles)
    )


@checks.check("secondary_research", title=N_("Secondary research recorded"), area="analysis")
def secondary_research(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if f.research_sources == 0:
        return fail(
            _("No secondary research source (government report, research) is recorded."),
            _("Record the reports and studies the alliance has read."),
        )
    return ok(
        ngettext(
            "{count} research source recorded.",
            "{count} research sources recorded.",
            f.research_sources,
        ).format(count=f.research_sources)
    )


@checks.check("consultations", title=N_("Consultations recorded"), area="analysis")
def consultations(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if f.consultations == 0:
        return fail(
            _("No consultation (one-to-one interview) is recorded."),
            _(
                "Interview policy makers, agencies, NGOs and the departments in charge of "
                "reception and migration, and record each consultation."
            ),
        )
    return ok(
        ngettext(
            "{count} consultation recorded.", "{count} consultations recorded.", f.consultations
        ).format(count=f.consultations)
    )


@checks.check("organisations_mapped", title=N_("Organisations mapped"), area="organisations")
def organisations_mapped(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if not f.organisations:
        return fail(_("No organisation is listed to put on the map."), _("Add the organisations."))
    unmapped = [o.name for o in f.organisations if not o.mapped]
    if unmapped:
        return fail(
            ngettext(
                "{count} of {total} organisations has no location on the map: {names}.",
                "{count} of {total} organisations have no location on the map: {names}.",
                len(unmapped),
            ).format(count=len(unmapped), total=len(f.organisations), names=names(unmapped)),
            _("Record the latitude and longitude of each organisation (the mapping exercise)."),
        )
    return ok(
        ngettext(
            "The {total} organisation is on the map.",
            "All {total} organisations are on the map.",
            len(f.organisations),
        ).format(total=len(f.organisations))
    )


@checks.check("gaps_identified", title=N_("Gaps identified"), area="analysis")
def gaps_identified(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    need = t.analysis.min_gaps
    if f.gaps < need:
        return fail(
            ngettext(
                "{count} gap identified; at least {need} needed.",
                "{count} gaps identified; at least {need} needed.",
                f.gaps,
            ).format(count=f.gaps, need=need),
            _("Hold a facilitated workshop to identify the gaps in provision, and record them."),
        )
    return ok(
        ngettext("{count} gap identified.", "{count} gaps identified.", f.gaps).format(count=f.gaps)
    )
