"""Benchmarks: scripts run by hand (`.venv/bin/python bench/<name>.py`), not tests. A package so
that bench/documents.py is `bench.documents` to mypy, not a second `documents` module."""
