"""Which characters the reader refuses in ids, names and titles, and how it names them."""

from __future__ import annotations

import sys
import unicodedata
from collections import Counter

import pytest

from hubkb.invisible import CONTROL, INVISIBLE, describe, escape_invisible, invisible_problem

HANGUL_FILLERS = {0x115F, 0x1160, 0x3164, 0xFFA0}


def test_only_characters_that_do_not_show_are_refused() -> None:
    refused = Counter(unicodedata.category(chr(cp)) for cp in range(sys.maxunicode + 1) if INVISIBLE.match(chr(cp)))
    # Controls, format characters (zero-widths, bidi, tags...), line and paragraph separators, lone
    # surrogates, unassigned code points inside those ranges, and the four Hangul fillers (letters).
    assert refused == {"Cc": 63, "Cf": 129, "Zl": 1, "Zp": 1, "Cs": 2048, "Cn": 32, "Lo": len(HANGUL_FILLERS)}
    assert all(INVISIBLE.match(chr(cp)) for cp in HANGUL_FILLERS)


@pytest.mark.parametrize(
    "char",
    [
        "\x00",  # NUL, from a "\0" escape
        "\x1b",  # escape
        "\x85",  # next line (C1)
        "\u00ad",  # soft hyphen
        "\u061c",  # Arabic letter mark
        "\u180e",  # Mongolian vowel separator
        "\u200b",  # zero width space
        "\u200c",  # zero width non-joiner
        "\u200d",  # zero width joiner
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u2028",  # line separator
        "\u2029",  # paragraph separator
        "\u202a",  # left-to-right embedding
        "\u202e",  # right-to-left override
        "\u2060",  # word joiner
        "\u2066",  # left-to-right isolate
        "\u2069",  # pop directional isolate
        "\u3164",  # Hangul filler
        "\ufeff",  # zero width no-break space (a byte-order mark inside a value)
        "\U000e0041",  # tag latin capital letter A
    ],
)
def test_invisible_characters_are_refused(char: str) -> None:
    assert INVISIBLE.search(f"Régis{char}Chatellier")


@pytest.mark.parametrize(
    "value",
    [
        "Vous avez dit coproduction\u202f?",  # narrow no-break space before French punctuation
        "l’hubservatoire",
        "« Le hub agence »",
        "27\u00a0ème Région",  # no-break space
        "Œuvre, cœur, naïve, Ørsted, Ñandú, Ελληνικά, 東京",
        "J’\u2009aime",  # thin space
        "❤\ufe0f coproduction",  # an emoji with its variation selector
        "un titre\tavec une tabulation\net une ligne",
    ],
)
def test_visible_text_passes(value: str) -> None:
    assert invisible_problem(value) is None


def test_prose_refuses_only_control_characters() -> None:
    assert invisible_problem("partici\u00adpation", prose=True) is None
    assert invisible_problem("un\u200bmot", prose=True) is None
    assert (
        invisible_problem("un\x00mot", prose=True)
        == "holds an invisible character, U+0000 (a control character); delete it"
    )
    controls = [cp for cp in range(0x110000) if CONTROL.match(chr(cp))]
    assert controls == [cp for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Cc" and cp not in (9, 10)]
    assert all(INVISIBLE.match(chr(cp)) for cp in controls)


def test_messages_name_each_code_point_once() -> None:
    assert describe("\u200b") == "U+200B (ZERO WIDTH SPACE)"
    assert describe("\x00") == "U+0000 (a control character)"
    assert describe("\U000e0041") == "U+E0041 (TAG LATIN CAPITAL LETTER A)"
    assert invisible_problem("a\u200bb\u200bc\u202e") == (
        "holds invisible characters, U+200B (ZERO WIDTH SPACE) and U+202E (RIGHT-TO-LEFT OVERRIDE); delete them"
    )
    assert invisible_problem("\u200b\u200c\u200d\u2060", advice="rename the file") == (
        "holds invisible characters, U+200B (ZERO WIDTH SPACE) and U+200C (ZERO WIDTH NON-JOINER) and "
        "U+200D (ZERO WIDTH JOINER) and others; rename the file"
    )
    assert escape_invisible("une\u200bnote\x00") == "une\\u200bnote\\x00"
