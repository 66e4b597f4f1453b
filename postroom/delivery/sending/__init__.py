"""Sending a run: launch, claims, the engine, what it prepares, and what follows from results."""
