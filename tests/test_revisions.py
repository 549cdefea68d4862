"""Digests of what a form was read at: equal whenever the values mean the same."""

from decimal import Decimal

from handlingskraft.revisions import canonical, digest, digests_decode, digests_encode


def test_the_same_number_written_differently_has_one_digest():
    assert digest(Decimal("68.00")) == digest(68) == digest(Decimal("68")) == digest(68.0)
    assert digest(Decimal("70.50")) == digest(Decimal("70.5")) != digest(Decimal("70.05"))
    assert canonical(Decimal("-0.00")) == "0"


def test_sets_ignore_order_and_lists_keep_it():
    assert digest({3, 1, 2}) == digest(frozenset([2, 3, 1]))
    assert digest([1, 2]) != digest([2, 1])


def test_text_is_compared_as_the_browser_sends_it_back():
    assert digest("rad ett\r\nrad två ") == digest("rad ett\nrad två")
    assert digest(None) == digest("")


def test_digests_round_trip_and_anything_tampered_reads_as_unknown():
    encoded = digests_encode({"a1-status": "done", "i2-value": Decimal("3.5")})
    assert digests_decode(encoded) == {
        "a1-status": digest("done"),
        "i2-value": digest(Decimal("3.5")),
    }
    assert digests_decode(encoded, names={"a1-status"}) is None
    for tampered in ("abc", "a1-status:xyz", "a1-status:" + "g" * 10, ":" + "0" * 10):
        assert digests_decode(tampered) is None
    assert digests_decode("") == {}
