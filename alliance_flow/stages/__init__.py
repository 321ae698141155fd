"""One module per stage of the guide; each declares the exit checks of its stage."""

from __future__ import annotations

from alliance_flow.gates import StageChecks
from alliance_flow.stages import analysis, dissemination, launch, planning, scope, sustainability
from alliance_flow.vocabulary import Stage

STAGE_CHECKS: dict[Stage, StageChecks] = {
    module.checks.stage: module.checks
    for module in (scope, launch, analysis, planning, dissemination, sustainability)
}


def checks_for(stage: str | Stage) -> StageChecks:
    """The exit checks of a stage; a closed alliance has none."""
    stage = Stage(stage)
    return STAGE_CHECKS.get(stage, StageChecks(stage))
