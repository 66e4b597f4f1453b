"""The baseline of `make bench-push`: the engine's own requests, pre-built, sent with the same clients.

    python bench/push_baseline.py RUN_ID FIRST COUNT

For deliveries FIRST .. FIRST+COUNT of the run (in id order), builds what the
engine sends (the notification the run renders for each device, with its
tracking URLs, then each provider transport's request: Web Push encrypted and
signed, FCM and APNs with their tokens), not timed; prints "ready", waits for
a line on stdin, then posts them in order on the providers' pooled HTTP clients
(`postroom.push.providers.base.http_client`) and prints its CPU time, peak
memory and how many the providers took.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    run_id, first, count = (int(v) for v in sys.argv[1:4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.utils import timezone

    from postroom.campaigns.models import CampaignRun
    from postroom.delivery.models import Delivery
    from postroom.delivery.sending.claims import Claimed
    from postroom.delivery.sending.prepare import recipients_load
    from postroom.delivery.transports.base import (
        DeviceAddress,
        Outgoing,
        TransportContext,
        transport_open,
    )
    from postroom.push.providers.base import HttpPushTransport, http_client, push_relay
    from postroom.push.sending.checks import Target, devices_load
    from postroom.push.sending.notify import PushRun

    run = CampaignRun.objects.select_related("campaign").get(pk=run_id)
    prepared = PushRun(run)
    rows = [
        (pk, subscriber_id, device_id or 0, variant)
        for pk, subscriber_id, device_id, variant in Delivery.objects.filter(run=run)
        .order_by("pk")
        .values_list("pk", "subscriber_id", "device_id", "variant")[first : first + count]
    ]
    recipients = recipients_load(prepared, [subscriber for _, subscriber, _, _ in rows])
    devices = devices_load(
        workspace_id=prepared.workspace_id, device_ids=[d for _, _, d, _ in rows]
    )
    transports: dict[str, HttpPushTransport] = {}
    requests = []
    now = timezone.now()
    for pk, subscriber_id, device_id, variant in rows:
        device = devices[device_id]
        claimed = Claimed(pk, subscriber_id, "", 0, now, variant=variant, device_id=device_id)
        recipient = recipients[subscriber_id]
        note = prepared.notification(Target(claimed, device, recipient, device.time_zone))
        if device.kind not in transports:
            relay = push_relay(device.kind, prepared.workspace_id)
            transport = transport_open(relay, TransportContext(prepared.workspace_id, 10))
            assert isinstance(transport, HttpPushTransport)
            transports[device.kind] = transport
        transport = transports[device.kind]
        assert transport.config is not None
        address = DeviceAddress(device.token, device.p256dh, device.auth, device.app_id)
        message = Outgoing(pk, "", device.token, note.encode(), device=address)
        request = transport.build(transport.config, message)
        client = http_client(transport.kind, http2_only=transport.http2_only)
        requests.append((client, request))
    print("ready", flush=True)
    sys.stdin.readline()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    taken = 0
    for client, request in requests:
        response = client.post(request.url, headers=request.headers, content=request.content)
        taken += response.status_code < 300
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(
        json.dumps(
            {
                "sent": taken,
                "cpu": cpu,
                "seconds": time.perf_counter() - started,
                "rss_mb": after.ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
