"""The durable log behind a small interface (``base.Log``); JetStream is the one implementation."""
