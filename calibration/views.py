"""Dashboard pages of the calibration app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def history_page(request: HttpRequest) -> HttpResponse:
    return render(request, "calibration/history.html")
