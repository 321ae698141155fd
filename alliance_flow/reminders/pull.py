"""The pull step of deploy/prefect.yaml: where a flow run on a worker finds the flows/ folder.

With the Prefect variable `alliance_flow_repository` set, each run clones that repository (at
`alliance_flow_branch`) into its working folder, so a worker on a clean machine needs only
alliance_flow installed and git. Without it, the runs use the checkout alliance_flow is
installed from (e.g. /opt/alliance-flow, or this repository for `scripts/stack`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alliance_flow.settings import PROJECT_ROOT


def checkout(repository: str = "", branch: str = "") -> dict[str, str]:
    """{"directory": the folder holding flows/}; Prefect changes into it before loading a flow."""
    if repository:
        from prefect.deployments.steps.pull import agit_clone

        # Prefect runs a synchronous step in a thread of its own, with no event loop yet.
        return asyncio.run(agit_clone(repository=repository, branch=branch or None))
    root = Path(PROJECT_ROOT)
    if (root / "flows").is_dir():
        return {"directory": str(root)}
    raise RuntimeError(
        f"alliance_flow at {root} has no flows/ folder and no repository is set: run "
        "`prefect variable set alliance_flow_repository <git URL>` (and alliance_flow_branch)"
    )
