"""The test suite. tests.support holds the rigs it shares with the benchmarks in scripts/."""
