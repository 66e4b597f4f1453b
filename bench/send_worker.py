"""One sending process of `make bench-send`: the real engine (run_send) until the run is done."""

import cProfile
import json
import os
import resource
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from postroom.delivery.sending.engine import run_send

    run_id = int(sys.argv[1])
    profile_dir = os.environ.get(
        "BENCH_PROFILE_DIR"
    )  # a cProfile dump per sender, to read with pstats
    profiler = cProfile.Profile() if profile_dir else None
    if profiler:
        profiler.enable()
    sent = 0
    while True:
        report = run_send(run_id, seconds=3600)
        sent += report.sent
        if not report.attempts and not report.more:
            break
    if profiler and profile_dir:
        profiler.disable()
        profiler.dump_stats(Path(profile_dir) / f"sender-{os.getpid()}.prof")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {"sent": sent, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}
        )
    )


if __name__ == "__main__":
    main()
