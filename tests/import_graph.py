"""The project's import graph and the layer order its imports must follow.

`LAYERS` below is the one place the allowed direction is written down; `tests/test_import_layers.py`
fails when an import runs against it or when modules import each other in a circle. Run this
file to see the figures (upward imports, module circles, app cycles, long files):

    .venv/bin/python -m tests.import_graph [--root DIR]

Every `.py` file outside tests/, bench/, migrations/, .venv/ and var/ is read with `ast` (nothing
is imported or executed); an import inside a function counts like one at the top, since it
ties the modules together all the same.
"""

from __future__ import annotations

import argparse
import ast
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = frozenset({"tests", "bench", "migrations", "var", "node_modules", "static", "templates"})
LONG_FILE_LINES = 400

# The layer order, bottom to top. A module may import modules of its own layer or of one below
# it, never of one above:
#
#   core                 what every app may use, importing no app (flags, errors, db, numbers)
#   <app> pure           the pure maths (no Django import), in app order
#   <app>                each app's models, services, selectors and serializers, in app order
#   orchestration        the one end-to-end analysis service, above the apps it orchestrates
#   <app> entry points   API views, pages, streams, Celery tasks, admin, commands, template tags,
#                        and the runners that call the service for them, in app order
#   pmresearch           the project: settings, URLs, ASGI/WSGI, Celery app, health, and each
#                        app's start-up hook (apps.py), which wires checks and signals

# The apps, bottom to top: each may use the ones before it, never one after it.
APPS = (
    "accounts",
    "datasources",
    "analysis",
    "portfolio",
    "calibration",
    "alerts",
    "watchlists",
    "rollout",
    "desk",
)

# The pure maths: no Django import (tests/test_import_layers.py imports them without Django).
PURE = (
    "analysis.indicators",
    "analysis.regime",
    "analysis.contract",
    "portfolio.optimizer",
    "calibration.stats",
    "calibration.price_basis",
    "calibration.evaluation.dates",
    "calibration.evaluation.intervals",
    "calibration.evaluation.ranks",
    "calibration.evaluation.report",
    "calibration.evaluation.scoring",
    "watchlists.ranking",
)

# Module names (any part after the app's) that make a module an entry point.
ENTRY_POINT_PARTS = frozenset({"api", "views", "streams", "tasks", "admin", "management", "templatetags"})

# Modules that run analyses through the one end-to-end service (`orchestration.analysis`) for an
# entry point: a replay of history, a scheduled or catalyst run, a watchlist run.
RUNNERS = (
    "calibration.replay",
    "calibration.schedules.scheduler",
    "watchlists.runs",
)

LAYERS: tuple[str, ...] = (
    "core",
    *(f"{app} pure" for app in APPS),
    *APPS,
    "orchestration",
    *(f"{app} entry points" for app in APPS),
    "pmresearch",
)


def _within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def layer_of(module: str) -> str | None:
    """The layer of a project module (None for a package the order does not know)."""
    top = module.split(".")[0]
    if top in ("core", "orchestration", "pmresearch"):
        return top
    if top == "manage":  # manage.py: the project's command line
        return "pmresearch"
    if top not in APPS:
        return None
    if module.split(".")[1:] == ["apps"]:
        return "pmresearch"
    if _within(module, PURE):
        return f"{top} pure"
    if _within(module, RUNNERS) or ENTRY_POINT_PARTS.intersection(module.split(".")[1:]):
        return f"{top} entry points"
    return top


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every project module by dotted name (a package by its `__init__.py`)."""
    found: dict[str, Path] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith((".", "__")))
        parts = Path(folder).relative_to(root).parts
        for file in sorted(f for f in files if f.endswith(".py")):
            stem = file[:-3]
            names = [*parts, stem] if stem != "__init__" else list(parts)
            if names:
                found[".".join(names)] = Path(folder) / file
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The project module `name` refers to: itself, or the nearest package that holds it."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _targets(node: ast.Import | ast.ImportFrom, package: str, known: dict[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    for alias in node.names:
        # `from package import name`: the submodule when there is one, else what the package holds.
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in known else base


def imports(root: Path = ROOT) -> list[Import]:
    """Every import of one project module by another, once per (importer, imported)."""
    known = modules(root)
    tops = {name.split(".")[0] for name in known}
    edges: dict[tuple[str, str], int] = {}
    for module, path in known.items():
        package = module if path.stem == "__init__" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _targets(node, package, known):
                if target.split(".")[0] not in tops:
                    continue
                resolved = _resolve(target, known)
                if resolved is None or resolved == module or module.startswith(resolved + "."):
                    continue  # a package's own __init__, imported by its submodule
                edges.setdefault((module, resolved), node.lineno)
    return [Import(a, b, line) for (a, b), line in sorted(edges.items())]


def upward(edges: Iterable[Import]) -> list[Import]:
    """Imports of a module from a higher layer (or from a package the order does not know)."""
    rank = {name: index for index, name in enumerate(LAYERS)}
    found = []
    for edge in edges:
        low, high = layer_of(edge.importer), layer_of(edge.imported)
        if low is None or high is None or rank[high] > rank[low]:
            found.append(edge)
    return found


def circles(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        if a != b:
            graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(set(nodes) | set(graph)):
        if node not in index:
            visit(node)
    return sorted(found)


def module_circles(edges: Iterable[Import]) -> list[list[str]]:
    edges = list(edges)
    return circles({e.importer for e in edges}, [(e.importer, e.imported) for e in edges])


def app_cycles(edges: Iterable[Import], *, entry_points: bool = True) -> list[list[str]]:
    """Circles between top-level packages; without `entry_points`, between the apps' models and
    services alone (both ends in an app's own layer: no pure maths, entry point or project)."""
    layers = {*APPS, "orchestration", "core"}
    pairs = [
        (e.importer.split(".")[0], e.imported.split(".")[0])
        for e in edges
        if entry_points or (layer_of(e.importer) in layers and layer_of(e.imported) in layers)
    ]
    return circles({a for a, _ in pairs}, pairs)


def long_files(root: Path = ROOT, limit: int = LONG_FILE_LINES) -> list[tuple[str, int]]:
    found = []
    for path in modules(root).values():
        lines = len(path.read_text().splitlines())
        if lines > limit:
            found.append((str(path.relative_to(root)), lines))
    return sorted(found, key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    root = parser.parse_args().root.resolve()
    edges = imports(root)
    up = upward(edges)
    print(f"modules: {len(modules(root))}  imports between them: {len(edges)}")
    print(f"upward imports: {len(up)}")
    for edge in up:
        low, high = layer_of(edge.importer), layer_of(edge.imported)
        print(f"  {edge.importer}:{edge.line} [{low}] -> {edge.imported} [{high}]")
    found = module_circles(edges)
    print(f"module circles: {len(found)}")
    for circle in found:
        print("  " + " <-> ".join(circle))
    for label, with_entry in (("all modules", True), ("models and services", False)):
        found = app_cycles(edges, entry_points=with_entry)
        print(f"app cycles ({label}): {len(found)}")
        for circle in found:
            print("  " + " <-> ".join(circle))
    files = long_files(root)
    print(f"files over {LONG_FILE_LINES} lines: {len(files)}")
    for name, lines in files:
        print(f"  {name}: {lines}")


if __name__ == "__main__":
    main()
