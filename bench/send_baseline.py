"""The baseline of `make bench-send`: the engine's own messages, pre-built, over plain smtplib.

    python bench/send_baseline.py PORT RUN_ID FIRST COUNT

Builds the messages the engine sends for deliveries FIRST .. FIRST+COUNT of
the run (the same bytes: headers, HTML and text parts, tracking; not timed),
prints "ready", waits for a line on stdin, then pushes them all over one
persistent smtplib connection and prints its CPU time for the push.
"""

import json
import os
import resource
import smtplib
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    port, run_id, first, count = (int(v) for v in sys.argv[1:5])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from postroom.campaigns.models import CampaignRun
    from postroom.delivery.models import Delivery
    from postroom.delivery.sending.prepare import prepare_run, recipients_load

    smtp = smtplib.SMTP("127.0.0.1", port)
    smtp.ehlo()
    eight_bit = smtp.has_extn("8bitmime")
    run = CampaignRun.objects.select_related("campaign__message__layout").get(pk=run_id)
    prepared = prepare_run(run)
    rows = list(
        Delivery.objects.filter(run=run)
        .order_by("pk")
        .values_list("pk", "subscriber_id")[first : first + count]
    )
    recipients = recipients_load(prepared, [subscriber for _, subscriber in rows])
    messages = []
    for pk, subscriber in rows:
        data = recipients[subscriber]
        built = prepared.build(pk, data, eight_bit=eight_bit)
        messages.append((built.sender, data.email, built.data))
    print("ready", flush=True)
    sys.stdin.readline()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for sender, email, message in messages:  # BODY=8BITMIME where the engine gives it too
        smtp.sendmail(sender, [email], message, [] if message.isascii() else ["BODY=8BITMIME"])
    smtp.quit()
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(json.dumps({"sent": count, "cpu": cpu, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
