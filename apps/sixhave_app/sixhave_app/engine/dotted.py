"""Dotted paths (`package.module.name`) to what they name: hooks, background jobs, whitelisted
methods and `sixhave execute` all resolve through `resolve`."""
from __future__ import annotations

import importlib


class NotFound(LookupError):
    """The path is well formed but names no module or no attribute."""


def is_dotted(path) -> bool:
    return isinstance(path, str) and "." in path and all(part.isidentifier() for part in path.split("."))


def resolve(path: str):
    """The object `path` names. ValueError when it is not a dotted path; NotFound when its module
    or attribute does not exist."""
    if not is_dotted(path):
        raise ValueError(f"not a dotted path: {path!r}")
    module_name, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):  # the module named, not one it imports
            raise NotFound(f"no module {module_name!r}") from None
        raise
    if not hasattr(module, attr):
        raise NotFound(f"{module_name!r} has no {attr!r}")
    return getattr(module, attr)
