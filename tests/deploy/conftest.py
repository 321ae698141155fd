"""deploy/stack.py is a script, not part of the package: load it by path for the tests."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from alliance_flow.settings import PROJECT_ROOT


def load_stack_module() -> ModuleType:
    name = "alliance_flow_deploy_stack"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / "deploy" / "stack.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module
