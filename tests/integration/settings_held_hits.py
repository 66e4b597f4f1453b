"""The production settings, but tracking hits stay in the web process until it exits."""

from config.settings import *  # noqa: F403

TRACKING_FLUSH_SECONDS = 3600.0
TRACKING_FLUSH_SIZE = 100_000
TRACKING_PUSH_SECONDS = 3600.0
TRACKING_PUSH_SIZE = 100_000
