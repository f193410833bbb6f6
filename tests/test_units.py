"""Unit lexicons load into a pint registry per set of definitions and convert correctly."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

import zhtargets
from zhtargets.units import Units, default_units


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


def test_a_registry_is_shared_only_by_the_same_definitions(tmp_path):
    extra = tmp_path / "units.tsv"
    extra.write_text("# a test unit\nli_test\tlength\t华里\tli_test = 500 * meter\n", encoding="utf-8")
    a, b, c = Units(), Units(), Units(unit_files=[extra])
    assert a.registry is b.registry
    assert c.registry is not a.registry
    assert c.quantity(2, "li_test").to("km").magnitude == pytest.approx(1)
    with pytest.raises(Exception):
        a.quantity(2, "li_test")


def test_quantities_are_built_only_when_asked_for():
    script = ("import sys, zhtargets; ts = zhtargets.extract('新增耕地3亩');"
              "print('pint' in sys.modules, ts[0].to_dict()['unit'], 'pint' in sys.modules,"
              " round(ts[0].quantity.to('hectare').magnitude, 3))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "mu", "False", "0.2"]


def test_extracted_quantity_converts():
    (t,) = zhtargets.extract("新增耕地3亩")
    assert t.quantity.to("hectare").magnitude == pytest.approx(0.2)


UNIT_PHRASES = [("亩", "mu"), ("公顷", "hectare"), ("平方米", "m**2"), ("公里", "km"),
                ("千瓦", "kW"), ("吨", "t"), ("亿元", "yuan"), ("美元", "USD"),
                ("个", "count"), ("人次", "count"), ("微克/立方米", "ug/m**3"),
                ("‰", "permille"), ("吨公里", "t*km"), ("人公里", "person_km"), ("μg/m3", "ug/m**3")]


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(UNIT_PHRASES))
def test_number_and_unit_parse_back(n, unit):
    word, name = unit
    text = f"全年完成{n}{word}。"
    (t,) = zhtargets.extract(text)
    assert t.unit == name
    assert t.value == pytest.approx(n * (10**8 if word == "亿元" else 1))
    assert text[t.start:t.end] == t.text


def test_a_unit_added_in_one_file_converts_in_extraction(tmp_path):
    table = tmp_path / "units.tsv"
    table.write_text("# storage\nMWh\tenergy\t兆瓦时\tMWh = megawatt * hour\n", encoding="utf-8")
    ex = zhtargets.Extractor(lexicons={"units.tsv": [table]})
    (t,) = ex.extract("新增储能20兆瓦时")
    assert (t.text, t.unit, t.rule) == ("20兆瓦时", "MWh", "number-energy")
    assert t.quantity.to("kWh").magnitude == pytest.approx(20000)
    assert ex.units.factor("MWh", "kWh") == pytest.approx(1000)
    assert ex.units.written("MWh") == "兆瓦时"
    assert ex.units.check() == []


@pytest.mark.parametrize("unit, to, factor", [
    ("mu", "hectare", 1 / 15), ("km**2", "m**2", 1e6), ("permille", "percent", 0.1),
    ("t", "kg", 1000), ("yuan", "yuan", 1.0),
    ("yuan", "USD", None), ("percent", "percentage_point", None),
    ("dimensionless", "percent", None), ("m**2", "m**3", None), ("t*km", "t", None),
])
def test_factor_compares_only_units_of_one_class(units, unit, to, factor):
    got = units.factor(unit, to)
    assert got == (None if factor is None else pytest.approx(factor))


def test_the_bundled_table_is_shared_and_writes_units_as_documents_do():
    units = default_units()
    assert units is default_units()
    assert [units.written(u) for u in ("yuan", "percent", "m**2", "mu", "count")] == ["元", "%", "平方米", "亩", ""]
    assert units.classifiers["人"].human and units.classifiers["个"].counts == "generic"
    assert units.classifiers["人次"].counts != units.classifiers["人"].counts


def test_a_one_column_classifier_file_still_loads(tmp_path):
    extra = tmp_path / "more.txt"
    extra.write_text("盏\n", encoding="utf-8")
    units = Units(classifier_files=[extra])
    assert units.classifiers["盏"].counts == "盏" and units.words["盏"].unit == "count"


def test_registry_builds_where_the_cache_folder_cannot_be_made(tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    script = ("from zhtargets.units import default_units;"
              "u = default_units(); print(u.quantity(3, 'mu').to('hectare').magnitude)")
    env = {**os.environ, "ZHTARGETS_CACHE": str(blocker)}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert abs(float(run.stdout) - 0.2) < 1e-9
