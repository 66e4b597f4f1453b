"""Real-shaped bounce mail from tests/dsn/, with the tokens of a given delivery filled in."""

from pathlib import Path

from postroom.audience.tokens import unsubscribe_token_make
from postroom.delivery.transports.tokens import message_id, return_path_token_make

DSN_DIR = Path(__file__).parent / "dsn"


def dsn_mail(name: str, *, delivery_id: int = 1, subscriber_id: int = 1, list_id: int = 0) -> bytes:
    text = (DSN_DIR / f"{name}.eml").read_text()
    text = text.replace("{{token}}", return_path_token_make(delivery_id))
    text = text.replace("{{message_id}}", message_id(delivery_id, "news@news.example.com"))
    text = text.replace(
        "{{unsubscribe}}", unsubscribe_token_make(subscriber_id=subscriber_id, list_id=list_id)
    )
    # On the wire (and from IMAP and POP3) lines end in CRLF.
    return text.replace("\n", "\r\n").encode()
