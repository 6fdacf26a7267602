"""Dashboard pages of the analysis app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from analysis.selectors import analysed_tickers


def analysis_page(request: HttpRequest) -> HttpResponse:
    return render(request, "analysis/index.html", {"tickers": analysed_tickers()})
