import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from postroom.audience.emails import email_normalize, email_normalize_many

_local = st.text(alphabet="abcxyzABC019.!#$%&'*+/=?^_`{|}~-\"@ ü", min_size=0, max_size=70)
_domain = st.text(alphabet="abcxyzABC019.-_ü", min_size=0, max_size=30)


@settings(max_examples=400, deadline=None)
@given(local=_local, domain=_domain)
def test_the_bulk_path_agrees_with_email_validator(local, domain):
    raw = f"{local}@{domain}"
    try:
        expected = email_normalize(raw)
    except ValidationError:
        with pytest.raises(ValidationError):
            email_normalize_many(raw)
    else:
        assert email_normalize_many(raw) == expected


@pytest.mark.parametrize(
    "raw", ["plain", "a..b@example.com", "x@localhost", "a@example.invalid", "a@exa_mple.com", ""]
)
def test_it_refuses_what_email_validator_refuses(raw):
    with pytest.raises(ValidationError):
        email_normalize_many(raw)


def test_it_lowercases_the_whole_address():
    assert email_normalize_many(" Ann.Lee@Example.COM ") == "ann.lee@example.com"


@pytest.mark.parametrize("length", [63, 64, 65])
def test_the_bulk_path_agrees_at_the_local_part_limit(length):
    raw = "a" * length + "@example.com"
    try:
        expected = email_normalize(raw)
    except ValidationError:
        with pytest.raises(ValidationError):
            email_normalize_many(raw)
    else:
        assert email_normalize_many(raw) == expected


@pytest.mark.parametrize("local", ["person123", "Ann", "0", "ü", "Ünï", "x²", "a" * 64, "a" * 65])
def test_the_bulk_path_agrees_on_local_parts_of_letters_and_digits(local):
    # given
    raw = f"{local}@example.com"

    # when
    try:
        expected = email_normalize(raw)
    except ValidationError:
        expected = None

    # then
    if expected is None:
        with pytest.raises(ValidationError):
            email_normalize_many(raw)
    else:
        assert email_normalize_many(raw) == expected
