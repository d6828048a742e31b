"""Which text a stack can hold (XML 1.0's characters): any Unicode, tab and line breaks; not
NUL, other control characters, lone surrogates or U+FFFE/U+FFFF."""
from __future__ import annotations

import pytest

from ws.lint.xmltext import describe_char, first_unsafe, joined_surrogates


@pytest.mark.parametrize("text", ["Boutique \u200f\u05d7\u05e0\u05d5\u05ea 商店 🛒👩‍💻",
                                  "tab\tline\nreturn\r", "\ud83d\uded2 (a YAML-escaped pair)"])
def test_text_a_stack_holds(text):
    assert first_unsafe({"Description": text, "Resources": {text: [text]}}) is None


@pytest.mark.parametrize("text, code", [("a\x00", "U+0000 (NUL)"),
                                        ("\x1b[0m", "U+001B (a control character)"),
                                        ("half \ud83d", "U+D83D (half of a surrogate pair)"),
                                        ("\uffff", "U+FFFF (a noncharacter)")])
def test_text_no_stack_holds_is_found_with_where_it_is(text, code):
    where, char = first_unsafe({"Resources": {"Q": {"Properties": {"Tags": ["ok", text]}}}})
    assert where == "Resources.Q.Properties.Tags[1]" and describe_char(char) == code
    assert first_unsafe({"Outputs": {text: {}}}) == ("a key of Outputs", char)


def test_a_template_nested_deeper_than_python_s_stack_is_walked():
    deep: object = "bell\x07"
    for _ in range(5000):
        deep = [deep]
    assert first_unsafe(deep)[1] == "\x07"


def test_surrogate_pairs_are_joined_and_a_lone_one_kept():
    assert joined_surrogates("\ud83d\uded2 \ud83d") == "🛒 \ud83d"
