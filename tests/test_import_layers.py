"""Imports point down the layer order of `tests/import_graph.py`, and no modules form a circle.

The order (core, pure maths, the apps' models and services, the analysis service, the entry
points, the project) is written down once, in `tests/import_graph.py`; these tests read every
module's imports with `ast` and fail on one that runs up it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.import_graph import (
    LAYERS,
    PURE,
    ROOT,
    Import,
    app_cycles,
    imports,
    layer_of,
    module_circles,
    modules,
    upward,
)


def _lines(found: list[Import]) -> str:
    return "\n".join(
        f"{e.importer}:{e.line} ({layer_of(e.importer)}) imports {e.imported} ({layer_of(e.imported)})"
        for e in found
    )


def test_it_knows_the_layer_of_every_module() -> None:
    unknown = sorted(name for name in modules() if layer_of(name) not in LAYERS)
    assert unknown == [], f"add these packages to the layer order in tests/import_graph.py: {unknown}"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    found = upward(imports())
    assert found == [], "imports against the layer order:\n" + _lines(found)


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert module_circles(imports()) == []


def test_the_apps_models_and_services_form_no_cycle() -> None:
    assert app_cycles(imports(), entry_points=False) == []


def test_the_pure_modules_import_without_django() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {list(PURE)!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework'))\n"
        "print(' '.join(loaded))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_it_finds_an_upward_import_wherever_it_is_written(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/flags.py": "from analysis import models\n",  # the bottom importing an app
            "analysis/__init__.py": "",
            "analysis/models.py": "def f():\n    from alerts.services import g\n",  # inside a function
            "analysis/api.py": "from orchestration.analysis import run\n",  # an entry point: allowed
            "analysis/contract/__init__.py": "",
            "analysis/contract/builder.py": "from ..models import Analysis\n",  # pure maths, relative
            "alerts/__init__.py": "",
            "alerts/services.py": "from . import models\n",  # its own app: allowed
            "alerts/models.py": "",
            "orchestration/__init__.py": "",
            "orchestration/analysis.py": "import alerts.services\n",
        },
    )
    found = {(e.importer, e.imported) for e in upward(imports(root))}
    assert found == {
        ("core.flags", "analysis.models"),
        ("analysis.models", "alerts.services"),
        ("analysis.contract.builder", "analysis.models"),
    }


def test_it_finds_modules_that_import_each_other(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "calibration/__init__.py": "",
            "calibration/tasks.py": "from calibration.scheduler import tick\n",
            "calibration/scheduler.py": "def enqueue():\n    from calibration.tasks import run\n",
            "calibration/models.py": "",
        },
    )
    assert module_circles(imports(root)) == [["calibration.scheduler", "calibration.tasks"]]
