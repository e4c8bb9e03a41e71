"""The figures, the goals they are held to, the machine they ran on, and the table that shows them."""
from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import sqlalchemy
from rich.table import Table

from .sites import LABELS

CROSS_GOAL = 3.0  # MariaDB within 3× of SQLite


@dataclass(frozen=True)
class Figure:
    label: str
    key: str
    unit: str                                   # "docs/s", "ms" or "×"
    goal: str = ""                              # as printed
    passes: Callable[[float], bool] | None = None
    only: str | None = None                     # the goal applies to this backend only
    cross: bool = False                         # also held to MariaDB within 3× of SQLite
    higher_is_better: bool = False


FIGURES = [
    Figure("insert, document API", "insert_api", "docs/s", "≥ 1,000 docs/s on SQLite",
           lambda v: v >= 1000, only="sqlite", cross=True, higher_is_better=True),
    Figure("insert, SQLAlchemy Core", "insert_core", "docs/s", higher_is_better=True),
    Figure("insert: API ÷ Core time", "insert_ratio", "×", "≤ 5×", lambda v: v <= 5),
    Figure("list page, get_list, median", "page_api", "ms", "≤ 5 ms", lambda v: v <= 5, cross=True),
    Figure("list page, get_list, p95", "page_api_p95", "ms"),
    Figure("list page, Core, median", "page_core", "ms"),
    Figure("list page: get_list ÷ Core", "page_ratio", "×", "≤ 2×", lambda v: v <= 2),
    Figure("list page in a new context, median", "page_request", "ms"),
    Figure("count, get_count, median", "count_api", "ms", "≤ 20 ms", lambda v: v <= 20, cross=True),
    Figure("count, get_count, p95", "count_api_p95", "ms"),
    Figure("count, Core, median", "count_core", "ms"),
    Figure("count: get_count ÷ Core", "count_ratio", "×"),
]


def derive(raw: dict) -> dict:
    """Flat figures of one backend from its measurements (rates, medians, ratios)."""
    inserts = raw["inserts"]
    q = raw["queries"]
    out = {
        "insert_api": inserts / raw["insert_api_s"],
        "insert_core": inserts / raw["insert_core_s"],
        "page_api": q["page_api"]["median"], "page_api_p95": q["page_api"]["p95"],
        "page_core": q["page_core"]["median"],
        "page_request": q["page_request"]["median"],
        "count_api": q["count_api"]["median"], "count_api_p95": q["count_api"]["p95"],
        "count_core": q["count_core"]["median"],
    }
    out["insert_ratio"] = out["insert_core"] / out["insert_api"]
    out["page_ratio"] = out["page_api"] / out["page_core"]
    out["count_ratio"] = out["count_api"] / out["count_core"]
    return out


def cross_ratio(fig: Figure, figures: dict[str, dict]) -> float | None:
    """How many times slower MariaDB is than SQLite on one figure (below 1: faster)."""
    if "sqlite" not in figures or "mariadb" not in figures:
        return None
    s, m = figures["sqlite"][fig.key], figures["mariadb"][fig.key]
    return s / m if fig.higher_is_better else m / s


def _number(value: float, unit: str) -> str:
    if unit == "docs/s":
        return f"{value:,.0f}"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:.2f}" if value < 100 else f"{value:,.0f}"


def _mark(ok: bool | None) -> str:
    if ok is None:
        return ""
    return " [bold green]PASS[/]" if ok else " [bold red]MISS[/]"


def verdicts(figures: dict[str, dict]) -> list[tuple[str, str, bool]]:
    """Every goal check of the run as (figure, where, passed)."""
    out = []
    for fig in FIGURES:
        for backend, values in figures.items():
            if fig.passes and fig.only in (None, backend):
                out.append((fig.label, LABELS[backend], fig.passes(values[fig.key])))
        ratio = cross_ratio(fig, figures) if fig.cross else None
        if ratio is not None:
            out.append((fig.label, "MariaDB ÷ SQLite", ratio <= CROSS_GOAL))
    return out


def table(figures: dict[str, dict], title: str) -> Table:
    backends = list(figures)
    t = Table(title=title, title_justify="left", show_lines=False)
    t.add_column("figure")
    t.add_column("unit")
    t.add_column("goal")
    for backend in backends:
        t.add_column(LABELS[backend], justify="right")
    both = "sqlite" in figures and "mariadb" in figures
    if both:
        t.add_column(f"MariaDB ÷ SQLite (goal ≤ {CROSS_GOAL:g}×)", justify="right")
    for fig in FIGURES:
        cells = [fig.label, fig.unit if fig.unit != "×" else "ratio", fig.goal]
        for backend in backends:
            value = figures[backend][fig.key]
            ok = fig.passes(value) if fig.passes and fig.only in (None, backend) else None
            cells.append(_number(value, fig.unit) + _mark(ok))
        if both:
            ratio = cross_ratio(fig, figures) if fig.cross else None
            cells.append("" if ratio is None else f"{ratio:.2f}×" + _mark(ratio <= CROSS_GOAL))
        t.add_row(*cells)
    return t


# --------------------------------------------------------------------------- the machine
def _first(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.split(":", 1)[0].strip() == key:
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            fields = dict(line.rstrip().split("=", 1) for line in f if "=" in line)
        return f"{fields.get('PRETTY_NAME', '').strip(chr(34))}, kernel {platform.release()}"
    except OSError:
        return platform.platform()


def engine_revision() -> str:
    """The commit measured, and whether the engine had uncommitted changes (figures move with them)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "apps"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return rev + (" + uncommitted engine changes" if dirty else "")


def machine(servers: dict[str, str], engine: str) -> dict[str, str]:
    mem_kb = _first("/proc/meminfo", "MemTotal")
    info = {
        "CPU": _first("/proc/cpuinfo", "model name") or platform.processor() or "?",
        "cores (nproc)": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "RAM": f"{int(mem_kb.split()[0]) / 1024 / 1024:.1f} GiB" if mem_kb else "?",
        "OS": _os_name(),
        "Python": platform.python_version(),
        "SQLAlchemy": sqlalchemy.__version__,
        "SQLite": sqlite3.sqlite_version,
        "engine": engine,
    }
    if "mariadb" in servers:
        import mariadb

        info["MariaDB"] = f"{servers['mariadb']} (connector {mariadb.__version__})"
    return info
