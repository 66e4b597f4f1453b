"""Benchmark the open pixel and the click redirect against a bare Django view, in one run.

    make bench-tracking                              # 20,000 deliveries, 10 s per endpoint, 2 rounds
    BENCH_SECONDS=5 BENCH_ROUNDS=1 make bench-tracking

1. Setup: a campaign run with BENCH_DELIVERIES sent deliveries and five tracked
   links; every delivery's pixel path and a click path per delivery and link,
   signed with this run's SECRET_KEY, shuffled into files wrk cycles through.
2. The production server: the Procfile's `web` line (granian), DEBUG off,
   Redis (REDIS_URL) as the hit buffer, behind a pretend HTTPS proxy
   (X-Forwarded-Proto), with the bench's URLs (bench/urls.py: the site plus
   /bench/bare/, a view that returns "ok" through the whole middleware stack).
3. wrk on loopback, per round: the bare view, the pixel, the click redirect.
   Prints requests/s, the ratio to the bare view, latency p50/p99.
4. After each tracking endpoint: a flush of the buffer (timed: events/s), then
   events written against requests answered (the server's access log) and
   completed (wrk): no hit may be lost. Asserts nothing.
"""

import datetime as dt
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URLS = [f"https://shop.example.com/{name}" for name in ("sale", "about", "new", "blog", "help")]
ACCESS = re.compile(r'"(?:GET|HEAD) (/\S*) HTTP/[\d.]+" (\d{3}) ')


def environment() -> None:
    """Production settings for this process and the server it starts."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("NUM_PROXIES", "1")  # the pretend HTTPS proxy's X-Forwarded-Proto
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")
    os.environ.setdefault("HUEY_NAME", "postroom-bench-tracking")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sent_run(deliveries: int):
    """A launched run whose deliveries were all sent an hour ago, and its link ids."""
    from django.utils import timezone

    from bench.send_bench import campaign_for
    from postroom.delivery.models import Delivery, DeliveryStatus
    from postroom.delivery.sending.launch import run_launch
    from postroom.tracking.links import links_register

    run = campaign_for(deliveries, f"t{time.time():.0f}.", None, 1)
    run_launch(run.pk)
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Delivery.objects.filter(run=run).update(status=DeliveryStatus.SENT, sent_at=an_hour_ago)
    links = links_register(run.campaign, URLS)
    ids = list(Delivery.objects.filter(run=run).values_list("pk", flat=True))
    return run, ids, list(links.values())


def path_files(folder: Path, delivery_ids: list[int], link_ids: list[int]) -> dict[str, Path]:
    from django.urls import reverse

    from postroom.tracking.tokens import CLICK, OPEN, token_make

    rng = random.Random(6)
    open_url = reverse("tracking_open", args=["TOKEN"]).split("TOKEN")
    click_url = reverse("tracking_click", args=["TOKEN"]).split("TOKEN")
    opens = [token_make(OPEN, d).join(open_url) for d in delivery_ids]
    clicks = [token_make(CLICK, d, link).join(click_url) for d in delivery_ids for link in link_ids]
    rng.shuffle(opens)
    rng.shuffle(clicks)
    files = {"bare": ["/bench/bare/"], "pixel": opens, "click": clicks}
    for name, paths in files.items():
        (folder / f"{name}.txt").write_text("\n".join(paths) + "\n")
    return {name: folder / f"{name}.txt" for name in files}


class Server:
    """The Procfile's web process, its access log in a file."""

    def __init__(self, folder: Path) -> None:
        line = next(
            entry.split(":", 1)[1].strip()
            for entry in (ROOT / "Procfile").read_text().splitlines()
            if entry.startswith("web:")
        )
        self.command = line
        self.port = free_port()
        self.log = folder / "access.log"
        self.lines_read = 0
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {line}"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=(folder / "server.log").open("w"),
            start_new_session=True,
        )
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    sys.exit(
                        "the web server did not start:\n" + (folder / "server.log").read_text()
                    )
                time.sleep(0.1)
        sys.exit("the web server did not start")

    def answered(self) -> dict[tuple[str, str], int]:
        """Requests answered since the last call, by (endpoint, status)."""
        with self.log.open() as log:
            lines = log.readlines()
        counts: dict[tuple[str, str], int] = {}
        for line in lines[self.lines_read :]:
            match = ACCESS.search(line)
            if match:
                key = (endpoint_of(match.group(1)), match.group(2))
                counts[key] = counts.get(key, 0) + 1
        self.lines_read = len(lines)
        return counts

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)  # a clean shutdown: workers finish their requests
        self.process.wait(timeout=60)


def endpoint_of(path: str) -> str:
    if path.startswith("/t/o/"):
        return "pixel"
    if path.startswith("/t/c/"):
        return "click"
    return "bare" if path == "/bench/bare/" else path


