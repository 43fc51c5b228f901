"""Data-quality gates: quarantine counts, Great Expectations suites, official-account leakage,
gaps and akim changes (issue #5). No Dagster imports: `orchestration/checks.py` calls these."""
