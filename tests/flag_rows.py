"""Re-create the seeded flag rows that a transactional test's flush removes."""

from __future__ import annotations

from core.flags import Flag
from rollout.models import FeatureFlag


def ensure_flag_rows() -> None:
    for flag in Flag:
        FeatureFlag.objects.get_or_create(name=flag.value)
