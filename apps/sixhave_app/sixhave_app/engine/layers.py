"""The engine's layers, in the one order they attach to every Site: each `install(site)` adds its
guards, query predicates, row filters, document events and state listeners to the site's
extension points (see Site.__init__). A new layer is added here, nowhere else."""
from __future__ import annotations

from . import permissions, trash, versioning, workflow, workflow_queue

LAYERS = (permissions, workflow, workflow_queue, versioning, trash)


def install(site) -> None:
    for layer in LAYERS:
        layer.install(site)
