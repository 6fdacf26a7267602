"""Every recording is replayed by a test of this suite, or listed as not replayed with a reason."""

from __future__ import annotations

import re
from pathlib import Path

from tests.compat.allowed import ALLOWED_DIFFERENCES, NOT_REPLAYED
from tests.compat.recordings import all_names

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


def test_it_names_only_recordings_that_exist() -> None:
    unknown = (_replayed_names() | set(NOT_REPLAYED)) - set(all_names())
    assert not unknown, f"names that are not recordings: {sorted(unknown)}"


def test_the_allowed_differences_match_the_readme() -> None:
    text = README.read_text()
    section = text.split("## Deliberate differences from the earlier API", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- \*\*(.+?)\*\*", section, flags=re.MULTILINE)
    assert listed == list(ALLOWED_DIFFERENCES)
