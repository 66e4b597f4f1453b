"""Every provider answer class from a table: status x body x Retry-After -> result kind and delay."""

import datetime as dt

import pytest

from postroom.delivery.transports.base import ResultKind
from postroom.push.providers.classify import http_classify, retry_after_seconds

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
K = ResultKind


@pytest.mark.parametrize(
    ("status", "body", "retry_after", "kind", "delay"),
    [
        (200, '{"name": "m/1"}', None, K.DELIVERED, None),
        (201, "", None, K.DELIVERED, None),
        (404, "", None, K.RECIPIENT_GONE, None),
        (410, '{"reason":"Unregistered"}', None, K.RECIPIENT_GONE, None),
        (400, '{"reason":"BadDeviceToken"}', None, K.RECIPIENT_GONE, None),
        (404, '{"errorCode": "UNREGISTERED"}', None, K.RECIPIENT_GONE, None),
        (400, '{"status": "INVALID_ARGUMENT"}', None, K.PERMANENT, None),
        (413, "payload too large", None, K.PERMANENT, None),
        (429, "", "30", K.TEMPORARY, 30.0),
        (429, "", None, K.TEMPORARY, None),
        (503, "", "12", K.TEMPORARY, 12.0),
        (503, "", None, K.RELAY_DOWN, None),
        (500, "", None, K.RELAY_DOWN, None),
        (500, "", "60", K.TEMPORARY, 60.0),
        (401, "", None, K.RELAY_DOWN, None),
        (403, '{"reason":"InvalidProviderToken"}', None, K.RELAY_DOWN, None),
        (429, "", "Thu, 03 Dec 2026 12:02:00 GMT", K.TEMPORARY, 120.0),
        (429, "", "soon", K.TEMPORARY, None),
    ],
)
def test_each_answer_has_one_class(status, body, retry_after, kind, delay):
    result = http_classify(status, body, retry_after=retry_after, now=NOW)

    assert (result.kind, result.retry_after, result.code) == (kind, delay, status)
    assert result.response == f"{status} {body}".strip()


def test_a_long_body_is_cut_for_the_attempt_log():
    assert len(http_classify(400, "x" * 5000, now=NOW).response) == 500


def test_a_retry_after_date_in_the_past_is_now():
    assert retry_after_seconds("Thu, 03 Dec 2026 11:00:00 GMT", now=NOW) == 0.0


def test_an_absurd_retry_after_waits_a_day_at_most():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert retry_after_seconds("99999999999", now=now) == 86_400.0
    assert retry_after_seconds("Fri, 31 Dec 9999 23:59:59 GMT", now=now) == 86_400.0


def test_a_nul_in_a_providers_answer_is_not_kept():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    result = http_classify(status=400, body="bad\x00token", retry_after=None, now=now)
    assert "\x00" not in result.response
