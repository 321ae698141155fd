"""Modules imported on first use, so `alliance-flow --help` does not load the whole application;
imported, when they are, with the cyclic collector held back (collector.loading)."""

from __future__ import annotations

import importlib.util
import sys
from importlib.abc import Loader
from types import ModuleType
from typing import Any

from alliance_flow.collector import loading


class _LoadingLoader(Loader):
    """A module's own loader, its module executed inside `loading()`."""

    def __init__(self, loader: Loader) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        with loading():
            self._loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, is_package...
        return getattr(self._loader, name)


def lazy_module(name: str) -> ModuleType:
    """`name`, executed the first time one of its attributes is read (importlib's LazyLoader)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(_LoadingLoader(spec.loader))
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
