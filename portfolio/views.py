"""Dashboard pages of the portfolio app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portfolio.models import PortfolioHolding


def portfolio_page(request: HttpRequest) -> HttpResponse:
    return render(request, "portfolio/index.html", {"holding_count": PortfolioHolding.objects.count()})
