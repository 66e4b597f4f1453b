"""Writes that users make to the outbox's configuration."""
