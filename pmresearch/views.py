"""The dashboard home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from analysis.models import Analysis
from rollout.flags import flag_posture


def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "analysis_count": Analysis.objects.count(),
        "latest_analyses": Analysis.objects.all()[:10],
        "flags": sorted(flag_posture().items()),
    }
    return render(request, "dashboard.html", context)
