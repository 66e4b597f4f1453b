"""A/B then winner: the test group goes out, the wait ends, the winner goes to the rest."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from postroom.campaigns.models import RunStatus
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import relay_for
from postroom.experiments.models import Fallback, Phase, Round, Wave
from postroom.experiments.services import rounds_step_due
from postroom.experiments.tests.factories import experiment_campaign, run_of
from postroom.tracking.hits import hit_make
from postroom.tracking.ingest import hits_ingest

pytestmark = pytest.mark.django_db

# A corporate link scanner following every link, and Apple Mail Privacy Protection.
SCANNER = {"HTTP_USER_AGENT": "Mimecast URL scanner", "REMOTE_ADDR": "203.0.113.9"}
APPLE_PRIVACY = {"HTTP_USER_AGENT": "Mozilla/5.0", "REMOTE_ADDR": "17.58.1.1"}


def hits(kind, deliveries, meta=None):
    hits_ingest([hit_make(kind, d.pk, meta=meta) for d in deliveries])


def subjects(smtp_server):
    return {r.recipient: str(r.message["Subject"]) for r in smtp_server.received}


def test_the_winner_goes_to_the_rest_after_the_wait(owner, smtp_server):
    # given a test group of half the audience, sent
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 200, test_percent=50, wait_hours=2)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    sent = Delivery.objects.filter(run=run, status=DeliveryStatus.SENT)
    assert set(sent.values_list("variant", flat=True)) == {1, 2}
    got = subjects(smtp_server)
    for delivery in sent:
        assert got[delivery.email] == ("Subject A" if delivery.variant == 1 else "Subject B")
    run.refresh_from_db()
    assert run.status == RunStatus.SENDING  # the rest waits
    # and, half an hour later, B's recipients click; A's mails only meet machines, which never count
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30)):
        hits("click", sent.filter(variant=2)[:30])
        hits("click", sent.filter(variant=1)[:30], meta=SCANNER)
        hits("open", sent.filter(variant=1), meta=APPLE_PRIVACY)

    # when the wait is not over yet, nothing moves
    assert rounds_step_due() == 0
    # when it is
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2, minutes=1)):
        released = rounds_step_due()
        run_send(run.pk)

    # then
    waiting_before = 200 - sent.count()
    assert released == waiting_before
    round_ = Round.objects.get(run=run)
    assert (round_.phase, round_.winner, round_.reason) == (Phase.DECIDED, 2, "confident")
    assert round_.probability is not None and round_.probability > 0.95
    rest = Delivery.objects.filter(run=run).exclude(pk__in=[d.pk for d in sent])
    assert set(rest.values_list("variant", "status").distinct()) == {(2, DeliveryStatus.SENT)}
    assert list(Wave.objects.filter(round=round_).values_list("kind", flat=True)) == [
        "test",
        "winner",
    ]
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED
    assert len(smtp_server.received) == 200  # nobody got two


def test_without_a_clear_winner_the_first_variant_is_sent(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 60, test_percent=50, wait_hours=1)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    sent = Delivery.objects.filter(run=run, status=DeliveryStatus.SENT)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30)):
        hits("click", [*sent.filter(variant=1)[:2], *sent.filter(variant=2)[:2]])

    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
        rounds_step_due()

    round_ = Round.objects.get(run=run)
    assert (round_.winner, round_.reason) == (1, "fallback_first")  # as good as each other
    tested = list(sent.values_list("pk", flat=True))
    run_send(run.pk)
    assert not Delivery.objects.filter(run=run, status=DeliveryStatus.WAITING).exists()
    rest = Delivery.objects.filter(run=run).exclude(pk__in=tested)
    assert set(rest.values_list("variant", flat=True)) == {1}


def test_the_fallback_may_wait_once_more(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(
        owner.workspace, 60, test_percent=50, wait_hours=1, fallback=Fallback.EXTEND
    )
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    start = timezone.now()

    with time_machine.travel(start + dt.timedelta(hours=1, minutes=1)):
        assert rounds_step_due() == 0  # waits once more: nothing released
    round_ = Round.objects.get(run=run)
    assert (round_.phase, round_.extended, round_.reason) == (Phase.TESTING, True, "no_data")
    with time_machine.travel(start + dt.timedelta(hours=2, minutes=2)):
        assert rounds_step_due() > 0
    round_.refresh_from_db()
    assert (round_.winner, round_.reason) == (1, "no_data")


def test_a_test_of_everyone_still_names_a_winner(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 40, test_percent=100, wait_hours=1)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30)):
        hits("click", Delivery.objects.filter(run=run, variant=1))

    rounds_step_due(now=timezone.now() + dt.timedelta(hours=1, minutes=1))

    round_ = Round.objects.get(run=run)
    assert (round_.phase, round_.winner, round_.reason) == (Phase.DECIDED, 1, "confident")
