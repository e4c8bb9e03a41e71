"""`@whitelist`: a function that may be called through /api/method. The mark lives on the function
itself; there is no registry to fill at import time."""
from __future__ import annotations

import inspect
from typing import Callable

from .. import dotted
from ..errors import DoesNotExistError, PermissionError

ALL_VERBS = ("GET", "POST", "PUT", "DELETE")
MARK = "__sixhave_whitelist__"

def whitelist(methods: tuple[str, ...] = ALL_VERBS, allow_guest: bool = False):
    def mark(fn: Callable) -> Callable:
        setattr(fn, MARK, {"methods": tuple(m.upper() for m in methods), "allow_guest": allow_guest})
        return fn

    return mark


def resolve(site, name: str) -> Callable:
    """A whitelisted function for a method name, or an error that says why there is none."""
    target = site.hooks.method_aliases.get(name, name)  # the engine's and the apps' names (engine/hooks.py)
    if not dotted.is_dotted(target):
        raise DoesNotExistError(f"方法 “{name}” 不存在")
    if target.split(".")[0] not in set(site.metas.app_packages):
        raise PermissionError(f"方法 “{name}” 未开放（not whitelisted）")
    try:
        fn = dotted.resolve(target)
    except dotted.NotFound:
        raise DoesNotExistError(f"方法 “{name}” 不存在") from None
    if not hasattr(fn, MARK):
        raise PermissionError(f"方法 “{name}” 未开放（not whitelisted）")
    return fn


def call(fn: Callable, ctx, args: dict):
    """Call with the arguments the function accepts (all of them if it takes **kwargs), each
    checked against its declared type first (`arguments.bind`): a missing required argument or a
    value of the wrong shape is a 417 naming the argument, never a TypeError inside."""
    from . import arguments

    return fn(ctx, **arguments.bind(fn, args))
