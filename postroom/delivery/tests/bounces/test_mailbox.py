"""The bounce mailbox poller, end to end against real POP3 and IMAP peers."""

import io

import pytest
from django.core.management import CommandError, call_command

from postroom.audience.models import Subscription, Suppression
from postroom.delivery.bounces import dsn
from postroom.delivery.bounces.mailbox import mailbox_poll
from postroom.delivery.crypto import secret_encrypt
from postroom.delivery.models import BounceEvent, Delivery, DeliveryStatus, SmtpRelay
from postroom.delivery.tasks import mailboxes_tick
from postroom.delivery.tests.bounces.dsnmail import dsn_mail
from postroom.delivery.tests.factories import SmtpRelayFactory, launched_run
from postroom.delivery.tests.mailservers import ImapServer, MailServer, Pop3Server

pytestmark = pytest.mark.django_db

LETTER = b"From: friend@example.org\r\nSubject: lunch?\r\n\r\nAre you free on Friday?\r\n"
BROKEN = b"Content-Type: multipart/report; boundary=x\r\n\r\n--x\r\nContent-Type: message/deliv"


@pytest.fixture(autouse=True)
def _local_mailboxes(settings):
    settings.RELAY_ALLOW_PRIVATE = True  # the peers listen on 127.0.0.1
    settings.MAILBOX_TIMEOUT = 5.0


@pytest.fixture
def sent(owner):
    campaign, run, subscribers = launched_run(owner.workspace, 3)
    Delivery.objects.filter(run=run).update(status=DeliveryStatus.SENT)
    return campaign, list(Delivery.objects.filter(run=run).order_by("email")), subscribers


@pytest.fixture(params=["imap", "pop3"])
def protocol(request) -> str:
    return request.param


