"""Shared watchlists of tickers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Watchlist(models.Model):
    name = models.CharField(max_length=50, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "watchlists"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WatchlistTicker(models.Model):
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="tickers")
    ticker = models.CharField(max_length=16)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "watchlist_tickers"
        ordering = ["ticker"]
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "ticker"], name="watchlist_tickers_watchlist_ticker_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticker} in {self.watchlist_id}"
