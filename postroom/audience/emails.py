"""Email address validation and normalization (email-validator, no DNS lookups)."""

import functools
import re

from django.core.exceptions import ValidationError
from django.db.models import CharField, Func
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from email_validator import EmailNotValidError, validate_email

# email-validator explains in English only: its common verdicts are said in our words, so they
# translate (matched by how the library's sentence begins; a rare one is shown as it is).
_VERDICTS = (
    ("An email address must have an @-sign", gettext_lazy("It has no @-sign.")),
    ("There must be something before the @-sign", gettext_lazy("Nothing before the @-sign.")),
    ("There must be something after the @-sign", gettext_lazy("Nothing after the @-sign.")),
    ("An email address cannot have two periods in a row", gettext_lazy("Two periods in a row.")),
    (
        "An email address cannot have a period immediately before the @-sign",
        gettext_lazy("A period right before the @-sign."),
    ),
    (
        "An email address cannot have a hyphen immediately after the @-sign",
        gettext_lazy("A hyphen right after the @-sign."),
    ),
    (
        "An email address cannot have a period immediately after the @-sign",
        gettext_lazy("A period right after the @-sign."),
    ),
    (
        "An email address cannot have a period and a hyphen next to each other",
        gettext_lazy("A period and a hyphen next to each other."),
    ),
    (
        "The email address contains invalid characters before the @-sign",
        gettext_lazy("Characters that are not allowed before the @-sign:"),
    ),
    (
        "The part after the @-sign contains invalid characters",
        gettext_lazy("Characters that are not allowed after the @-sign:"),
    ),
    (
        "The part after the @-sign is not valid. It should have a period",
        gettext_lazy("The domain after the @-sign has no period."),
    ),
    (
        "The part after the @-sign is not valid. It is not within a valid top-level domain",
        gettext_lazy("The domain after the @-sign does not end in a valid top-level domain."),
    ),
    (
        "The part after the @-sign is a special-use or reserved name",
        gettext_lazy("The domain after the @-sign is reserved and cannot receive mail."),
    ),
    ("The email address is too long", gettext_lazy("The address is too long.")),
    ("There can't be anything after the email address", gettext_lazy("Text after the address.")),
    (
        "A display name and angle brackets around the email address",
        gettext_lazy("A name and angle brackets around the address are not allowed here."),
    ),
    ("The email address contains unsafe characters", gettext_lazy("Unsafe characters:")),
    ("The email address contains an invalid character", gettext_lazy("An invalid character.")),
)


def _verdict(exc: EmailNotValidError) -> str:
    text = str(exc)
    for start, ours in _VERDICTS:
        if text.startswith(start):
            # Which characters, when the library names them ("…: '_'.").
            _, colon, which = text.partition(": ")
            if str(ours).endswith(":"):
                return f"{ours} {which}" if colon else f"{str(ours)[:-1]}."
            return str(ours)
    return text


def email_normalize(raw: str) -> str:
    """The canonical form of `raw` (lower-cased), or ValidationError saying what is wrong."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(
            _("Invalid email address: %(reason)s") % {"reason": _verdict(exc)}
        ) from exc
    return result.normalized.lower()


class EmailDomain(Func):
    """SQL: the part of an email column after the last '@'."""

    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="substr(%(expressions)s, instr(%(expressions)s, '@') + 1)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="split_part(%(expressions)s, '@', 2)", **extra
        )


# The common shape of an address: an ASCII dot-atom local part and LDH labels.
_ATEXT_AND_DOT = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-."
)
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


@functools.lru_cache(maxsize=65536)
def _domain_accepted(domain: str) -> bool:
    """A domain of the common shape that email-validator accepts (by the domain as written)."""
    if _DOMAIN.fullmatch(domain) is None:
        return False
    domain = domain.lower()
    if "xn--" in domain:
        return False
    try:
        validate_email(f"postmaster@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _dot_atom(local: str) -> bool:
    """ASCII atext runs joined by single dots, without a regular expression (a million calls)."""
    if local.isalnum() and local.isascii():  # the commonest shape: two C calls decide
        return True
    return (
        bool(local)
        and not local.strip(_ATEXT_AND_DOT)  # nothing but atext and dots
        and local[0] != "."
        and local[-1] != "."
        and ".." not in local
    )


def email_normalize_many(raw: str) -> str:
    """`email_normalize` for bulk work (imports): the same verdicts, far fewer full parses.

    Addresses of the common shape have their domain checked by email-validator
    once per distinct domain (cached); every other address, and any whose domain
    is refused, goes through email-validator in full, which gives the reason.
    """
    raw = raw.strip()
    local, _, domain = raw.partition("@")
    if (
        len(raw) <= 254
        and len(local) <= 64
        and "@" not in domain
        and _dot_atom(local)
        and _domain_accepted(domain)
    ):
        return raw.lower()
    return email_normalize(raw)
