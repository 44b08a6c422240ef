"""Benchmark at scale and fault drills (issue 8): `python -m bench.run`, `python -m bench.drill_*`."""
