"""Mini-notation parser: the tree it builds, atom spans, seeds, and syntax errors."""
from __future__ import annotations

import pickle

import pytest

from livesamp.pattern.mini import MiniSyntaxError, mini, parse
from livesamp.pattern.mini.ast import (Atom, Degrade, Element, Euclid, Group, Polymeter, Range,
                                       Replicate, Sequence, SlowSeq, Stretch, Tail, atoms)
from livesamp.pattern.mini.compile import js_fraction, word_value


def words(text):
    return [a.source for a in atoms(parse(text))]


def seq_elements(text):
    tree = parse(text)
    assert isinstance(tree, Sequence)
    return tree.elements


# ----------------------------------------------------------------- structure


def test_sequence_of_words_with_spans():
    tree = parse("bd [sn hh]")
    assert isinstance(tree, Sequence)
    first, second = tree.elements
    assert first.slice == Atom("bd", (0, 2))
    assert isinstance(second.slice, Sequence)
    assert [e.slice for e in second.slice.elements] == [Atom("sn", (4, 6)), Atom("hh", (7, 9))]


def test_spans_skip_surrounding_whitespace():
    assert [a.span for a in atoms(parse("  a \t bb\n"))] == [(2, 3), (6, 8)]


def test_element_span_covers_its_operators():
    (el,) = seq_elements("  bd*2? ")
    assert el.span == (2, 7)


def test_rests_are_atoms():
    tree = parse("~ - ~~ --")
    assert [a.source for a in atoms(tree)] == ["~", "-", "~~", "--"]
    assert [a.is_rest for a in atoms(tree)] == [True, True, False, False]


@pytest.mark.parametrize("text, expected", [
    ("big_swoosh", ["big_swoosh"]),
    ("a_ b", ["a_", "b"]),
    ("0..3", ["0..3"]),
    ("c#3 Eb4", ["c#3", "Eb4"]),
    ("a.b .c", ["a.b", ".c"]),
    ("ü ñ 日本", ["ü", "ñ", "日本"]),
])
def test_words(text, expected):
    assert words(text) == expected


def test_underscore_after_space_elongates():
    a, b = seq_elements("a _b")
    assert (a.weight, b.slice.source) == (2, "b")
    (el,) = seq_elements("a _ _")
    assert el.weight == 3
    a, b = seq_elements("a _2 b _3")
    assert (a.weight, b.weight) == (2, 3)


def test_weights():
    a, b = seq_elements("a@3 b@")
    assert (a.weight, b.weight) == (3, 2)
    (el,) = seq_elements("a@1.5")
    assert el.weight == 1.5


def test_replicate_forms():
    a, b = seq_elements("a ! ! b")
    assert a.ops == (Replicate(3),) and a.weight == 3 and b.ops == ()
    (el,) = seq_elements("a!3")
    assert el.ops == (Replicate(3),)
    (el,) = seq_elements("a!2*2!")  # the replicate moves to the end, counts add up
    assert el.ops == (Stretch("fast", Atom("2", (4, 5))), Replicate(3))


def test_operators_in_order():
    (el,) = seq_elements("a*<2 3>/2?0.3:1 .. 4")
    kinds = [type(op) for op in el.ops]
    assert kinds == [Stretch, Stretch, Degrade, Tail, Range]
    assert isinstance(el.ops[0].amount, SlowSeq)
    assert el.ops[2] == Degrade(0.3, 0)


def test_spaced_operators():
    (el,) = seq_elements("a * 2")
    assert el.ops == (Stretch("fast", Atom("2", (4, 5))),)
    (el,) = seq_elements("a ( 3 , 8 )")
    (op,) = el.ops
    assert isinstance(op, Euclid) and op.rotation is None
    assert op.pulse.slice.source == "3" and op.steps.slice.source == "8"


def test_euclid_with_rotation_and_patterns():
    (el,) = seq_elements("bd(<3 5>,8,2)")
    (op,) = el.ops
    assert isinstance(op.pulse.slice, SlowSeq)
    assert op.rotation.slice.source == "2"


def test_range_needs_spaces():
    (el,) = seq_elements("0 .. 3")
    assert el.ops == (Range(Atom("3", (5, 6))),)
    assert words("0..3") == ["0..3"]


def test_groups_and_seeds():
    tree = parse("[a? | b?]")
    (el,) = tree.elements
    group = el.slice
    assert isinstance(group, Group) and group.alignment == "rand" and group.seed == 2
    a, b = group.children
    assert a.elements[0].ops == (Degrade(None, 0),)
    assert b.elements[0].ops == (Degrade(None, 1),)


def test_seed_counter_is_per_parse_and_in_source_order():
    tree = parse("[a . b] c?")
    feet = tree.elements[0].slice
    assert feet.alignment == "feet" and feet.seed == 0
    assert tree.elements[1].ops == (Degrade(None, 1),)
    # a second parse starts again at 0
    assert parse("x?").elements[0].ops == (Degrade(None, 0),)


def test_stack_top_level():
    tree = parse("a b, c")
    assert isinstance(tree, Group) and tree.alignment == "stack" and tree.seed is None
    assert len(tree.children) == 2


def test_polymeter_and_slow_sequence():
    (el,) = seq_elements("{a b, c d e}%<2 3>")
    assert isinstance(el.slice, Polymeter)
    assert isinstance(el.slice.steps_per_cycle, SlowSeq)
    (el,) = seq_elements("<a b, c>")
    assert isinstance(el.slice, SlowSeq) and len(el.slice.children) == 2
    (el,) = seq_elements("{a b}%1.5")
    assert el.slice.steps_per_cycle == Atom("1.5", (6, 9))


