"""Dashboard pages of the watchlists app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from watchlists.models import Watchlist


def watchlists_page(request: HttpRequest) -> HttpResponse:
    return render(request, "watchlists/index.html", {"watchlists": Watchlist.objects.all()})
