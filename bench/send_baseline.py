"""The baseline of `make bench-send`: pre-rendered messages over one persistent smtplib connection.

    python bench/send_baseline.py PORT FIRST COUNT

Renders its messages first (personalized by string replacement, not timed),
prints "ready", waits for a line on stdin, then pushes them all and prints
its CPU time for the push.
"""

import json
import resource
import smtplib
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from bench.message import HTML, personalize


def main() -> None:
    port, first, count = (int(v) for v in sys.argv[1:4])
    template = (
        "From: News <news@example.com>\r\nTo: {email}\r\nSubject: Hello {name}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + HTML + "\r\n"
    )
    messages = [
        (f"person{i}@example.com", personalize(template, i).encode())
        for i in range(first, first + count)
    ]
    print("ready", flush=True)
    sys.stdin.readline()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port)
    for email, data in messages:
        smtp.sendmail("news@example.com", [email], data)
    smtp.quit()
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(json.dumps({"sent": count, "cpu": cpu, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
