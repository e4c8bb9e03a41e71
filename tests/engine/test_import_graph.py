"""The package's modules import each other without cycles, so that a reader sees its layers.

Every `import` and `from … import` in every module of `sixhave_app` counts — at the top of a
module or inside a function alike (an import moved into a function still makes a cycle; it only
hides it until run time). An import names the most specific module it reaches: `from .x import y`
is an edge to `x.y` when that is a module, else to `x`.
"""
from __future__ import annotations

import ast
from pathlib import Path

import sixhave_app

PACKAGE_ROOT = Path(sixhave_app.__file__).resolve().parent


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name → file, for every .py file under `root` (the folder of `package`)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(module: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported module of the package, line) for every import statement in the file."""
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in known else source for a in node.names]
        else:
            continue
        found += [(t, node.lineno) for t in targets if t in known and t != module]
    return found


def import_graph(root: Path, package: str) -> dict[str, dict[str, int]]:
    """module → {imported module: first line importing it}."""
    known = modules_of(root, package)
    graph = {}
    for module, path in known.items():
        edges: dict[str, int] = {}
        for target, line in imports_of(module, path, known):
            edges.setdefault(target, line)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, without recursion)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def describe(graph, component: list[str], root: Path, package: str) -> str:
    members = set(component)
    lines = [" ↔ ".join(component)]
    for module in component:
        for target, line in sorted(graph[module].items()):
            if target in members:
                path = modules_of(root, package)[module].relative_to(root.parent)
                lines.append(f"    {path}:{line} imports {target}")
    return "\n".join(lines)


def test_the_package_has_no_import_cycle():
    graph = import_graph(PACKAGE_ROOT, "sixhave_app")
    assert len(graph) > 100 and graph["sixhave_app.engine.site"]  # the package was read
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(describe(graph, c, PACKAGE_ROOT, "sixhave_app") for c in found)


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    """The check itself: a cycle closed by an import inside a function, through `from . import`,
    and a module that only imports a name from a package (not a cycle) are told apart."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("VALUE = 1\n")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("import os\n\n\ndef later():\n    from .sub import c\n    return c\n")
    (pkg / "sub" / "c.py").write_text("def f():\n    from ..a import b\n    return b\n")
    (pkg / "d.py").write_text("from .sub import VALUE\nfrom pkg.a import b\n")
    graph = import_graph(pkg, "pkg")
    assert graph["pkg.d"] == {"pkg.sub": 1, "pkg.a": 2}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c"]]
    assert "pkg/b.py:5 imports pkg.sub.c" in describe(graph, cycles(graph)[0], pkg, "pkg")
