"""Times written in text (periods.py) and the parts they place (parts.py)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zhtargets._lexicon import read_table
from zhtargets.document import read_document
from zhtargets.normalize import normalize
from zhtargets.periods import aggregate_before, mentions

DIGITS = {int(v): c for c, v, role in read_table("numerals.tsv", 3)
          if role == "digit" and c != "零"}
PLANS = {name: (int(a), int(b)) for name, a, b in read_table("five_year_plans.tsv", 3)}
SUFFIX = next(w for cls, w in read_table("context_words.tsv", 2) if cls == "year_suffix")


def _han(year: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(year))


@given(st.integers(1950, 2099), st.booleans(), st.text(alphabet="，。的全市", max_size=3))
def test_a_written_year_is_read(year, han, tail):
    text = (_han(year) if han else str(year)) + SUFFIX + tail
    found = [m for m in mentions(text) if not m.base]
    assert [(m.first, m.last) for m in found] == [(year, year)]


@given(st.integers(1950, 2090), st.integers(1, 9))
def test_a_year_range_is_one_period(first, length):
    text = f"{first}-{first + length}{SUFFIX}"
    assert [(m.first, m.last) for m in mentions(text)] == [(first, first + length)]


@given(st.sampled_from(sorted(PLANS)), st.integers(2000, 2040))
def test_a_quoted_plan_name_is_its_years(name, year):
    (m,) = mentions(f"“{name}”", year=year)
    assert (m.first, m.last) == PLANS[name]


def test_relative_words_count_from_the_document_year():
    found = {text[m.start:m.end]: (m.first, m.last)
             for text in ["过去一年，今年，明年，过去五年"] for m in mentions(text, year=2024)}
    assert found == {"过去一年": (2023, 2023), "今年": (2024, 2024), "明年": (2025, 2025),
                     "过去五年": (2019, 2023)}


def test_plain_numbers_are_no_plans():
    assert mentions("十五个项目，第十五次会议") == []


def test_aggregate_words_stay_in_their_clause():
    text = normalize("累计完成投资17.2万亿元，增长10%").text
    assert aggregate_before(text, text.index("17.2")) == "cumulative"
    assert aggregate_before(text, text.index("10%")) is None


@settings(deadline=None)  # the first call loads the segmenter's dictionary
@given(st.lists(st.sampled_from([
    "一、2023年工作回顾", "二、2024年工作安排", "三、加强政府自身建设", "(一)重点工作",
    "过去一年工作回顾", "地区生产总值增长5%。", "今年新增就业1万人。", "1.新增学位100个。"]),
    max_size=8))
def test_parts_cover_the_text_in_order(lines):
    """The opening and the top-level parts tile the text; every record has a part."""
    text = "\n".join(lines)
    doc = read_document(text)
    levels = [p.level for p in doc.parts if p.level]
    top = [p for p in doc.parts if p.level in (0, min(levels, default=0))]
    assert top[0].start == 0 and top[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(top, top[1:]))
    assert all(doc.part_at(t.start) is not None for t in doc.targets)
