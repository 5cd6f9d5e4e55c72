"""Benchmarks: ``make bench`` runs them and writes figures to build/bench.json."""
