"""Writes over analyses."""

from __future__ import annotations

from django.db import transaction

from analysis.models import Analysis


@transaction.atomic
def delete_analysis(*, analysis_id: int) -> int:
    """Delete one analysis with its agent results, factors, outcomes and notifications.

    Raises Analysis.DoesNotExist when there is no such analysis.
    """
    analysis = Analysis.objects.select_for_update().get(pk=analysis_id)
    analysis.delete()
    return analysis_id
