"""The Parquet lake: one row per reading, partitioned by month and region, named by log range."""
