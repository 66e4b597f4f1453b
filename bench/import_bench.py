"""Benchmark the subscriber import end to end on PostgreSQL, and a segment count.

    make bench-import            # 1,000,000 rows
    BENCH_ROWS=100000 make bench-import

Generates a CSV (5% duplicate emails, 1% invalid rows, two custom attributes),
imports it through `manage.py import_subscribers` in a child process (the real
path: upload, detection, parsing, COPY, upsert), and reports rows per second,
the child's CPU time per row and its peak RSS. The "city" field is indexed, as
a user would index a field they segment on, so the import pays for that index.
Then times a segment count over the imported subscribers (best of 5, warm).
"""

import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(path: Path, rows: int) -> None:
    rng = random.Random(42)
    cities = ["Paris", "Berlin", "Moscow", "Lisbon", "Oslo", "Kyiv", "Rome"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "age", "city"])
        for i in range(rows):
            roll = rng.random()
            if roll < 0.01:
                email = f"broken-{i}@@example"
            elif roll < 0.06 and i > 0:
                j = rng.randrange(i)  # an address already in the file
                email = f"person{j}@example{j % 50}.com"
            else:
                email = f"person{i}@example{i % 50}.com"
            writer.writerow([email, f"Person {i}", rng.randrange(18, 90), rng.choice(cities)])


def main() -> None:
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from postroom.accounts.models import User
    from postroom.accounts.services import workspace_create
    from postroom.audience.attribute_indexes import attribute_indexes_sync
    from postroom.audience.models import MailingList, Segment, Subscriber
    from postroom.audience.selectors import segment_count
    from postroom.audience.services.custom_fields import custom_field_save

    if connection.vendor != "postgresql":
        sys.exit(
            "bench-import measures the PostgreSQL path: set DATABASE_URL to a PostgreSQL database"
        )

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "people.csv"
        t0 = time.perf_counter()
        generate(csv_path, rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"generated {rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - t0:.1f} s")

        owner, _ = User.objects.get_or_create(email="bench@example.com")
        workspace = workspace_create(owner=owner, name=f"bench {time.time():.0f}")
        # The segment below asks for one city, an eighth of the file: an index on
        # the city picks those rows out. "Age 30 or more" is five in six
        # subscribers, which no index reads faster than the table, so age is not
        # indexed (an index costs every import a write per row).
        custom_field_save(workspace=workspace, name="age", label="Age", type="number")
        custom_field_save(workspace=workspace, name="city", label="City", type="text", indexed=True)
        attribute_indexes_sync()  # what the worker does after a field changes
        the_list = MailingList.objects.create(workspace=workspace, name="Bench")

        env = {**os.environ, "POSTROOM_VAR_DIR": tmp}
        command = [
            sys.executable,
            "manage.py",
            "import_subscribers",
            str(csv_path),
            "--workspace",
            str(workspace.pk),
            "--list",
            str(the_list.pk),
            "--quiet",
        ]
        t0 = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if result.returncode:
            sys.exit(result.stdout + result.stderr)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024
        cpu_us = (usage.ru_utime + usage.ru_stime) / rows * 1e6
        print(result.stdout.splitlines()[0])
        engine = float(result.stdout.split(" in ")[1].split(" s")[0])
        print(
            f"import: {rows / elapsed:,.0f} rows/s end to end ({elapsed:.1f} s with process start"
            f" and upload copy; {rows / engine:,.0f} rows/s in the engine),"
            f" {cpu_us:.1f} µs of the command's CPU per row (PostgreSQL's not counted),"
            f" peak RSS {peak_mb:.0f} MB"
        )

        count = Subscriber.objects.filter(workspace=workspace).count()
        segment = Segment.objects.create(
            workspace=workspace,
            name="bench",
            definition={
                "match": "all",
                "conditions": [
                    {"type": "attribute", "name": "age", "op": "gte", "value": 30},
                    {"type": "attribute", "name": "city", "op": "eq", "value": "Paris"},
                    {"type": "list", "list": the_list.pk, "op": "in"},
                ],
            },
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audience_subscriber; ANALYZE audience_subscription")
        timings = []
        for _ in range(6):
            t0 = time.perf_counter()
            matched = segment_count(segment=segment)
            timings.append(time.perf_counter() - t0)
        print(
            f"segment count over {count:,} subscribers: {matched:,} match, "
            f"best {min(timings[1:]) * 1000:.0f} ms warm (cold {timings[0] * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
