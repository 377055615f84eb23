"""Benchmarks (performance and scale): ``python -m bench.run --help``; see docs/benchmarks.md."""
