"""The Russian catalogue is complete, and the compiled one matches it."""

from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[3] / "locale" / "ru" / "LC_MESSAGES"


def test_every_string_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))

    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]

    assert not missing, f"untranslated: {missing[:10]} (run `make messages`)"


def test_the_compiled_catalogue_is_up_to_date():
    # Keyed by context too: "Sending" the menu and "Sending" the status are two entries.
    po = {
        (e.msgctxt, e.msgid): e.msgstr
        for e in polib.pofile(str(LOCALE / "django.po"))
        if e.translated()
    }
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(LOCALE / "django.mo"))}

    assert {k: v for k, v in po.items() if v} == {k: v for k, v in mo.items() if k in po and v}


def test_the_interface_speaks_russian():
    with translation.override("ru"):
        assert translation.gettext("Subscribers") == "Подписчики"
        assert translation.gettext("Log out") == "Выйти"
