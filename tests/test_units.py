"""Unit lexicons load into a private pint registry and convert correctly."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

import zhtargets
from zhtargets.units import Units


@pytest.fixture(scope="module")
def units():
    return Units()


def test_every_unit_word_resolves(units):
    assert units.check() == []


def test_mu_converts_to_hectare(units):
    assert units.quantity(3, "mu").to("hectare").magnitude == pytest.approx(0.2)


def test_percentage_point_is_not_percent(units):
    with pytest.raises(Exception):
        units.quantity(1, "percentage_point").to("percent")


def test_yuan_and_usd_do_not_convert(units):
    with pytest.raises(Exception):
        units.quantity(1, "yuan").to("USD")


def test_registries_are_private():
    a, b = Units(), Units()
    assert a.registry is not b.registry


def test_extracted_quantity_converts():
    (t,) = zhtargets.extract("新增耕地3亩")
    assert t.quantity.to("hectare").magnitude == pytest.approx(0.2)


UNIT_PHRASES = [("亩", "mu"), ("公顷", "hectare"), ("平方米", "m**2"), ("公里", "km"),
                ("千瓦", "kW"), ("吨", "t"), ("亿元", "yuan"), ("美元", "USD"),
                ("个", "count"), ("人次", "count"), ("微克/立方米", "ug/m**3")]


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(UNIT_PHRASES))
def test_number_and_unit_parse_back(n, unit):
    word, name = unit
    text = f"全年完成{n}{word}。"
    (t,) = zhtargets.extract(text)
    assert t.unit == name
    assert t.value == pytest.approx(n * (10**8 if word == "亿元" else 1))
    assert text[t.start:t.end] == t.text
