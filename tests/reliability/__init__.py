"""Support for the reliability suites (tests/test_reliability_*.py): trial counts by size, a
long-lived `cedar` worker process with a per-call deadline, file mutations, figures."""
