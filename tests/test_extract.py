"""Invariants of extract() on any input, and the bad inputs users hand us."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import zhtargets
from zhtargets import Extractor, Target

ALPHABET = st.sampled_from(list("0123456789.,%-~、,;。\n 万亿千百十一二两余多约超以上下内左右个家亩元美平方米(qū)區發（）２３"))


def check_invariants(text: str, targets: list[Target]):
    assert targets == sorted(targets, key=lambda t: t.start)
    for a, b in zip(targets, targets[1:]):
        assert a.end <= b.start
    for t in targets:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start:t.end] == t.text


# No deadline: the first call may build jieba's dictionary (a second or two).
@given(st.text())
@settings(max_examples=300, deadline=None)
def test_never_raises_on_any_string(text):
    check_invariants(text, zhtargets.extract(text))


@given(st.text(alphabet=ALPHABET, max_size=60))
@settings(max_examples=300, deadline=None)
def test_offsets_valid_on_number_like_text(text):
    check_invariants(text, zhtargets.extract(text))


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "没有数字的句子。"])
def test_nothing_found_is_empty_list(text):
    assert zhtargets.extract(text) == []


@pytest.mark.parametrize("bad", [b"\xe6\x96\xb0", None, 42, ["新增5个"]])
def test_non_text_is_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="extract"):
        zhtargets.extract(bad)


def test_records_are_immutable():
    (t,) = zhtargets.extract("新增学位5600个")
    with pytest.raises(AttributeError):
        t.value = 1


def test_to_frame_dtypes():
    df = zhtargets.to_frame(zhtargets.extract("新增学位5600个,地区生产总值增长5.5%左右"))
    assert len(df) == 2
    assert df["value"].dtype == pd.Float64Dtype()
    assert df["start"].dtype == pd.Int64Dtype()
    assert str(df["comparator"].dtype) == "category"
    assert list(df["text"]) == ["5600个", "5.5%左右"]


def test_empty_frame_keeps_columns():
    df = zhtargets.to_frame([])
    assert len(df) == 0 and "indicator" in df.columns


def test_extra_lexicon_adds_a_classifier(tmp_path):
    extra = tmp_path / "classifiers.txt"
    extra.write_text("# test classifier\n孔\n", encoding="utf-8")
    assert zhtargets.extract("新建充电桩80孔") == []
    (t,) = Extractor(lexicons={"classifiers.txt": [extra]}).extract("新建充电桩80孔")
    assert (t.value, t.classifier) == (80, "孔")


def test_large_text_keeps_offsets_across_blocks():
    unit = "新增学位5600个,地区生产总值增长5.5%左右。\n"
    text = unit * 20000  # ~600k characters: several internal blocks
    targets = zhtargets.extract(text)
    assert len(targets) == 40000
    check_invariants(text, targets)


def test_misspelt_lexicon_name_is_an_error():
    with pytest.raises(ValueError, match="classifier.txt"):
        Extractor(lexicons={"classifier.txt": ["x.txt"]})


def test_public_functions_stay_callable_after_submodule_imports():
    import zhtargets.link  # noqa: F401  (binds the submodule on the package)
    import zhtargets.render  # noqa: F401

    assert callable(zhtargets.link) and callable(zhtargets.render)
    assert "zt-target" in zhtargets.render("新增学位5600个").html
