from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role, role_of
from analysis.models import Analysis
from tests.factories import AgentResultFactory, AnalysisFactory, UserFactory

pytestmark = pytest.mark.django_db


def _api(user: Any, *, csrf: bool = False) -> APIClient:
    client = APIClient(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_every_role_reads(viewer: Any, pm: Any, desk_admin: Any) -> None:
    AnalysisFactory(ticker="MSFT")
    for user in (viewer, pm, desk_admin):
        response = _api(user).get("/api/analysis/tickers")
        assert response.status_code == 200
        assert [row["ticker"] for row in response.json()["tickers"]] == ["MSFT"]
        assert response.json()["total_count"] == 1


def test_a_viewers_write_gets_a_403_and_changes_nothing(viewer: Any) -> None:
    analysis = AnalysisFactory()
    response = _api(viewer).delete(f"/api/analysis/{analysis.pk}")
    assert response.status_code == 403
    assert "detail" in response.json()
    assert Analysis.objects.filter(pk=analysis.pk).exists()


def test_a_pm_deletes_an_analysis_with_its_agent_results(pm: Any) -> None:
    result = AgentResultFactory()
    response = _api(pm).delete(f"/api/analysis/{result.analysis_id}")
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": f"Analysis {result.analysis_id} deleted",
        "deleted_id": result.analysis_id,
    }
    assert not Analysis.objects.exists()


def test_deleting_a_missing_analysis_is_a_404_with_a_message(pm: Any) -> None:
    response = _api(pm).delete("/api/analysis/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Analysis 999999 not found"}


def test_a_browser_write_without_the_csrf_token_is_refused(pm: Any) -> None:
    analysis = AnalysisFactory()
    response = _api(pm, csrf=True).delete(f"/api/analysis/{analysis.pk}")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Analysis.objects.filter(pk=analysis.pk).exists()


def test_a_user_in_no_group_reads_like_a_viewer(make_user: Callable[..., Any]) -> None:
    loner = make_user(role=None, username="loner")
    assert role_of(loner) is Role.VIEWER
    assert _api(loner).get("/api/analysis/tickers").status_code == 200
    assert _api(loner).delete(f"/api/analysis/{AnalysisFactory().pk}").status_code == 403


def test_the_strongest_group_wins_and_superusers_are_admins() -> None:
    user = UserFactory(username="both")
    from django.contrib.auth.models import Group

    from accounts.services import sync_role_groups

    sync_role_groups()
    user.groups.add(Group.objects.get(name="viewer"), Group.objects.get(name="pm"))
    assert role_of(user) is Role.PM
    assert role_of(UserFactory(username="root", is_superuser=True)) is Role.ADMIN


def test_an_inactive_user_has_no_role(make_user: Callable[..., Any]) -> None:
    user = make_user(Role.PM, username="gone", is_active=False)
    assert role_of(user) is None


def test_only_admins_are_staff(viewer: Any, pm: Any, desk_admin: Any) -> None:
    assert (viewer.is_staff, pm.is_staff, desk_admin.is_staff) == (False, False, True)
    assert desk_admin.has_perm("rollout.change_featureflag")
    assert desk_admin.has_perm("calibration.change_schedule")
    assert desk_admin.has_perm("auth.change_user")
    assert not pm.has_perm("rollout.change_featureflag")
