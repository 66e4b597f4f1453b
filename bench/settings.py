"""Settings of `make bench-tracking`: production settings plus the bench's own URLs."""

from config.settings import *  # noqa: F403

# The real site plus a bare view to compare against; never deployed.
ROOT_URLCONF = "bench.urls"
