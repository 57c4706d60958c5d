"""Benchmarks: `make bench`. Filled in as capabilities land."""

print("no benchmarks yet")
