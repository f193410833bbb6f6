"""Normalization keeps a map back to every original character."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from zhtargets.normalize import normalize

RAW = Path(__file__).resolve().parents[1] / "corpus" / "raw"


@pytest.mark.parametrize("text, expected", [
    ("區(qū)發(fā)改局", "区发改局"),
    ("車(飛)聯網 (試行)", "车(飞)联网 (试行)"),
    ("１２．５％，", "12.5%,"),
    ("冯 晶", "冯晶"),
    ("重点推\n\n进城市核心区低效区块,实现连片改造", "重点推\n\n进城市核心区低效区块,实现连片改造"),
    ("深化“上统下分、强街优社”片区改革,加大社工队伍建设力度强\n\n街优社", "深化“上统下分、强街优社”片区改革,加大社工队伍建设力度强街优社"),
    ("序号\n\n项目名称\n\n1\n\n主要经济指标", "序号\n\n项目名称\n\n1\n\n主要经济指标"),
    ("新增就业3万人,其中\n\n牵头单位:区人社局", "新增就业3万人,其中\n\n牵头单位:区人社局"),
    ("三、全面加强政府自身建设\n\n各位代表,驰而不息加强政府", "三、全面加强政府自身建设\n\n各位代表,驰而不息加强政府"),
    ("(一) 坚持政治引领,担当\n\n勤政。旗帜鲜明讲政治", "(一) 坚持政治引领,担当勤政。旗帜鲜明讲政治"),
    # A review runs its figures together with semicolons: prose, so a wrap.
    ("4.04万亿元；一般公共预算收入增长7.2%；城镇新增就\n业89.5万人", "4.04万亿元;一般公共预算收入增长7.2%;城镇新增就业89.5万人"),
    # A short cell holding a semicolon is still a cell.
    ("已完成；正在验收\n区住建局", "已完成;正在验收\n区住建局"),
    # A heading number (structure_headings.tsv) opens a new unit, indented or not.
    ("深入实施创新驱动战略,加快建设科技强区\n\n十二、持续优化营商环境",
     "深入实施创新驱动战略,加快建设科技强区\n\n十二、持续优化营商环境"),
    ("深入实施创新驱动战略,加快建设科技强区\n  三、持续优化营商环境",
     "深入实施创新驱动战略,加快建设科技强区\n  三、持续优化营商环境"),
    ("深入实施创新驱动战略,加快建设科技强区\n\n三项改革全面推开", "深入实施创新驱动战略,加快建设科技强区三项改革全面推开"),
])
def test_normalized_text(text, expected):
    assert normalize(text).text == expected


def test_pinyin_artifact_maps_back_whole():
    text = "區(qū)科技局"
    n = normalize(text)
    assert n.text == "区科技局"
    assert n.to_original(0, 1) == (0, 5)


@given(st.text())
def test_map_is_monotone_and_in_range(text):
    n = normalize(text)
    prev_end = 0
    for i in range(len(n.text)):
        s, e = n.to_original(i, i + 1)
        assert prev_end <= s < e <= len(text)
        prev_end = e


def _per_character_map(text: str) -> list[tuple[int, int]]:
    """The map written out character by character, by the rules of the module
    docstring: which original characters each normalized one stands for."""
    n = normalize(text)
    return [n.to_original(i, i + 1) for i in range(len(n.text))]


@given(st.lists(st.sampled_from(["區", "(qū)", " ", "冯", "晶", "，", "\n\n", "一", "、", "abc",
                                 "1", "。", "（", "５"]), max_size=40).map("".join))
def test_map_covers_exactly_the_kept_characters(text):
    n = normalize(text)
    spans = _per_character_map(text)
    # Every original character is either mapped by exactly one normalized
    # character or deleted; a deleted pinyin annotation is covered by the
    # character before it, deleted blanks by none.
    covered = [j for s, e in spans for j in range(s, e)]
    assert len(covered) == len(set(covered))
    for i, (s, e) in enumerate(spans):
        assert e - s == 1 or text[s + 1:e].startswith("(")
        assert n.text[i] == text[s] or text[s] in "區５，（" or n.text[i] == " "
    assert all(text[j] in " \n" or text[j] in "(qū)" for j in range(len(text)) if j not in set(covered))


def test_map_is_compact():
    text = (RAW / "001_18c78e876a0a643e.txt").read_text(encoding="utf-8")
    n = normalize(text)
    assert len(n.run_starts) < len(text) / 50


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_corpus_documents_map_back(path):
    text = path.read_text(encoding="utf-8")
    n = normalize(text)
    for i in range(0, len(n.text), 7):
        s, e = n.to_original(i, i + 1)
        assert text[s:e]


@given(st.lists(st.sampled_from(["區", "(qū)", " ", "冯", "晶", "，", "\n\n", "一", "、", "abc",
                                 "1", "。"]), max_size=40).map("".join))
def test_to_normalized_inverts_the_map(text):
    n = normalize(text)
    starts = [n.to_original(i, i + 1)[0] for i in range(len(n.text))]
    for offset in range(len(text)):
        # The last normalized character starting at or before the offset.
        expected = max([i for i, s in enumerate(starts) if s <= offset], default=0)
        assert n.to_normalized(offset) == expected
