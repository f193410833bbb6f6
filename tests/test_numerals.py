"""The number parser: exact values, Chinese numerals, property round trips."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

import zhtargets
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
    ("二〇二四", "2024"), ("一九九八", "1998"), ("一千零五", "1005"), ("十万零五", "100005"),
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


def to_mixed(n: int) -> str:
    """Write ``n`` as official prose mixes digits and sections: 3亿5千万, 2亿6000万, 1200万."""
    yi, wan = divmod(n, 10**8)
    wan //= 10**4
    out = f"{yi}亿" if yi else ""
    if wan:
        lead, rest = divmod(wan, 1000)
        out += f"{lead}千万" if lead and not rest else f"{wan}万"
    return out


@st.composite
def compound_numerals(draw):
    """A number with 亿 and/or 万 sections written as a reader meets it: all
    Chinese (零 gaps, 两 for a leading 2) or digits mixed with sections."""
    yi = draw(st.integers(min_value=0, max_value=9999))
    wan = draw(st.integers(min_value=0, max_value=9999))
    rest = draw(st.integers(min_value=0, max_value=9999))
    style = draw(st.sampled_from(["chinese", "liang", "mixed"]))
    if style == "mixed":
        n = yi * 10**8 + wan * 10**4
        if n == 0:
            n = 10**4
        return to_mixed(n), n
    n = max(yi * 10**8 + wan * 10**4 + rest, 10**4)
    text = to_chinese(n)
    if style == "liang" and text[0] == "二" and len(text) > 1 and text[1] != "十":
        text = "两" + text[1:]
    return text, n


@given(compound_numerals())
def test_compound_numerals_parse_to_their_value(numeral):
    text, n = numeral
    assert parse_number(text) == n


@given(compound_numerals(), st.sampled_from([("投资", "元", "yuan"), ("惠及", "人", "count")]))
@settings(deadline=None)
def test_compound_numerals_extract_as_one_record(numeral, frame):
    text, n = numeral
    verb, unit, name = frame
    sentence = f"{verb}{text}{unit}"
    (t,) = zhtargets.extract(sentence)
    assert (t.text, t.value, t.unit) == (f"{text}{unit}", n, name)
