"""UNSET tells "not given" from None and "" in write services' arguments."""

from types import SimpleNamespace

from postroom.core.unset import UNSET, Unset, fields_assign, fields_given


def test_it_keeps_none_and_empty_values_and_drops_unset_ones():
    assert fields_given(a=None, b="", c=0, d=False, e=UNSET) == {
        "a": None,
        "b": "",
        "c": 0,
        "d": False,
    }


def test_it_sets_only_the_given_fields_and_names_them():
    thing = SimpleNamespace(name="old", note="kept", size=3)

    changed = fields_assign(thing, name="new", note=UNSET, size=None)

    assert changed == ["name", "size"]
    assert (thing.name, thing.note, thing.size) == ("new", "kept", None)


def test_it_is_one_value_that_says_what_it_is():
    assert list(Unset) == [UNSET]
    assert repr(UNSET) == "UNSET"
