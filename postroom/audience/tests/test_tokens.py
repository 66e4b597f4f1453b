"""Public page tokens: compact for new messages, the Django-signed ones of older mail still read."""

from django.core import signing

from postroom.audience.tokens import (
    preferences_token_make,
    preferences_token_read,
    unsubscribe_token_make,
    unsubscribe_token_read,
)


def test_compact_tokens_round_trip_and_refuse_changes():
    token = unsubscribe_token_make(subscriber_id=1234, list_id=7)
    assert ":" not in token and len(token) < 24
    assert unsubscribe_token_read(token) == (1234, 7)
    value, mac = token.rsplit(".", 1)
    assert unsubscribe_token_read(f"{value}.{mac[::-1]}") is None
    assert (
        unsubscribe_token_read(token.replace("ya", "yb", 1) if "ya" in token else "1.2.x") is None
    )
    assert preferences_token_read(preferences_token_make(subscriber_id=99)) == 99
    # A token for one purpose is worthless for another.
    assert preferences_token_read(unsubscribe_token_make(subscriber_id=99, list_id=0)) is None


def test_tokens_of_messages_sent_before_still_work():
    legacy_unsubscribe = signing.dumps([1234, 7], salt="postroom.audience.unsubscribe")
    legacy_preferences = signing.dumps(99, salt="postroom.audience.preferences")
    assert unsubscribe_token_read(legacy_unsubscribe) == (1234, 7)
    assert preferences_token_read(legacy_preferences) == 99
    assert preferences_token_read(legacy_preferences[:-2] + "xx") is None
