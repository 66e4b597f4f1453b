"""Returned mail is read into reports and matched to its delivery by a signed token."""

import pytest

from postroom.delivery.bounces.dsn import reports_parse
from postroom.delivery.tests.bounces.dsnmail import dsn_mail


def test_it_reads_an_rfc3464_report():
    [report] = reports_parse(dsn_mail("rfc3464", delivery_id=1234))

    assert report.kind == "hard"
    assert report.email == "nobody@gmail.com"
    assert report.status == "5.1.1"
    assert report.diagnostic.startswith("550-5.1.1 The email account that you tried to reach")
    assert report.delivery_id == 1234
    assert report.event_id.startswith("mail:")


def test_it_reads_a_postfix_bounce():
    [report] = reports_parse(dsn_mail("postfix", delivery_id=77))

    assert (report.kind, report.email, report.status) == ("hard", "jdoe@example.net", "5.1.1")
    assert report.diagnostic == (
        "550 5.1.1 <jdoe@example.net>: Recipient address rejected: "
        "User unknown in virtual mailbox table"
    )
    assert report.delivery_id == 77


def test_it_reads_a_classic_exim_bounce_through_flufl_bounce():
    [report] = reports_parse(dsn_mail("exim", delivery_id=5))

    assert (report.kind, report.email, report.status) == ("hard", "pat@example.org", "5.1.1")
    assert "Recipient address rejected: User unknown" in report.diagnostic
    assert report.delivery_id == 5


def test_a_delayed_report_is_a_soft_bounce():
    [report] = reports_parse(dsn_mail("postfix_delayed", delivery_id=9))

    assert (report.kind, report.email, report.status) == ("soft", "sam@slow.example.org", "4.4.1")
    assert "Connection timed out" in report.diagnostic
    assert report.delivery_id == 9


def test_an_arf_report_is_a_complaint_matched_by_message_id():
    # The provider's report goes to the feedback address, not the Return-Path:
    # only the returned headers' Message-ID tells which delivery it was.
    [report] = reports_parse(dsn_mail("arf_complaint", delivery_id=4321))

    assert (report.kind, report.email) == ("complaint", "lee@yahoo.example")
    assert report.delivery_id == 4321


def test_a_mailto_unsubscribe_names_subscriber_and_list():
    [report] = reports_parse(dsn_mail("mailto_unsubscribe", subscriber_id=12, list_id=3))

    assert report.kind == "unsubscribe"
    assert (report.subscriber_id, report.list_id) == (12, 3)
    assert report.email == "person1@example.com"
    assert report.matched


def test_a_forged_token_matches_nothing():
    [report] = reports_parse(dsn_mail("forged"))

    assert report.kind == "hard" and report.email == "ceo@example.com"
    assert report.delivery_id is None and not report.matched


def test_a_forged_unsubscribe_token_is_no_request():
    raw = dsn_mail("mailto_unsubscribe").replace(b"unsubscribe-", b"unsubscribe-x", 1)

    assert reports_parse(raw) == []


def test_a_token_made_with_another_secret_is_refused(settings):
    raw = dsn_mail("postfix", delivery_id=77)
    settings.SECRET_KEY = "another-installation"

    [report] = reports_parse(raw)

    assert report.delivery_id is None


def test_the_event_id_is_stable_and_differs_per_message():
    first = reports_parse(dsn_mail("postfix", delivery_id=77))
    again = reports_parse(dsn_mail("postfix", delivery_id=77))
    other = reports_parse(dsn_mail("exim", delivery_id=77))

    assert first[0].event_id == again[0].event_id != other[0].event_id


def test_without_a_message_id_the_event_id_is_a_hash_of_the_bytes():
    raw = dsn_mail("exim", delivery_id=5).replace(b"Message-Id: <E1rkRxz", b"X-Old-Id: <E1rkRxz")

    [report] = reports_parse(raw)

    assert report.event_id == reports_parse(raw)[0].event_id
    assert report.event_id != reports_parse(dsn_mail("exim", delivery_id=5))[0].event_id


@pytest.mark.parametrize(
    "raw",
    [
        b"From: friend@example.org\r\nSubject: lunch?\r\n\r\nAre you free on Friday?\r\n",
        b"",
        b"\x00\xff\xfe garbage \r\n\r\n\r\n--",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\n",
    ],
    ids=["a-letter", "empty", "garbage", "truncated"],
)
def test_mail_that_is_no_bounce_reports_nothing(raw):
    assert reports_parse(raw) == []