@dataclass
class Result:
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(port: int, paths: Path, seconds: int) -> Result:
    threads = os.environ.get("BENCH_WRK_THREADS", "1")
    connections = os.environ.get("BENCH_CONNECTIONS", "32")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "-s",
        str(ROOT / "bench" / "tracking.lua"),
        f"http://127.0.0.1:{port}",
    ]
    output = subprocess.run(
        command, env={**os.environ, "BENCH_PATHS": str(paths)}, capture_output=True, text=True
    )
    line = next((x for x in output.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if output.returncode or line is None:
        sys.exit(f"wrk failed:\n{output.stdout}\n{output.stderr}")
    data = json.loads(line.split(" ", 1)[1])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Result(
        requests=data["requests"],
        rate=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
    )


def events_of(campaign_id: int) -> dict[str, int]:
    from django.db.models import Count

    from postroom.tracking.models import Event

    rows = Event.objects.filter(campaign_id=campaign_id).values_list("kind").annotate(n=Count("pk"))
    return dict(rows)


def flushed() -> tuple[int, float]:
    from postroom.tracking.buffer import hits_flush

    t0 = time.perf_counter()
    written = 0
    while True:  # a flush takes what waits when it starts; late pushes wait for the next
        done = hits_flush()
        written += done
        if not done:
            return written, time.perf_counter() - t0


EXPECTED = {"bare": "200", "pixel": "200", "click": "302"}
KIND = {"pixel": "open", "click": "click"}


def measure(
    server: Server, name: str, paths: Path, seconds: int, campaign_id: int
) -> tuple[Result, str]:
    """One endpoint: a warm-up, the measured run, then the hits accounted for."""
    wrk(server.port, paths, 2)
    time.sleep(0.5)
    flushed()
    server.answered()
    before = events_of(campaign_id)
    result = wrk(server.port, paths, seconds)
    time.sleep(0.5)  # requests in flight when wrk stopped are answered
    answered = server.answered()
    ok = answered.pop((name, EXPECTED[name]), 0)
    notes = [f"{n:,} {endpoint} answered {status}" for (endpoint, status), n in answered.items()]
    if result.errors:
        notes.append(f"wrk counted {result.errors:,} errors")
    if name in KIND:
        written, took = flushed()
        events = events_of(campaign_id).get(KIND[name], 0) - before.get(KIND[name], 0)
        verdict = "none lost" if events == ok else f"{ok - events:+,} LOST"
        notes.append(
            f"wrk completed {result.requests:,}, server answered {ok:,}"
            f" ({ok - result.requests:,} in flight when wrk stopped), events written {events:,}:"
            f" {verdict}; flush of {written:,} hits in {took:.2f} s"
            f" ({written / took if took else 0:,.0f} events/s)"
        )
    return result, "; ".join(notes)


def main() -> None:
    environment()
    deliveries = int(os.environ.get("BENCH_DELIVERIES", "20000"))
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "2"))
    django.setup()
    from django.db import connection
    from huey.contrib.djhuey import HUEY

    if connection.vendor != "postgresql":
        sys.exit("bench-tracking measures the PostgreSQL path: set DATABASE_URL to PostgreSQL")
    flushed()  # leftovers of an interrupted run

    folder = Path(tempfile.mkdtemp(prefix="postroom-bench-tracking-"))
    t0 = time.perf_counter()
    run, delivery_ids, link_ids = sent_run(deliveries)
    files = path_files(folder, delivery_ids, link_ids)
    print(
        f"setup: {len(delivery_ids):,} sent deliveries, {len(link_ids)} links,"
        f" {deliveries * len(link_ids):,} click paths in {time.perf_counter() - t0:.1f} s"
    )
    server = Server(folder)
    print(f"server: {server.command}")
    print(
        f"  DEBUG=false, REDIS_URL={os.environ['REDIS_URL']}; wrk -t{os.environ.get('BENCH_WRK_THREADS', '1')}"
        f" -c{os.environ.get('BENCH_CONNECTIONS', '32')} -d{seconds}s per endpoint on loopback"
    )
    best: dict[str, Result] = {}
    try:
        # Each worker's first requests load code, translations and connections: not measured.
        for name in ("bare", "pixel", "click"):
            wrk(server.port, files[name], 3)
        server.answered()
        flushed()
        for number in range(1, rounds + 1):
            print(f"round {number}:")
            bare = None
            for name in ("bare", "pixel", "click"):
                result, notes = measure(server, name, files[name], seconds, run.campaign_id)
                bare = bare or result
                ratio = (
                    f" ({result.rate / bare.rate:.2f} of bare)"
                    if name != "bare" and bare.rate
                    else ""
                )
                print(
                    f"  {name:<6} {result.rate:>8,.0f} req/s{ratio}, p50 {result.p50_ms:.1f} ms,"
                    f" p99 {result.p99_ms:.1f} ms"
                )
                if notes:
                    print(f"         {notes}")
                if name not in best or result.rate > best[name].rate:
                    best[name] = result
    finally:
        server.stop()
        HUEY.flush()  # the flush jobs the hits asked for: this process did their work
    written, _took = flushed()
    if written:
        print(f"after shutdown: {written:,} more hits written")
    print(f"best of {rounds}:")
    for name in ("bare", "pixel", "click"):
        ratio = f" ({best[name].rate / best['bare'].rate:.2f} of bare)" if name != "bare" else ""
        print(f"  {name:<6} {best[name].rate:>8,.0f} req/s{ratio}")
    print(f"paths and the access log: {folder}")


if __name__ == "__main__":
    main()
