"""Accounting over the lake: one SQL text (``accounting``) run by DuckDB or Spark."""
