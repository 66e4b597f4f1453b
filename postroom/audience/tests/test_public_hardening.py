"""The public subscribe form: its confirmation mail is queued, its rate limit per real visitor."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from postroom.audience.models import Subscription
from postroom.audience.tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inside_one_hour():
    """Rate limits count per clock hour: keep each test inside one, whenever it runs."""
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=True):
        yield


def _subscribe(client, the_list, email="ann@example.com", **extra):
    return client.post(
        reverse("public_list", args=[the_list.public_id]),
        {"email": email, "full_name": "Ann"},
        **extra,
    )


@pytest.fixture
def queue():
    """The real job queue, not run inline: what a request enqueues waits for a worker."""
    HUEY.immediate = False
    HUEY.flush()
    yield HUEY
    HUEY.immediate = False
    HUEY.flush()
    HUEY.immediate = True


def _work(queue):
    """Run the next job as a worker would (inline, so it keeps the test's database connection)."""
    task = queue.dequeue()
    queue.immediate = True
    queue.execute(task)


def test_it_queues_the_double_opt_in_mail_instead_of_sending_it_in_the_request(
    client, owner, queue, django_capture_on_commit_callbacks
):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="double")

    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, the_list)

    # the request answered without talking to a mail server
    assert b'id="check-mail"' in response.content
    assert mail.outbox == []
    # a worker sends it
    pending = queue.pending()
    assert len(pending) == 1
    _work(queue)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ann@example.com"]
    link = re.search(r"http://testserver(/l/confirm/\S+/)", mail.outbox[0].body).group(1)
    client.post(link)
    assert Subscription.objects.get().status == "subscribed"


def test_the_queued_mail_is_not_sent_once_the_subscription_is_confirmed(
    client, owner, queue, django_capture_on_commit_callbacks
):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="double")
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, the_list)
    Subscription.objects.update(status="subscribed")

    _work(queue)

    assert mail.outbox == []


def test_visitors_behind_the_proxy_have_buckets_of_their_own(
    client, owner, settings, django_capture_on_commit_callbacks
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="single")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    codes = [
        _subscribe(
            client,
            the_list,
            email=f"v{i}@example.com",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
            **proxy,
        ).status_code
        for i in range(30)
    ]

    assert 429 not in codes
    assert Subscription.objects.filter(confirmation_ip="203.0.113.7").count() == 1


def test_one_visitor_behind_the_proxy_is_still_limited(client, owner, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="single")

    codes = [
        _subscribe(
            client,
            the_list,
            email=f"v{i}@example.com",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        ).status_code
        for i in range(25)
    ]

    assert codes[-1] == 429


def test_without_proxies_a_forged_forwarded_for_changes_nothing(client, owner):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="single")

    codes = [
        _subscribe(
            client, the_list, email=f"v{i}@example.com", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(25)
    ]

    assert codes[-1] == 429
    assert set(Subscription.objects.values_list("confirmation_ip", flat=True)) == {"127.0.0.1"}
