"""`.env.example` documents every variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parent.parent


def _documented() -> set[str]:
    text = (REPO / ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def _read_by_settings() -> set[str]:
    names: set[str] = set()
    for module in ("settings.py", "settings_production.py"):
        source = (REPO / "pmresearch" / module).read_text()
        names |= set(re.findall(r"env\.\w+\(\s*\"([A-Z][A-Z0-9_]+)\"", source))
    return names | set(settings.FEATURE_FLAG_NAMES)


def test_every_variable_read_is_documented() -> None:
    missing = _read_by_settings() - _documented()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_the_example_documents_no_phantom_variable() -> None:
    start_script_only = {"HOST", "PORT", "PYTHON", "DJANGO_SETTINGS_MODULE"}
    phantom = _documented() - _read_by_settings() - start_script_only
    assert not phantom, f"not read anywhere: {sorted(phantom)}"


def test_nothing_outside_settings_reads_the_environment() -> None:
    # Flags and configuration come from settings; `core.flags` is the only
    # reader of flag values.
    offenders = []
    for path in REPO.glob("*/**/*.py"):
        if path.parts[len(REPO.parts)] in {".venv", "tests", "var"} or path.name.startswith("settings"):
            continue
        source = path.read_text()
        if re.search(r"os\.environ\[|os\.getenv\(|os\.environ\.get\(|environ\.Env\(", source):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []
