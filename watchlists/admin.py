from __future__ import annotations

from django.contrib import admin

from watchlists.models import Watchlist, WatchlistTicker


class WatchlistTickerInline(admin.TabularInline):
    model = WatchlistTicker
    extra = 1


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):
    list_display = ("name", "updated_at")
    inlines = [WatchlistTickerInline]
