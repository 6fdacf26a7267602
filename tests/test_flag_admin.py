from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.flags import Flag, is_enabled
from rollout.models import FeatureFlag
from tests.flag_rows import ensure_flag_rows

pytestmark = pytest.mark.django_db


def _changelist_post(flags: list[FeatureFlag], overrides: dict[str, str]) -> dict[str, str]:
    data = {
        "form-TOTAL_FORMS": str(len(flags)),
        "form-INITIAL_FORMS": str(len(flags)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, flag in enumerate(flags):
        data[f"form-{i}-id"] = str(flag.pk)
        data[f"form-{i}-override"] = overrides.get(flag.name, "unknown")
        data[f"form-{i}-note"] = flag.note
    return data


def test_an_admin_turns_a_flag_on_in_admin_and_the_next_request_sees_it(
    desk_admin: Any, client_for: Callable[[Any], Any]
) -> None:
    ensure_flag_rows()
    client = client_for(desk_admin)
    listing = client.get("/admin/rollout/featureflag/")
    assert listing.status_code == 200
    for flag in Flag:
        assert flag.value in listing.content.decode()
    assert is_enabled(Flag.WATCHLIST_RANKING) is False

    flags = list(FeatureFlag.objects.order_by("name"))
    response = client.post(
        "/admin/rollout/featureflag/", _changelist_post(flags, {"WATCHLIST_RANKING_ENABLED": "true"})
    )
    assert response.status_code == 302

    assert is_enabled(Flag.WATCHLIST_RANKING) is True
    row = FeatureFlag.objects.get(name="WATCHLIST_RANKING_ENABLED")
    assert row.updated_by == desk_admin
    # The dashboard, rendered on the next request, shows the new posture.
    page = client.get("/").content.decode()
    assert 'WATCHLIST_RANKING_ENABLED</code> <span class="on">on' in page


def test_flags_cannot_be_added_or_deleted_in_admin(desk_admin: Any, client_for: Callable[[Any], Any]) -> None:
    ensure_flag_rows()
    client = client_for(desk_admin)
    assert client.get("/admin/rollout/featureflag/add/").status_code == 403
    flag = FeatureFlag.objects.first()
    assert client.get(f"/admin/rollout/featureflag/{flag.pk}/delete/").status_code == 403


@pytest.mark.parametrize("role_fixture", ["viewer", "pm"])
def test_only_admins_reach_the_flag_admin(
    role_fixture: str, request: Any, client_for: Callable[[Any], Any]
) -> None:
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get("/admin/rollout/featureflag/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
