"""Audit debt collection: recovery and conduct metrics from contact logs, in DuckDB."""

__version__ = "0.1.0"
