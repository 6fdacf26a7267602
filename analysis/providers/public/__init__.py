"""The `public` provider's pieces: parsers of free sources' response bodies (pure, no network)."""
