"""Running `manage.py rollout_canary` in-process and reading its PASS/FAIL lines."""

from __future__ import annotations

import re
from io import StringIO

from django.contrib.auth.models import AbstractUser
from django.core.management import CommandError, call_command
from knox.models import AuthToken

from rollout.models import FeatureFlag

SUMMARY = re.compile(r"^(\d+)/(\d+) checks passed$", re.MULTILINE)


def run_canary(*args: str) -> tuple[int, str]:
    """Run the command in-process: (exit code, stdout + stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("rollout_canary", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(f"CommandError: {exc}\n")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    output = out.getvalue() + err.getvalue()
    print(output)  # shown by pytest when a test fails
    return code, output


def summary(output: str) -> tuple[int, int]:
    match = SUMMARY.search(output)
    assert match, output
    return int(match.group(1)), int(match.group(2))


def check_lines(output: str, stage: str) -> dict[str, str]:
    """{check name: PASS|FAIL} of one stage's lines."""
    found = re.findall(rf"^(PASS|FAIL) {stage} (\S+) — ", output, re.MULTILINE)
    return {name: verdict for verdict, name in found}


def set_flag(name: str, on: bool) -> None:
    FeatureFlag.objects.update_or_create(name=name, defaults={"override": on})


def issue_token(user: AbstractUser) -> str:
    """A fresh API token of `user` (the canary signs in with one)."""
    return AuthToken.objects.create(user=user)[1]
