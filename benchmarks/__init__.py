"""Benchmarks: wall time and peak memory of Cedar's commands, run by `make bench`."""
