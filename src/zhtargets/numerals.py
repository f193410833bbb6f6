"""Numbers as written in Chinese official prose, parsed exactly.

Arabic (1,100.5), Chinese (一千二百, 两千, 十余's 十, 五点五), and the two mixed
(3.5万, 1.08亿, 2万亿).  Values are ``Decimal`` so 38.65万 is 386500 exactly.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache

from ._lexicon import read_table

__all__ = ["parse_number", "NumberError", "numeral_chars", "numeral_value", "numeral_words"]


class NumberError(ValueError):
    """The string is not a number this parser understands."""


@cache
def _table() -> dict[str, tuple[str, str]]:
    return {ch: (value, role) for ch, value, role in read_table("numerals.tsv", 3)}


def numeral_words(role: str) -> tuple[str, ...]:
    """The entries of numerals.tsv of one role, in file order."""
    return tuple(ch for ch, (_, r) in _table().items() if r == role)


def numeral_chars(role: str) -> str:
    """The Chinese numeral characters of one role (digit, power, section, point)."""
    return "".join(numeral_words(role))


def numeral_value(ch: str) -> Decimal:
    """The value of one digit, power or section character (万 -> 10000)."""
    return Decimal(_table()[ch][0])


def parse_number(text: str) -> Decimal:
    """Parse one written number, multipliers applied.

    >>> parse_number("38.65万")
    Decimal('386500.00')
    >>> parse_number("一千二百")
    Decimal('1200')
    """
    s = text.replace(",", "").replace("，", "").strip()
    if not s:
        raise NumberError("empty number")
    table = _table()
    total = Decimal(0)      # finished sections (…亿 …万)
    section = Decimal(0)    # current section below 万
    pending: Decimal | None = None  # digits not yet multiplied by a power
    last_power = Decimal(0)
    i = 0
    while i < len(s):
        ch = s[i]
        if ch.isdigit() and ch.isascii() or ch == ".":
            j = i
            while j < len(s) and (s[j].isascii() and s[j].isdigit() or s[j] == "."):
                j += 1
            pending = _decimal(s[i:j], text)
            i = j
            continue
        if ch not in table:
            raise NumberError(f"not a number: {text!r}")
        value, role = table[ch]
        if role == "digit":
            # Digits in a row are read one by one (二〇二四 = 2024); after a
            # 零 gap only the digit counts (一千零五 = 1005).
            run = pending is not None and i > 0 and table.get(s[i - 1], ("", ""))[1] == "digit"
            pending = pending * 10 + Decimal(value) if run else Decimal(value)
            if i + 1 < len(s) and s[i + 1] in table and table[s[i + 1]][1] == "point":
                digits, i = _fraction(s, i + 2, text)
                pending += digits
                continue
        elif role == "power":
            section += (pending if pending is not None else Decimal(1)) * Decimal(value)
            last_power = Decimal(value)
            pending = None
        elif role == "section":
            scale = Decimal(value)
            # 万亿 is one multiplier (10^12), not 万 then 亿: a larger section
            # right after a section multiplies it.
            if i + 1 < len(s) and table.get(s[i + 1], ("", ""))[1] == "section" \
                    and Decimal(table[s[i + 1]][0]) > scale:
                scale *= Decimal(table[s[i + 1]][0])
                i += 1
            if pending is None and section == 0 and total == 0:
                chunk = Decimal(1)  # a bare 万 or 亿 means one of it
            else:
                chunk = section + (pending if pending is not None else Decimal(0))
            if total and chunk == 0:
                total *= scale
            else:
                total += chunk * scale
            section, pending, last_power = Decimal(0), None, scale
        else:
            raise NumberError(f"misplaced decimal point in {text!r}")
        i += 1
    if pending is not None:
        # 一千二 means 一千二百: a bare last digit counts one power below.
        if last_power >= 10 and section + total > 0 and pending < 10 and _ends_with_cn_digit(s):
            pending *= last_power / 10
        section += pending
    return total + section


def _ends_with_cn_digit(s: str) -> bool:
    zero = _table().get(s[-2], ("", ""))[0] == "0" if len(s) >= 2 else False
    return not (s[-1].isascii() and s[-1].isdigit()) and len(s) >= 2 and not zero


def _decimal(chunk: str, text: str) -> Decimal:
    try:
        return Decimal(chunk)
    except InvalidOperation as exc:
        raise NumberError(f"not a number: {text!r}") from exc


def _fraction(s: str, i: int, text: str) -> tuple[Decimal, int]:
    """Digits after 点, read one by one (五点五 = 5.5, 零点零五 = 0.05)."""
    table = _table()
    digits = []
    while i < len(s) and s[i] in table and table[s[i]][1] == "digit":
        digits.append(table[s[i]][0])
        i += 1
    if not digits:
        raise NumberError(f"no digits after 点 in {text!r}")
    return Decimal("0." + "".join(digits)), i
