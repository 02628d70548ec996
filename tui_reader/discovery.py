"""Registries by module: every module of a package that defines a given name (``SOURCE``, ``FORMAT``) as an
instance of the registry's type is registered. The sources and the export formats are found this way, so adding
one is adding its module."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import TypeVar

__all__ = ["defined_in", "package_modules"]

T = TypeVar("T")


def package_modules(package: ModuleType) -> list[ModuleType]:
    """Every module of ``package``, imported."""
    prefix = package.__name__ + "."
    return [importlib.import_module(info.name) for info in pkgutil.iter_modules(package.__path__, prefix)]


def defined_in(package: ModuleType, name: str, kind: type[T]) -> list[T]:
    """What the modules of ``package`` define as ``name``, where it is a ``kind`` (in the modules' name order)."""
    return [value for module in package_modules(package) if isinstance(value := getattr(module, name, None), kind)]
