"""The public sources' cache: our own tables, apart from the legacy `price_history`."""

from __future__ import annotations

from django.db import models


class CachedResponse(models.Model):
    """One fetched response body per (source, key), with when it was fetched and until when it holds.

    `expires_at` null means kept for good (e.g. a chart body covering only closed sessions).
    """

    source = models.CharField(max_length=16)
    key = models.CharField(max_length=512)
    ticker = models.CharField(max_length=16, blank=True, default="", db_index=True)
    size_bytes = models.PositiveIntegerField()
    fetched_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    # `content` holds the body zlib-compressed (large bodies: `cache.Packed`); `size_bytes` is the body's.
    compressed = models.BooleanField(default=False)
    # Last, so SQLite reads the columns above without walking a large body's overflow pages
    # (migration 0002).
    content = models.BinaryField()

    class Meta:
        db_table = "datasources_cached_response"
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="datasources_body_source_key")]
        verbose_name = "cached response"

    def __str__(self) -> str:
        return f"{self.source}:{self.key}"


class CachedRow(models.Model):
    """One item kept by its publication time (a news story, an 8-K), so a later fetch adds to
    what earlier ones saw and a past `as_of` reads what was held for it."""

    source = models.CharField(max_length=16)
    ticker = models.CharField(max_length=16, db_index=True)
    uid = models.CharField(max_length=256)
    published_at = models.DateTimeField()
    fetched_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        db_table = "datasources_cached_row"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "ticker", "uid"], name="datasources_row_source_ticker_uid"
            )
        ]
        indexes = [
            models.Index(fields=["source", "ticker", "published_at"], name="datasources_row_published")
        ]
        verbose_name = "cached item"

    def __str__(self) -> str:
        return f"{self.source}:{self.ticker}:{self.uid}"
