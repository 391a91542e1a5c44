"""Benchmarks, run as modules (`python -m bench.ingest`); not tests."""
