"""The number parser: exact values, Chinese numerals, property round trips."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from zhtargets.numerals import NumberError, parse_number

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Write ``n`` (0 <= n < 10^12) in standard Chinese numerals, the test's oracle."""
    if n == 0:
        return "零"

    def below_10k(k: int) -> str:
        out, zero = "", False
        for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, k = divmod(k, value)
            if d:
                if zero:
                    out += "零"
                out += DIGITS[d] + name
                zero = False
            elif out:
                zero = True
        return out

    parts = []
    for scale, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        chunk, n = divmod(n, scale)
        if chunk:
            text = below_10k(chunk)
            if parts and chunk < 1000:
                text = "零" + text
            parts.append(text + name)
    return "".join(parts)


@pytest.mark.parametrize("text, value", [
    ("38.65万", "386500"), ("1,100万", "11000000"), ("1.08亿", "108000000"),
    ("2万亿", "2000000000000"), ("一千二百", "1200"), ("两千", "2000"), ("三万", "30000"),
    ("十", "10"), ("十二", "12"), ("百", "100"), ("千", "1000"), ("五点五", "5.5"),
    ("零", "0"), ("零点零五", "0.05"), ("一亿二千万", "120000000"), ("一千二", "1200"),
    ("三万五", "35000"), ("0.5", "0.5"), ("12,345.6", "12345.6"),
])
def test_known_numbers(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "一点", "5点"])
def test_not_numbers(text):
    with pytest.raises(NumberError):
        parse_number(text)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_round_trip(n):
    assert parse_number(to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separators(n):
    assert parse_number(f"{n:,}") == n


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from([("万", 10**4), ("亿", 10**8), ("万亿", 10**12)]))
def test_multipliers_are_exact(d, mult):
    word, factor = mult
    assert parse_number(f"{d}{word}") == d * factor
