"""One sending process of `make bench-send`: the real engine (run_send) until the run is done."""

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
    from postroom.delivery.engine import run_send

    run_id = int(sys.argv[1])
    sent = 0
    while True:
        report = run_send(run_id, seconds=3600)
        sent += report.sent
        if not report.attempts and not report.more:
            break
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {"sent": sent, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}
        )
    )


if __name__ == "__main__":
    main()
