"""Deterministic synthetic demo data (合成演示数据), imported through the normal importers."""
