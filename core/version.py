"""The project's version: what `/health` and the API root report, and what the data sources see
in the User-Agent of each request."""

from __future__ import annotations

VERSION = "0.1.0"
