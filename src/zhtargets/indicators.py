"""Canonical names for the indicators of Chinese government documents.

The same indicator goes by several names across a plan and its completion
report (地区生产总值 / GDP / 生产总值; 社会消费品零售总额 / 社零), so linking a
target to its result compares canonical names first and falls back on the
characters the two phrases share.  The names live in ``lexicons/indicators.tsv``.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex

from ._lexicon import LexiconError, read_lines, read_table

__all__ = [
    "Indicator",
    "char_pairs",
    "indicators",
    "lookup_indicator",
    "find_indicators",
    "clean_indicator_text",
    "canonical_indicator",
    "indicator_slug",
    "lower_is_better",
    "normalize_indicator",
    "indicator_similarity",
    "indicator_overlap",
]

_LEXICON = "indicators.tsv"
_PREFIXES = "link_indicator_prefixes.txt"
_SHARES = "indicator_share_words.txt"

# Quotes, brackets and list marks carry no meaning for what is measured, and
# writers use them inconsistently (“亿元楼” vs 亿元楼).
_NOISE = regex.compile(r"[\s\p{P}\p{S}--[&%.+]]+", flags=regex.V1)

# Two phrases naming *different* canonical indicators share characters by
# accident of vocabulary (制造业投资 / 固定资产投资); their raw overlap is
# discounted so it never outranks a phrase that is only similar in wording.
_DIFFERENT_CANONICAL_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class Indicator:
    """One canonical indicator.

    Attributes:
        slug: English identifier (``retail_sales``).
        name: the canonical Chinese name (``社会消费品零售总额``).
        variants: every name that identifies it, the canonical one included.
        lower_is_better: ``True`` for prices, unemployment, pollution and
            intensities, where a lower value is the better outcome.
    """

    slug: str
    name: str
    variants: tuple[str, ...]
    lower_is_better: bool


@cache
def indicators() -> tuple[Indicator, ...]:
    """All indicators of the lexicon, in file order."""
    out = []
    for slug, better, name, variants in read_table(_LEXICON, 4):
        if better not in {"+", "-"} or not name:
            raise LexiconError(f"{_LEXICON}: bad row for {slug!r}")
        names = [name] + [v.strip() for v in variants.split("|") if v.strip()]
        out.append(Indicator(slug, name, tuple(dict.fromkeys(names)), better == "-"))
    return tuple(out)


@cache
def _prefixes() -> tuple[str, ...]:
    return tuple(sorted(read_lines(_PREFIXES), key=len, reverse=True))


@cache
def _year_prefix() -> regex.Pattern:
    """A written year opening a phrase (2023年, 2023年度) says when, not what
    is measured; its words are the ``year_suffix`` and ``year_after``
    classes of ``context_words.tsv``."""
    words: dict[str, list[str]] = {}
    for cls, word in read_table("context_words.tsv", 2):
        words.setdefault(cls, []).append(word)
    suffix = "|".join(map(regex.escape, words.get("year_suffix", ())))
    after = "|".join(map(regex.escape, words.get("year_after", ())))
    if not suffix:
        raise LexiconError("context_words.tsv: no year_suffix word")
    return regex.compile(rf"^(?:\d{{4}}\s*(?:{suffix})(?:{after})?)+")


def _clean(text: str) -> str:
    # NFKC folds full-width letters and digits (ＧＤＰ, Ｒ＆Ｄ); upper case keeps
    # the Latin abbreviations in one spelling.
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).upper()


def normalize_indicator(text: str) -> str:
    """``text`` without punctuation, quotes, spaces and leading scope words.

    ``全区全年“亿元楼”`` → ``亿元楼``; Latin letters are upper-cased.
    """
    out = _year_prefix().sub("", _clean(text))
    stripped = True
    while stripped:
        stripped = False
        for prefix in _prefixes():
            # Keep the prefix when it is the whole phrase (累计 alone).
            if out.startswith(prefix) and len(out) > len(prefix):
                out = out[len(prefix):]
                stripped = True
                break
    return out


@cache
def _variant_index() -> tuple[tuple[str, Indicator], ...]:
    pairs = {(_clean(v), ind) for ind in indicators() for v in ind.variants}
    # Longest first, so the most specific name decides (人均GDP before GDP,
    # 生活垃圾回收利用率 before 生活垃圾); ties fall back to file order.
    order = {ind.slug: i for i, ind in enumerate(indicators())}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), order[p[1].slug], p[0])))


@cache
def lookup_indicator(text: str | None) -> Indicator | None:
    """The indicator whose longest name is contained in ``text``, if any.

    ``None`` when a share word (比重, 占比) follows that name: the phrase then
    measures a share of the indicator, not the indicator.
    """
    if not text:
        return None
    cleaned = _clean(text)
    for variant, ind in _variant_index():
        if variant and (at := cleaned.find(variant)) != -1:
            # 占国内生产总值比重 measures a share, not the product itself.
            rest = cleaned[at + len(variant):]
            return None if any(w in rest for w in _share_words()) else ind
    return None


@cache
def _share_words() -> tuple[str, ...]:
    return read_lines(_SHARES)


@cache
def _variant_pattern() -> regex.Pattern:
    # Longest first, so an alternation match is the most specific name there.
    names = [regex.escape(v) for v, _ in _variant_index() if v]
    return regex.compile("|".join(names))


@cache
def _by_clean_variant() -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for variant, ind in _variant_index():
        out.setdefault(variant, ind)
    return out


def clean_indicator_text(text: str) -> str:
    """``text`` as :func:`find_indicators` indexes it (no punctuation or spaces)."""
    return _clean(text)


def find_indicators(text: str) -> list[tuple[int, int, Indicator]]:
    """Every known indicator name in ``text``, left to right, never overlapping,
    except a name a share word follows (国内生产总值 in 占国内生产总值比重).

    Offsets index :func:`clean_indicator_text` of ``text``.
    """
    cleaned = _clean(text)
    table = _by_clean_variant()
    return [(m.start(), m.end(), table[m.group()]) for m in _variant_pattern().finditer(cleaned)
            if not cleaned.startswith(_share_words(), m.end())]


def canonical_indicator(text: str | None) -> str | None:
    """Canonical Chinese name of the indicator phrase ``text``.

    The longest known name contained in the phrase decides, so scope words
    (全区, 全年) and qualifiers around it do not matter:
    ``全区全年地方一般公共预算收入`` → ``一般公共预算收入``.
    """
    ind = lookup_indicator(text)
    return ind.name if ind else None


def indicator_slug(text: str | None) -> str | None:
    """English identifier of the indicator phrase ``text`` (``gdp``)."""
    ind = lookup_indicator(text)
    return ind.slug if ind else None


def lower_is_better(text: str | None) -> bool | None:
    """Whether a lower value of this indicator is better; ``None`` if unknown."""
    ind = lookup_indicator(text)
    return ind.lower_is_better if ind else None


def _char_overlap(a: str, b: str) -> float:
    """Mean of the Dice and overlap coefficients of two character multisets.

    Dice alone punishes the short phrases of completion cells (扩绿 against
    新增绿地); the overlap coefficient alone calls any fragment a perfect match
    (产业项目 inside 重大产业项目), so the two are averaged.
    """
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    dice = 2 * common / (len(a) + len(b))
    overlap = common / min(len(a), len(b))
    return (dice + overlap) / 2


def char_pairs(words: str) -> frozenset[str]:
    """The character pairs of a phrase (the phrase itself when shorter)."""
    return frozenset(words[i:i + 2] for i in range(len(words) - 1)) or (
        frozenset({words}) if words else frozenset())


def indicator_overlap(a: str | None, b: str | None) -> float:
    """Character overlap of two indicator phrases, scope words stripped, in [0, 1].

    Unlike :func:`indicator_similarity` it ignores canonical names, so it can
    tell apart targets of one row that all belong to one indicator (竣工交付
    and 主体结顶 of 安置房).
    """
    if not a or not b:
        return 0.0
    return _char_overlap(normalize_indicator(a), normalize_indicator(b))


def indicator_similarity(a: str | None, b: str | None) -> float:
    """How likely two indicator phrases measure the same thing, in [0, 1].

    1.0 when both name the same canonical indicator; otherwise the character
    overlap of the two phrases after scope words are stripped, halved when
    they name two different canonical indicators.
    """
    if not a or not b:
        return 0.0
    ia, ib = lookup_indicator(a), lookup_indicator(b)
    if ia is not None and ia == ib:
        return 1.0
    score = _char_overlap(normalize_indicator(a), normalize_indicator(b))
    if ia is not None and ib is not None:
        score *= _DIFFERENT_CANONICAL_WEIGHT
    return score