@pytest.fixture
def serve(protocol):
    servers: list[MailServer] = []

    def start(messages: list[bytes], **kwargs) -> MailServer:
        server = (ImapServer if protocol == "imap" else Pop3Server)(messages, **kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def mailbox_relay(workspace, server, protocol, *, password="secret", **fields) -> SmtpRelay:
    return SmtpRelayFactory(
        workspace=workspace,
        mailbox_protocol=protocol,
        mailbox_host="127.0.0.1",
        mailbox_port=server.port,
        mailbox_tls="none",
        mailbox_username="bounces",
        mailbox_password_encrypted=secret_encrypt(password),
        **fields,
    )


def test_it_takes_in_bounces_and_leaves_everything_else(owner, sent, serve, protocol):
    _, deliveries, subscribers = sent
    unsubscribing = subscribers[2]
    taken = [
        dsn_mail("postfix", delivery_id=deliveries[0].pk),
        dsn_mail("arf_complaint", delivery_id=deliveries[1].pk),
        dsn_mail("mailto_unsubscribe", subscriber_id=unsubscribing.pk),
    ]
    left = [LETTER, BROKEN, dsn_mail("forged")]
    server = serve([taken[0], left[0], taken[1], left[1], taken[2], left[2]])
    relay = mailbox_relay(owner.workspace, server, protocol)

    result = mailbox_poll(relay)

    assert (result.fetched, result.processed, result.ignored, result.error) == (6, 3, 3, "")
    assert server.left() == left
    if protocol == "imap":  # read once: left alone, but not read again
        assert [server.flags[uid] for uid in server.messages] == [{"\\Seen"}] * 3
        assert "EXPUNGE" in server.commands
    assert set(Suppression.objects.values_list("email", "reason")) == {
        (deliveries[0].email, "hard_bounce"),
        (deliveries[1].email, "complaint"),
        (unsubscribing.email, "unsubscribed"),
    }
    assert Subscription.objects.get(subscriber=unsubscribing).status == "unsubscribed"
    assert set(BounceEvent.objects.values_list("kind", "source")) == {
        ("hard", "mailbox"),
        ("complaint", "mailbox"),
        ("unsubscribe", "mailbox"),
    }
    relay.refresh_from_db()
    assert relay.mailbox_polled_at is not None and relay.mailbox_error == ""


def test_a_bounce_fetched_twice_is_taken_in_once(owner, sent, serve, protocol):
    _, deliveries, _ = sent
    bounce = dsn_mail("exim", delivery_id=deliveries[2].pk)
    server = serve([bounce, bounce])
    relay = mailbox_relay(owner.workspace, server, protocol)

    first = mailbox_poll(relay)
    second = mailbox_poll(relay)

    assert first.processed == 2 and second.fetched == 0
    assert server.left() == []
    assert BounceEvent.objects.count() == 1 and Suppression.objects.count() == 1


def test_a_refused_log_in_is_the_relay_s_last_error(owner, sent, serve, protocol):
    _, deliveries, _ = sent
    server = serve([dsn_mail("postfix", delivery_id=deliveries[0].pk)])
    relay = mailbox_relay(owner.workspace, server, protocol, password="wrong")

    result = mailbox_poll(relay)

    relay.refresh_from_db()
    assert relay.mailbox_error.startswith("log-in refused:")
    assert "Invalid" in relay.mailbox_error and result.error == relay.mailbox_error
    assert relay.mailbox_polled_at is not None
    assert len(server.left()) == 1 and not BounceEvent.objects.exists()


def test_the_next_good_poll_clears_the_error(owner, serve, protocol):
    server = serve([])
    relay = mailbox_relay(owner.workspace, server, protocol, mailbox_error="log-in refused: x")

    mailbox_poll(relay)

    relay.refresh_from_db()
    assert relay.mailbox_error == ""


def test_a_message_the_parser_chokes_on_does_not_stop_the_rest(
    owner, sent, serve, protocol, monkeypatch
):
    _, deliveries, _ = sent
    parse = dsn.reports_parse

    def choking(raw: bytes):
        if b"EXPLODE" in raw:
            raise ValueError("the parser failed")
        return parse(raw)

    monkeypatch.setattr("postroom.delivery.bounces.mailbox.reports_parse", choking)
    bomb = LETTER.replace(b"lunch?", b"EXPLODE")
    server = serve([bomb, dsn_mail("postfix", delivery_id=deliveries[0].pk)])
    relay = mailbox_relay(owner.workspace, server, protocol)

    result = mailbox_poll(relay)

    assert (result.processed, result.ignored, result.error) == (1, 1, "")
    assert server.left() == [bomb]


def test_a_mailbox_in_a_private_network_is_refused(owner, serve, protocol, settings):
    settings.RELAY_ALLOW_PRIVATE = False
    server = serve([LETTER])
    relay = mailbox_relay(owner.workspace, server, protocol)

    result = mailbox_poll(relay)

    assert result.error == "mailbox address is in a private network"
    assert server.commands == []


def test_an_unknown_imap_folder_is_an_error(owner):
    server = ImapServer([LETTER]).start()
    relay = mailbox_relay(owner.workspace, server, "imap", mailbox_folder="Bounces")

    result = mailbox_poll(relay)

    server.stop()
    assert result.error.startswith("cannot open the folder Bounces")
    assert server.left() == [LETTER]


def test_the_periodic_task_polls_active_relays_with_a_mailbox(owner, sent, serve, protocol):
    _, deliveries, _ = sent
    server = serve([dsn_mail("postfix", delivery_id=deliveries[0].pk)])
    mailbox_relay(owner.workspace, server, protocol)
    idle = serve([dsn_mail("postfix", delivery_id=deliveries[1].pk)])
    mailbox_relay(owner.workspace, idle, protocol, is_active=False)
    SmtpRelayFactory(workspace=owner.workspace)  # no mailbox

    mailboxes_tick.call_local()

    assert server.left() == [] and len(idle.left()) == 1


def test_poll_now_from_the_relay_page(
    owner, sent, serve, protocol, login, django_capture_on_commit_callbacks
):
    _, deliveries, _ = sent
    server = serve([dsn_mail("postfix", delivery_id=deliveries[0].pk)])
    relay = mailbox_relay(owner.workspace, server, protocol)
    client = login(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/app/settings/relays/{relay.pk}/poll/")

    assert response.status_code == 302
    assert server.left() == []
    page = client.get(f"/app/settings/relays/{relay.pk}/").content.decode()
    assert 'id="poll-now"' in page and "not read yet" not in page
    listing = client.get("/app/settings/relays/").content.decode()
    assert "mailbox-status" in listing


def test_the_relay_page_shows_the_last_error(owner, login):
    relay = SmtpRelayFactory(
        workspace=owner.workspace,
        mailbox_protocol="pop3",
        mailbox_host="pop.example.com",
        mailbox_username="bounces",
        mailbox_error="log-in refused: -ERR [AUTH] Invalid login",
    )
    client = login(owner.user)

    assert "-ERR [AUTH] Invalid login" in client.get("/app/settings/relays/").content.decode()
    edit = client.get(f"/app/settings/relays/{relay.pk}/").content.decode()
    assert "-ERR [AUTH] Invalid login" in edit


def test_poll_now_is_for_relay_managers_of_the_workspace(owner, other_owner, login):
    relay = SmtpRelayFactory(workspace=owner.workspace, mailbox_protocol="imap")
    plain = SmtpRelayFactory(workspace=owner.workspace)

    assert login(other_owner.user).post(f"/app/settings/relays/{relay.pk}/poll/").status_code == 404
    client = login(owner.user)
    response = client.post(f"/app/settings/relays/{plain.pk}/poll/", follow=True)
    assert "This relay has no bounce mailbox." in response.content.decode()


def test_the_command_polls_and_reports(owner, sent, serve, protocol):
    _, deliveries, _ = sent
    server = serve([dsn_mail("postfix", delivery_id=deliveries[0].pk), LETTER])
    relay = mailbox_relay(owner.workspace, server, protocol, name="Main")
    out = io.StringIO()

    call_command("poll_bounces", stdout=out)

    assert "Main: 2 read, 1 taken in, 1 left alone, 0 to retry" in out.getvalue()
    relay.mailbox_password_encrypted = secret_encrypt("wrong")
    relay.save()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 mailbox"):
        call_command("poll_bounces", "--relay", str(relay.pk), stderr=err)
    assert "error: log-in refused" in err.getvalue()
