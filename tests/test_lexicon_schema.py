"""The lexicon files as one data set: each names its columns in a header row,
every row fits them, and the files agree with one another and with the
closed vocabularies of the records (a status, kind or comparator written in
one file means the same thing in every other)."""
from __future__ import annotations

import re
import typing

import pytest
import regex

from zhtargets import records
from zhtargets._lexicon import header, lexicon_dir, read_lines, read_table
from zhtargets.genre import GENRES
from zhtargets.panel import LEVELS
from zhtargets.parts import PartKind

FILES = sorted(p for p in lexicon_dir().iterdir() if p.suffix in {".txt", ".tsv"})


def column(name: str, col: str) -> list[str]:
    names = header(name)
    assert names is not None and col in names, (name, col)
    i = names.index(col)
    return [row[i] for row in read_table(name, len(names))]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_header_row_names_the_columns_and_rows_fit(path):
    names = header(path.name)
    assert names, f"{path.name}: the first line after the comments must name the columns"
    assert len(set(names)) == len(names)
    for line in read_lines(path.name):
        cells = [c for c in line.split("\t") if c.strip()]
        assert 1 <= len(cells) <= len(names), (path.name, line)
    # The header is not an entry.
    assert "\t".join(names) not in read_lines(path.name)


def test_a_user_file_may_leave_the_header_out(tmp_path):
    # Named as the bundled file it extends, with and without its header.
    bare, headed = tmp_path / "a" / "per_words.tsv", tmp_path / "b" / "per_words.tsv"
    for path, text in ((bare, "# mine\n每户\t户\n"), (headed, "word\tper\n每户\t户\n")):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        assert read_lines(path) == ("每户\t户",)


def test_the_one_numeral_table_holds_digits_and_powers_of_ten():
    # Quantities, heading numbers and years all read numerals.tsv.
    rows = list(zip(column("numerals.tsv", "value"), column("numerals.tsv", "role")))
    values = {role: [v for v, r in rows if r == role] for role in ("digit", "power", "section")}
    assert sorted({int(v) for v in values["digit"]}) == list(range(10))
    assert all(set(v) <= {"1", "0"} and v.startswith("1") for v in values["power"] + values["section"])


@pytest.mark.parametrize("name, col, allowed", [
    ("comparators.tsv", "comparator", set(records.COMPARATORS)),
    # none: says nothing of the role; word: a longer word hiding a hedge.
    ("hedges.tsv", "role", set(records.ROLES) | {"none", "word"}),
    ("aggregate_words.tsv", "aggregate", set(records.AGGREGATES)),
    ("attribute_words.tsv", "attribute", set(records.ATTRIBUTES)),
    ("link_completion.tsv", "verdict", set(records.STATUSES)),
    ("part_headings.tsv", "kind", set(typing.get_args(PartKind))),
    ("genre_cues.tsv", "genre", set(GENRES)),
    ("indicators.tsv", "better", {"+", "-"}),
    ("regions.tsv", "level", set(LEVELS)),
    ("region_cues.tsv", "level", set(LEVELS)),
])
def test_closed_vocabularies_agree_with_the_records(name, col, allowed):
    assert set(column(name, col)) <= allowed


def test_view_words_name_every_status_kind_role_and_comparator():
    words = {}
    for group, key, _ in read_table("view_words.tsv", 3):
        words.setdefault(group, set()).add(key)
    assert words["status"] == set(records.STATUSES) | {"pending"}
    assert words["kind"] == set(records.KINDS)
    assert words["role"] == set(records.ROLES) | {"none"}
    # = says nothing beyond the figure itself.
    assert words["comparator"] == set(records.COMPARATORS) - {"="}
    assert words["part"] == set(typing.get_args(PartKind))


def test_reason_templates_use_known_placeholders():
    known = {"where", "actual", "plan", "band", "phrase", "why", "n", "value", "fraction", "task"}
    for code, template in read_table("link_reasons.tsv", 2):
        assert set(re.findall(r"\{(\w+)\}", template)) <= known, code


def test_every_verdict_in_words_has_a_chinese_reason():
    # link.py shows a verdict of link_completion.tsv with the words_<status>
    # template; a ledger prints it, so it is Chinese (no Latin words).
    templates = dict(read_table("link_reasons.tsv", 2))
    for status in set(column("link_completion.tsv", "verdict")):
        assert f"words_{status}" in templates, status
    for code, template in templates.items():
        assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", template)), code


def test_indicator_keys_are_unique():
    slugs = column("indicators.tsv", "slug")
    assert len(slugs) == len(set(slugs))


def test_every_parent_region_is_a_listed_region():
    names = set(column("regions.tsv", "name"))
    assert set(column("regions.tsv", "parent")) - {""} <= names


def test_heading_numbers_are_anchored_patterns_of_the_numeral_table():
    # structure.py reads them at a line start, normalize.py's wrap guard
    # wherever a line's text begins (it drops the ^); their Han numerals are
    # the numeral table's, so a numeral added there is one a heading may use.
    numerals = set(column("numerals.tsv", "character"))
    for level, kind, pattern in read_table("structure_headings.tsv", 3):
        assert pattern.startswith("^"), pattern
        compiled = regex.compile(pattern)
        assert "n" in compiled.groupindex, pattern
        han = set(regex.findall(r"\p{Han}", pattern))
        assert (kind == "han") == bool(han) and han <= numerals, (pattern, han - numerals)


def test_year_words_that_indicators_drop_exist():
    # indicators.py drops a written year (2023年, 2023年度) from an indicator.
    classes = set(column("context_words.tsv", "class"))
    assert {"year_suffix", "year_after"} <= classes


def test_warm_up_sentence_holds_several_kinds_of_quantity():
    # batch.py's workers extract it once to load what the extractor loads
    # on first use; it must reach the rules for counts, rates and amounts.
    from zhtargets import extract

    found = extract("".join(read_lines("warm_up.txt")))
    assert {t.unit for t in found} >= {"count", "percent"} and len(found) >= 3
