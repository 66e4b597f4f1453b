import pytest

from postroom.audience.selectors import subscriber_list
from postroom.audience.tests.factories import SubscriberFactory
from postroom.core.sqlite import unicode_like

pytestmark = pytest.mark.django_db


def test_search_folds_case_in_every_alphabet(owner):
    SubscriberFactory(workspace=owner.workspace, full_name="Анна Иванова", email="a@example.com")
    SubscriberFactory(workspace=owner.workspace, full_name="Zoë Ölund", email="z@example.com")
    SubscriberFactory(workspace=owner.workspace, full_name="Bob", email="b@example.com")

    def names(search):
        return {s.full_name for s in subscriber_list(workspace=owner.workspace, search=search)}

    assert names("анна") == {"Анна Иванова"}
    assert names("ИВАН") == {"Анна Иванова"}
    assert names("zoë") == {"Zoë Ölund"}
    assert names("BOB") == {"Bob"}


@pytest.mark.parametrize(
    ("pattern", "value", "escape", "match"),
    [
        ("%абв%", "xАБВy", None, 1),  # noqa: RUF001 (Cyrillic on purpose)
        ("a_c", "abc", None, 1),
        ("a_c", "abbc", None, 0),
        ("100\\%", "100%", "\\", 1),
        ("100\\%", "1000", "\\", 0),
        ("a\\_b", "a_b", "\\", 1),
        ("a\\_b", "axb", "\\", 0),
        ("%.*%", "x", None, 0),  # regex characters are literal
        ("ИВ%", "иванова", None, 1),
        ("ИВ%", "анна иванова", None, 0),
        ("%ова", "ИВАНОВА", None, 1),
        ("анна", "АННА", None, 1),  # noqa: RUF001 (Cyrillic on purpose)
        ("анна", "анна!", None, 0),
        ("%", "", None, 1),
        ("a%b%c", "aXbYc", None, 1),
        ("a%b%c", "aXbY", None, 0),
        ("%a\\%%", "xa%y", "\\", 1),
        ("%a\\%%", "xay", "\\", 0),
    ],
)
def test_like_patterns(pattern, value, escape, match):
    assert unicode_like(pattern, value, escape) == match