def test_steps_marker():
    tree = parse("^a b")
    assert tree.steps_marker and words("^a b") == ["a", "b"]
    assert words("a ^b") == ["a", "^b"]


def test_parse_is_cached_and_tree_is_immutable():
    assert parse("a b c") is parse("a b c")
    with pytest.raises(AttributeError):
        parse("a").elements = ()


# ----------------------------------------------------------------- values


@pytest.mark.parametrize("word, value", [
    ("3", 3), ("-1.5", -1.5), (".5", 0.5), ("1.", 1), ("1e3", 1000), ("007", 7), ("400e-3", 0.4),
    ("0x1F", 31), ("0b101", 5), ("0o17", 15),
    ("bd", "bd"), ("c#3", "c#3"), ("1_000", "1_000"), ("inf", "inf"), ("nan", "nan"), ("0..3", "0..3"),
    ("-", "-"), ("-0x1F", "-0x1F"),
])
def test_word_values(word, value):
    v = word_value(word)
    assert v == value and type(v) is type(value)


@pytest.mark.parametrize("x, expected", [
    (2, 2), (1.5, "3/2"), ("2_", 2), ("3/4", "3/4"), ("1.25", "5/4"), ([2, 3], "2/3"),
])
def test_js_fraction(x, expected):
    from fractions import Fraction
    assert js_fraction(x) == Fraction(expected)


@pytest.mark.parametrize("x", ["bd", "x", "c#3", "1.2.3"])
def test_js_fraction_rejects_words(x):
    with pytest.raises(ValueError):
        js_fraction(x)


# ----------------------------------------------------------------- errors


def error_of(text) -> MiniSyntaxError:
    with pytest.raises(MiniSyntaxError) as info:
        mini(text)
    return info.value


@pytest.mark.parametrize("text, column, expected_part", [
    # the corpus's error cases
    ("a b)", 3, "end of input"),
    ("[a b", 4, "']' to close '[' opened at column 0"),
    ("<a b", 4, "'>' to close '<' opened at column 0"),
    ("{a b", 4, "'}' to close '{' opened at column 0"),
    ("", 0, "a step"),
    ("a(3,8", 5, "')' to close '(' opened at column 1"),
    ("a*", 2, "a step after '*'"),
    ("*2", 0, "a step"),
    ("a . . b", 4, "a step after '.'"),
    # others
    ("   ", 3, "a step"),
    ("bd [sn hh", 9, "']' to close '[' opened at column 3"),
    ("<a | b>", 3, "'>' to close '<'"),
    ("<a . b>", 3, "'>' to close '<'"),
    ("{a | b}", 3, "'}' to close '{'"),
    ("a, b | c", 5, "end of input"),
    ("a(3)", 3, "',' and the number of euclid steps"),
    ("a(3,)", 4, "a step as the number of euclid steps"),
    ("a(,8)", 2, "a step as the euclid pulse count"),
    ("a/", 2, "a step after '/'"),
    ("bd:", 3, "a step after ':'"),
    ("{a b}%", 6, "a step after '%'"),
    ("_ a", 0, "a step"),
    ("a ]", 2, "end of input"),
    ("[a b)", 4, "']' to close '['"),
    ("a@3 *2", 4, "a step or end of input"),
    ("^", 1, "a step"),
    ("[]", 1, "a step"),
    ("a ,", 3, "a step after ','"),
    ("a | ", 4, "a step after '|'"),
    ("a\nb ]", 4, "end of input"),
    ('a"b', 1, "no quote"),
    ("a%2", 1, "end of input"),
    ("a[b", 3, "']' to close '[' opened at column 1"),
])
def test_syntax_errors(text, column, expected_part):
    err = error_of(text)
    assert isinstance(err, ValueError)
    assert err.column == column
    assert expected_part in err.expected
    assert err.source == text


def test_error_message_layout():
    err = error_of("bd [sn hh")
    assert str(err) == (
        "mini-notation: expected ']' to close '[' opened at column 3, found end of input\n"
        "  bd [sn hh\n"
        "           ^"
    )


def test_error_message_names_what_was_found():
    assert "found ')'" in str(error_of("a b)")).splitlines()[0]
    assert "found '|'" in str(error_of("<a | b>")).splitlines()[0]
    assert "not allowed directly inside '<...>'" in str(error_of("<a | b>"))
    assert "can't be mixed" in str(error_of("a, b | c"))
    assert "has no matching '('" in str(error_of("a b)"))
    assert "has no matching" not in str(error_of("a(3)"))


def test_error_caret_on_the_right_line():
    lines = str(error_of("a b\n c ]")).splitlines()
    assert lines[1] == "   c ]" and lines[2] == "     ^"
    assert "line 2" in lines[0]


def test_error_is_raised_by_mini_not_by_query():
    with pytest.raises(ValueError):
        mini("[a b")


def test_error_pickles():
    err = error_of("a*")
    again = pickle.loads(pickle.dumps(err))
    assert (again.source, again.column, again.expected, str(again)) == ("a*", 2, err.expected, str(err))


@pytest.mark.parametrize("text", [
    "a * 2", "a ( 3 , 8 )", "a ! ! b", "a _b", "0 .. 3", "<a b, c d e>", "{a b}%1.5", "a@", "a!",
    "bd:<1 2>", "a:b:c", "[a|b|c]", "a . b c", "~ ~", "^a b", "a ..", "a' //comment",
])
def test_accepted(text):
    parse(text)


def test_element_defaults():
    (el,) = seq_elements("a")
    assert el == Element(Atom("a", (0, 1)), (), 1, 1, (0, 1))
