"""One module per stage of the guide; each declares the exit checks of its stage."""

from __future__ import annotations

from alliance_flow.gates import StageChecks
from alliance_flow.stages import analysis, dissemination, launch, planning, scope, sustainability
from alliance_flow.vocabulary import Stage

STAGE_CHECKS: dict[Stage, StageChecks] = {
    module.checks.stage: module.checks
    for module in (scope, launch, analysis, planning, dissemination, sustainability)
}


#: By the stage's name too: asked once per alliance when checking thousands.
_BY_NAME: dict[str, StageChecks] = {str(s.value): c for s, c in STAGE_CHECKS.items()}


def checks_for(stage: str | Stage) -> StageChecks:
    """The exit checks of a stage; a closed alliance has none."""
    found = _BY_NAME.get(stage)
    if found is not None:
        return found
    stage = Stage(stage)
    return STAGE_CHECKS.get(stage, StageChecks(stage))
