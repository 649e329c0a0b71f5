"""Application services: read from storage, call the pure domain, hand results to the CLI and web."""
