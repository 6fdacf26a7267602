"""What every app may use and that imports no app: the flag resolver, the error types, the
database helpers. The bottom of the layer order (`tests/import_graph.py`)."""
