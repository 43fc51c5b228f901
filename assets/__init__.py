"""Python code behind the warehouse's assets: sources, classification, publishing.

Nothing in this package imports Dagster; `orchestration/` wraps it.
"""

__version__ = "0.1.0"
