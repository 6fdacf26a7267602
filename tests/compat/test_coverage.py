"""Every recording is replayed by a test of this suite, or listed as not replayed with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.compat.allowed import ALLOWED_DIFFERENCES, NOT_REPLAYED
from tests.compat.recordings import all_names
from tests.compat.replay import REPLAYED

HERE = Path(__file__).resolve().parent
README = HERE.parent.parent / "README.md"


def _replayed_names() -> set[str]:
    names: set[str] = set()
    for path in HERE.glob("test_*.py"):
        names |= set(re.findall(r'"((?:GET|POST|PUT|DELETE)__[^"]*)"', path.read_text()))
    return names


def test_it_replays_every_recording_or_says_why_not() -> None:
    recorded = set(all_names())
    assert len(recorded) == 197
    missing = recorded - _replayed_names() - set(NOT_REPLAYED)
    assert not missing, f"recordings no test replays: {sorted(missing)}"


def test_every_recording_was_replayed_in_this_run(request: pytest.FixtureRequest) -> None:
    # By what `replay` was asked for, not by names in the files: run last (conftest.py), when
    # every module of this suite ran in this session.
    ran = {Path(str(item.path)).name for item in request.session.items if Path(str(item.path)).parent == HERE}
    if not {path.name for path in HERE.glob("test_*.py")} <= ran:
        pytest.skip("needs the whole compatibility suite in the same run")
    missing = set(all_names()) - REPLAYED - set(NOT_REPLAYED)
    assert not missing, f"recordings no test replayed in this run: {sorted(missing)}"
    assert not REPLAYED & set(NOT_REPLAYED), "a recording listed as not replayed was replayed"


def test_it_names_only_recordings_that_exist() -> None:
    unknown = (_replayed_names() | set(NOT_REPLAYED)) - set(all_names())
    assert not unknown, f"names that are not recordings: {sorted(unknown)}"


def test_the_allowed_differences_match_the_readme() -> None:
    text = README.read_text()
    section = text.split("## Deliberate differences from the earlier API", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- \*\*(.+?)\*\*", section, flags=re.MULTILINE)
    assert listed == list(ALLOWED_DIFFERENCES)
