"""zhtargets.evaluate must report the reference scorer's figures.

Most tests build prediction sets, score them with both ``zhtargets.evaluate``
and ``tests/reference_score.py`` (a verbatim copy of the project's reference
scorer) and require identical results.  The fixture test computes one result by
hand, so a bug shared by both scorers would still show.
"""
from __future__ import annotations

import collections
import importlib.util
import json
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhtargets import evaluate
from zhtargets.evaluate import GoldError, format_report, load_gold, load_texts, read_jsonl, score

TESTS = Path(__file__).resolve().parent
RAW = TESTS.parent / "corpus" / "raw"
GOLD = TESTS.parent / "corpus" / "gold"
FIXTURE = TESTS / "fixtures" / "eval"
FIELDS = ("value", "low", "high", "unit", "comparator", "kind", "indicator", "year", "role")


# --------------------------------------------------------------------------
# The reference scorer and how to run it

@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("reference_score", TESTS / "reference_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def reference_result(reference, workdir: Path, preds, links=None, raw=RAW, gold=GOLD) -> dict:
    pred_path = write_jsonl(workdir / "pred.jsonl", preds)
    links_path = None if links is None else write_jsonl(workdir / "links.jsonl", links)
    return reference.score(str(raw), str(gold), str(pred_path), links_path and str(links_path))


def assert_same(ours: Any, ref: Any, where: str = "result") -> None:
    """Equal keys in equal order, equal types, floats equal to rounding."""
    assert type(ours) is type(ref), f"{where}: {type(ours).__name__} vs {type(ref).__name__}"
    if isinstance(ref, dict):
        assert list(ours) == list(ref), where
        for key in ref:
            assert_same(ours[key], ref[key], f"{where}[{key!r}]")
    elif isinstance(ref, float):
        assert ours == pytest.approx(ref, rel=1e-12, abs=1e-12), where
    else:
        assert ours == ref, where


# --------------------------------------------------------------------------
# Prediction sets on the bundled corpus

@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return load_gold(GOLD)


@pytest.fixture(scope="module")
def texts(gold) -> dict[str, str]:
    return load_texts(RAW, {g["doc"] for g in gold})


def all_places(text: str, needle: str) -> list[int]:
    return [m.start() for m in re.finditer(f"(?={re.escape(needle)})", text)]


CLAUSE_ENDS = set("，,；;。\n")


def surface_places(text: str, g: dict) -> list[int]:
    """Every place the record's surface sits in an occurrence of its clause, in text order.

    Occurrences that are part of a longer clause are skipped (an actual cell's
    完成…小区45个 inside the plan cell's 完成…小区45个以上), and so are places right
    after a digit (5% inside 15%), unless that leaves none.
    """
    def whole(c: int) -> bool:
        end = c + len(g["clause"])
        return (c == 0 or text[c - 1] in CLAUSE_ENDS) and (end == len(text) or text[end] in CLAUSE_ENDS)

    clauses = all_places(text, g["clause"])
    found = []
    for c in [c for c in clauses if whole(c)] or clauses:
        places = all_places(g["clause"], g["surface"])
        clean = [s for s in places if not (s and g["clause"][s - 1].isdigit())] or places
        found += [c + s for s in clean]
    return sorted(found)


def perfect_predictions(gold: list[dict], texts: dict[str, str]) -> list[dict]:
    """One correct prediction per gold record, borderline ones included.

    Records that share document, clause and surface (a plan cell and its
    completion cell saying the same thing) take the surface's places in turn,
    in gold order.
    """
    seen: collections.Counter = collections.Counter()
    preds = []
    for g in gold:
        key = (g["doc"], g["clause"], g["surface"])
        start = surface_places(texts[g["doc"]], g)[seen[key]]
        seen[key] += 1
        preds.append({"doc": g["doc"], "start": start, "end": start + len(g["surface"]),
                      **{k: g[k] for k in FIELDS}})
    return preds


def corrupt(p: dict, rng: random.Random) -> dict:
    """The same prediction with one field made wrong, or made different but equivalent."""
    p = dict(p)
    how = rng.choice(["value", "unit", "equivalent_unit", "comparator", "same_class",
                      "kind", "year", "indicator", "role", "range"])
    if how == "value" and p["value"] is not None:
        p["value"] *= 10
    elif how == "unit":
        p["unit"] = "count" if p["unit"] != "count" else "percent"
    elif how == "equivalent_unit":  # right quantity in another unit: still correct
        if p["unit"] == "mu" and p["value"] is not None:
            p["unit"], p["value"] = "hectare", p["value"] * (10000 / 15) / 1e4
        elif p["unit"] == "percent":
            p["unit"] = "%"
        elif p["unit"] == "yuan":
            p["unit"] = "CNY"
    elif how == "comparator":
        p["comparator"] = rng.choice([c for c in ("~", "=", "range", ">=") if c != p["comparator"]])
    elif how == "same_class":  # > for >= is not an error
        p["comparator"] = {">=": ">", ">": ">=", "<=": "<", "<": "<="}.get(p["comparator"], p["comparator"])
    elif how == "kind":
        p["kind"] = {"change": "level", "level": "amount", "amount": "change"}[p["kind"]]
    elif how == "year":
        p["year"] = None if p["year"] else 2024
    elif how == "indicator":
        p["indicator"] = (p["indicator"] or "")[: len(p["indicator"] or "") // 2] or None
    elif how == "role":
        p["role"] = "actual" if p["role"] == "plan" else "plan"
    elif how == "range" and p["comparator"] == "range":
        p["low"] = None
    return p


def perturbed_predictions(gold, texts, seed: int) -> list[dict]:
    rng = random.Random(seed)
    perfect = perfect_predictions(gold, texts)
    preds = []
    for n, p in enumerate(perfect):
        if n % 7 == 0:
            continue  # missed
        roll = rng.random()
        if roll < 0.15:
            shift = rng.choice([-3, -1, 1, 2, 4])
            p = {**p, "start": max(0, p["start"] + shift), "end": max(0, p["end"] + shift)}
        elif roll < 0.20:
            p = {**p, "start": max(0, p["start"] - 6), "end": p["end"] + 6}  # may reach a neighbour
        elif roll < 0.25:
            p = {**p, "end": p["start"]}  # empty span: overlaps nothing
        if rng.random() < 0.4:
            p = corrupt(p, rng)
        preds.append(p)

    # Second predictions on repeated occurrences (documents 001, 002, 003 repeat text).
    for g in rng.sample(gold, 120):
        places = surface_places(texts[g["doc"]], g)
        if len(places) > 1:
            start = rng.choice(places[1:])
            preds.append({"doc": g["doc"], "start": start, "end": start + len(g["surface"]),
                          **{k: g[k] for k in FIELDS}})

    # False positives: numbers nowhere near a gold surface.
    near_gold = collections.defaultdict(set)
    for g in gold:
        for s in surface_places(texts[g["doc"]], g):
            near_gold[g["doc"]].update(range(s - 2, s + len(g["surface"]) + 2))
    for doc, text in sorted(texts.items()):
        numbers = [m for m in re.finditer(r"\d+(?:\.\d+)?", text)
                   if not near_gold[doc] & set(range(m.start(), m.end()))]
        for m in rng.sample(numbers, min(25, len(numbers))):
            preds.append({"doc": doc, "start": m.start(), "end": m.end() + rng.randint(0, 2),
                          "value": float(m.group()), "unit": "count", "comparator": "=",
                          "kind": "amount", "role": "plan"})

    preds.append({"doc": "no_such_doc", "start": 0, "end": 3})  # skipped by both scorers
    rng.shuffle(preds)  # order settles ties, so it must not matter which scorer sees it
    return preds


def test_perfect_predictions_score_perfectly_and_match_reference(reference, gold, texts, tmp_path):
    preds = perfect_predictions(gold, texts)
    ours = score(RAW, GOLD, preds)
    assert_same(ours, reference_result(reference, tmp_path, preds))
    n_borderline = sum(g["borderline"] for g in gold)
    assert (ours["tp"], ours["fp"], ours["ignored"]) == (len(gold) - n_borderline, 0, n_borderline)
    for key in ("f1", "value_unit_acc", "comparator_acc", "kind_acc", "indicator_f1",
                "year_acc", "role_acc", "exact_record_f1"):
        assert ours[key] == 1.0, key


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_perturbed_predictions_match_reference(reference, gold, texts, tmp_path, seed):
    preds = perturbed_predictions(gold, texts, seed)
    ours = score(RAW, GOLD, preds)
    assert_same(ours, reference_result(reference, tmp_path, preds))
    # The set must exercise every outcome, or the comparison proves little.
    assert ours["tp"] and ours["fp"] and ours["ignored"] and ours["missed"]
    assert 0 < ours["kind_acc"] < 1 and 0 < ours["value_unit_acc"] < 1


def test_empty_predictions_match_reference(reference, tmp_path):
    ours = score(RAW, GOLD, [])
    assert_same(ours, reference_result(reference, tmp_path, []))
    assert ours["tp"] == 0 and ours["value_unit_acc"] is None and len(ours["missed"]) == 40


def test_per_doc_detail_adds_counts_that_add_up(gold, texts):
    preds = perturbed_predictions(gold, texts, 5)
    plain = score(RAW, GOLD, preds)
    detailed = score(RAW, GOLD, preds, per_doc_detail=True)
    assert {k: v for k, v in detailed.items() if k != "per_doc"} == \
        {k: v for k, v in plain.items() if k != "per_doc"}
    rows = detailed["per_doc"].values()
    for key in ("tp", "fp", "ignored", "predicted"):
        assert sum(r[key] for r in rows) == plain[key], key
    for doc, row in detailed["per_doc"].items():
        assert row["predicted"] == row["tp"] + row["fp"] + row["ignored"]
        assert {k: row[k] for k in ("gold", "tp", "recall")} == plain["per_doc"][doc]


# --------------------------------------------------------------------------
# Links (document 001)

def perfect_links(gold, texts) -> list[dict]:
    spans = {g["id"]: (p["start"], p["end"]) for g, p in zip(gold, perfect_predictions(gold, texts))}
    links = []
    for g in gold:
        if g["role"] != "plan" or "actual_ids" not in g:
            continue
        plan_start, plan_end = spans[g["id"]]
        for actual in g["actual_ids"] or [None]:
            actual_start, actual_end = spans[actual] if actual else (None, None)
            links.append({"doc": g["doc"], "plan_start": plan_start, "plan_end": plan_end,
                          "actual_start": actual_start, "actual_end": actual_end,
                          "status": g["status"]})
    return links


def perturbed_links(gold, texts, seed: int) -> list[dict]:
    rng = random.Random(seed)
    actual_spans = [(p["start"], p["end"]) for g, p in zip(gold, perfect_predictions(gold, texts))
                    if g["role"] == "actual"]
    links = []
    for n, link in enumerate(perfect_links(gold, texts)):
        if n % 5 == 0:
            continue
        link = dict(link)
        roll = rng.random()
        if roll < 0.2:
            link["actual_start"], link["actual_end"] = rng.choice(actual_spans)  # wrong actual
        elif roll < 0.3:
            link["status"] = rng.choice(["met", "not_met", "unknown", ""])
        elif roll < 0.35:
            link["plan_start"], link["plan_end"] = 0, 2  # on no record: dropped
        elif roll < 0.45:  # the same plan words in the table's second copy
            text, start, end = texts[link["doc"]], link["plan_start"], link["plan_end"]
            again = text.find(text[start:end], end)
            if again != -1:
                link["plan_start"], link["plan_end"] = again, again + end - start
        links.append(link)
    rng.shuffle(links)  # later links overwrite earlier status
    return links


LINK_SETS = {
    "perfect": perfect_links,
    "perturbed": lambda gold, texts: perturbed_links(gold, texts, 7),
    "empty": lambda gold, texts: [],
}


@pytest.mark.parametrize("name", LINK_SETS)
def test_links_match_reference(reference, gold, texts, tmp_path, name):
    links = LINK_SETS[name](gold, texts)
    preds = perfect_predictions(gold, texts)
    ours = score(RAW, GOLD, preds, links)
    assert_same(ours, reference_result(reference, tmp_path, preds, links))
    if name == "perfect":
        assert ours["links"]["f1"] == 1.0 and ours["links"]["status_acc"] == 1.0
    if name == "perturbed":
        assert 0 < ours["links"]["precision"] < 1 and 0 < ours["links"]["status_acc"] < 1


def test_last_status_for_a_plan_counts(reference, gold, texts, tmp_path):
    link = perfect_links(gold, texts)[0]
    wrong = "not_met" if link["status"] != "not_met" else "met"
    for order in ([{**link, "status": wrong}, link], [link, {**link, "status": wrong}]):
        ours = score(RAW, GOLD, [], order)["links"]
        assert_same(ours, reference_result(reference, tmp_path, [], order)["links"])
    judged = sum(1 for g in gold if g["role"] == "plan" and "actual_ids" in g and not g["borderline"])
    assert score(RAW, GOLD, [], [{**link, "status": wrong}, link])["links"]["status_acc"] == 1 / judged
    assert score(RAW, GOLD, [], [link, {**link, "status": wrong}])["links"]["status_acc"] == 0


# --------------------------------------------------------------------------
# A fixture scored by hand
#
# tests/fixtures/eval/raw/demo.txt:
#   2024年重点工作
#   1.到2025年，地区生产总值增长6%以上，固定资产投资达到120亿元。
#   2.打造两大商圈，新增学位2000个。
#   3.建成口袋公园8-10个。
#   附：新增学位2000个。
# gold: demo-1 6%以上 (year 2025), demo-2 120亿元 (year 2025), demo-3 两大
# (borderline), demo-4 2000个 (its clause is repeated on the 附 line),
# demo-5 8-10个 (a range).

def fixture_text() -> str:
    return (FIXTURE / "raw" / "demo.txt").read_text(encoding="utf-8")


def span(needle: str, nth: int = 0) -> dict:
    start = all_places(fixture_text(), needle)[nth]
    return {"doc": "demo", "start": start, "end": start + len(needle)}


def demo_predictions() -> list[dict]:
    right = {"comparator": "=", "kind": "amount", "role": "plan"}
    return [
        # p0: exact span, every field right -> TP (demo-1)
        {**span("6%以上"), "value": 6, "unit": "percent", "comparator": ">=", "kind": "change",
         "indicator": "地区生产总值", "year": 2025, "role": "plan"},
        # p1: "120亿" overlaps 4 of the 6 characters of 120亿元 -> TP (demo-2);
        # 元 is an alias of yuan, so value/unit is right; kind and year are wrong
        {**span("120亿"), "value": 1.2e10, "unit": "元", **right, "kind": "level",
         "indicator": "固定资产投资", "year": None},
        # p2: on the borderline demo-3 -> ignored
        {**span("两大"), "value": 2, "unit": "count", **right, "indicator": "商圈"},
        # p3: first occurrence of 新增学位2000个 -> TP (demo-4); indicator
        # 新增学位 vs 学位: 2 shared characters, P = 2/4, R = 2/2, F1 = 2/3; role wrong
        {**span("2000个"), "value": 2000, "unit": "count", **right, "indicator": "新增学位",
         "role": "actual"},
        # p4: the repeated occurrence on the 附 line -> ignored
        {**span("2000个", 1), "value": 2000, "unit": "count", **right, "indicator": "学位"},
        # p5, p6: dates -> false positives
        {**span("2024"), "value": 2024, "unit": "year", **right},
        {**span("2025"), "value": 2025, "unit": "year", **right},
    ]


def test_fixture_scored_by_hand(reference, tmp_path):
    raw, gold_dir = FIXTURE / "raw", FIXTURE / "gold"
    preds = demo_predictions()
    result = score(raw, gold_dir, preds)
    # gold = 4 non-borderline records (demo-1, -2, -4, -5); predicted = 7;
    # tp = 3 (p0, p1, p3); ignored = 2 (p2 borderline, p4 repeat); fp = 2 (p5, p6).
    # precision = 3 / (3 + 2) = 0.6; recall = 3 / 4 = 0.75;
    # f1 = 2 * 0.6 * 0.75 / (0.6 + 0.75) = 0.9 / 1.35 = 2/3.
    assert (result["gold"], result["predicted"], result["tp"], result["fp"], result["ignored"]) == \
        (4, 7, 3, 2, 2)
    assert result["precision"] == pytest.approx(0.6)
    assert result["recall"] == pytest.approx(0.75)
    assert result["f1"] == pytest.approx(2 / 3)
    # Field scores over the 3 TP pairs (p0, p1, p3):
    # value/unit 3/3; comparator 3/3; kind 2/3 (p1); indicator (1 + 1 + 2/3) / 3 = 8/9;
    # year only where gold has one (demo-1, demo-2): 1/2 (p1); role 2/3 (p3).
    assert result["value_unit_acc"] == 1.0
    assert result["comparator_acc"] == 1.0
    assert result["kind_acc"] == pytest.approx(2 / 3)
    assert result["indicator_f1"] == pytest.approx(8 / 9)
    assert result["year_acc"] == pytest.approx(1 / 2)
    assert result["role_acc"] == pytest.approx(2 / 3)
    # exact (value, comparator class and kind right): p0 and p3 -> 2;
    # exact_record_f1 = 2 * 2 / (predicted - ignored + gold) = 4 / (7 - 2 + 4) = 4/9.
    assert result["exact_record_f1"] == pytest.approx(4 / 9)
    assert result["per_doc"] == {"demo": {"gold": 4, "tp": 3, "recall": 0.75}}
    assert result["missed"] == ["8-10个 | 建成口袋公园8-10个"]
    assert result["false_positives"] == ["2024", "2025"]
    assert_same(result, reference_result(reference, tmp_path, preds, raw=raw, gold=gold_dir))

    detail = score(raw, gold_dir, preds, per_doc_detail=True)["per_doc"]["demo"]
    assert detail == {"gold": 4, "tp": 3, "recall": 0.75, "predicted": 7, "fp": 2, "ignored": 2,
                      "precision": pytest.approx(0.6), "f1": pytest.approx(2 / 3)}


@pytest.fixture()
def demo_with_regions(tmp_path) -> Path:
    """The fixture gold plus regions.json: only items 1-3 were annotated."""
    gold_dir = tmp_path / "gold"
    shutil.copytree(FIXTURE / "gold", gold_dir)
    text = fixture_text()
    start, end = text.index("1.到"), text.index("附：")
    (gold_dir / "regions.json").write_text(json.dumps({"demo": [[start, end]]}), encoding="utf-8")
    return gold_dir


def test_regions_drop_predictions_outside_them(reference, tmp_path, demo_with_regions):
    # p7 starts on the region's first character ("1" of "1.到"): inside, a false
    # positive; p8 starts on its end ("附"): outside, as ranges are half-open.
    preds = demo_predictions() + [span("1"), span("附")]
    result = score(FIXTURE / "raw", demo_with_regions, preds)
    # p4 (附 line), p5 (title) and p8 fall outside: predicted = 6 (p0-p3, p6, p7);
    # tp = 3; ignored = 1 (p2); fp = 2 (p6, p7).
    # precision = 3/5, recall = 3/4, f1 = 2 * 0.6 * 0.75 / 1.35 = 2/3;
    # exact_record_f1 = 2 * 2 / (6 - 1 + 4) = 4/9.
    assert (result["predicted"], result["tp"], result["fp"], result["ignored"]) == (6, 3, 2, 1)
    assert (result["precision"], result["recall"], result["f1"]) == pytest.approx((0.6, 0.75, 2 / 3))
    assert result["exact_record_f1"] == pytest.approx(4 / 9)
    assert result["false_positives"] == ["2025", "1"]
    assert_same(result, reference_result(reference, tmp_path, preds, raw=FIXTURE / "raw",
                                         gold=demo_with_regions))


# --------------------------------------------------------------------------
# Random predictions against the reference (small fixture, so many cases)

_UNITS = ["yuan", "元", "CNY", "percent", "%", "count", "mu", "hectare", "m**2", "km**2",
          "year", "dimensionless", "", None, "万元", "furlong"]
_numbers = st.one_of(st.none(), st.integers(-3, 3000), st.sampled_from([6, 6.0000001, 1.2e10, 2000]),
                     st.floats(-1e6, 1e6, allow_nan=False))
_prediction = st.fixed_dictionaries(
    {"doc": st.sampled_from(["demo", "demo", "demo", "other"]),
     "start": st.integers(0, 70), "end": st.integers(0, 8)},
    optional={"value": _numbers, "low": _numbers, "high": _numbers, "unit": st.sampled_from(_UNITS),
              "comparator": st.sampled_from([">=", ">", "<=", "<", "~", "=", "range", "?", None]),
              "kind": st.sampled_from(["change", "level", "amount"]),
              "indicator": st.sampled_from(["学位", "新增学位", "地区生产总值", "", None]),
              "year": st.sampled_from([2025, 2024, None]), "role": st.sampled_from(["plan", "actual"])},
).map(lambda p: {**p, "end": p["start"] + p["end"]})  # "end" was drawn as a length


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(preds=st.lists(_prediction, max_size=12), with_regions=st.booleans())
def test_random_predictions_match_reference(reference, demo_with_regions, preds, with_regions):
    gold_dir = demo_with_regions if with_regions else FIXTURE / "gold"
    ours = score(FIXTURE / "raw", gold_dir, preds)
    with tempfile.TemporaryDirectory() as workdir:
        ref = reference_result(reference, Path(workdir), preds, raw=FIXTURE / "raw", gold=gold_dir)
    assert_same(ours, ref)


_gold_quantity = st.fixed_dictionaries({
    "comparator": st.sampled_from(["range", "=", ">="]),
    "value": _numbers, "low": _numbers, "high": _numbers, "unit": st.sampled_from(_UNITS)})
_pred_quantity = st.fixed_dictionaries(
    {}, optional={"value": _numbers, "low": _numbers, "high": _numbers, "unit": st.sampled_from(_UNITS)})


@settings(max_examples=500, deadline=None)
@given(p=_pred_quantity, g=_gold_quantity, scale=st.sampled_from([1, 10000 / 15, 1e4, 1e6]))
def test_value_comparison_matches_reference(reference, p, g, scale):
    # Also try the gold quantity restated in another unit of the same dimension.
    if scale != 1 and g["value"] is not None:
        p = {**p, "value": g["value"] * scale}
    assert evaluate._value_ok(p, g) == reference.value_ok(p, g)


@given(st.sampled_from([">=", ">", "<=", "<", "~", "=", "range", "?", None, 3]))
def test_comparator_classes_match_reference(reference, comparator):
    assert evaluate._comparator_class(comparator) == reference.comparator_class(comparator)


# --------------------------------------------------------------------------
# Bad input

def demo_copy(tmp_path: Path, extra_line: str | None = None, replace_line: int | None = None) -> Path:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    lines = (FIXTURE / "gold" / "demo.jsonl").read_text(encoding="utf-8").splitlines()
    if replace_line is not None:
        lines[replace_line - 1] = extra_line
    elif extra_line is not None:
        lines.append(extra_line)
    (gold_dir / "demo.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gold_dir


def demo_record(**changes) -> str:
    record = json.loads((FIXTURE / "gold" / "demo.jsonl").read_text(encoding="utf-8").splitlines()[1])
    record.update({"id": "demo-9", **changes})
    return json.dumps({k: v for k, v in record.items() if v is not ...}, ensure_ascii=False)


BAD_GOLD = {
    "bad JSON": ('{"id": "demo-9", "doc": ', "bad JSON"),
    "not an object": ("[1, 2]", "expected a JSON object"),
    "missing field": (demo_record(surface=...), r"missing field\(s\): surface"),
    "range without bounds": (demo_record(comparator="range", low=...), r"missing field\(s\): low"),
    "surface not in clause": (demo_record(surface="130亿元"), "not in clause"),
    "clause not in document": (demo_record(clause="固定资产投资达到130亿元", surface="130亿元"),
                               "clause not found"),
    "unknown doc": (demo_record(doc="ghost"), "unknown doc 'ghost'"),
    "duplicate id": (demo_record(id="demo-1"), "duplicate id 'demo-1'"),
    "borderline not a boolean": (demo_record(borderline="false"), "borderline"),
    "empty surface": (demo_record(surface=""), "surface"),
    "dangling actual_ids": (demo_record(actual_ids=["demo-77"], status="met"), "unknown record"),
}


@pytest.mark.parametrize("line, reason", BAD_GOLD.values(), ids=BAD_GOLD.keys())
def test_malformed_gold_line_names_file_and_line(tmp_path, line, reason):
    gold_dir = demo_copy(tmp_path, line)  # appended as line 6
    with pytest.raises(GoldError, match=rf"demo\.jsonl:6: .*{reason}") as excinfo:
        score(FIXTURE / "raw", gold_dir, [])
    # The message is the whole story: no chained JSON or KeyError traceback.
    error = excinfo.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_malformed_gold_line_in_the_middle(tmp_path):
    gold_dir = demo_copy(tmp_path, '{"id": "demo-2"', replace_line=2)
    with pytest.raises(GoldError, match=r"demo\.jsonl:2: bad JSON"):
        load_gold(gold_dir)


def test_empty_gold_dir_is_an_error(tmp_path):
    with pytest.raises(GoldError, match="no gold files"):
        load_gold(tmp_path)


def test_missing_document_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="ghost"):
        load_texts(FIXTURE / "raw", ["demo", "ghost"])
    assert set(load_texts(FIXTURE / "raw", ["demo"])) == {"demo"}


@pytest.mark.parametrize("preds, message", [
    ([{"doc": "demo", "start": 0, "end": 1}, {"doc": "demo", "end": 3}], "prediction 1: missing start"),
    ([{"start": 0, "end": 1}], "prediction 0: missing doc"),
    ([{"doc": "demo", "start": "0", "end": 1}], "prediction 0: start/end must be integers"),
    ([{"doc": "demo", "start": 5, "end": 1}], "prediction 0: bad span 5-1"),
    ([{"doc": "demo", "start": 0, "end": 1, "value": "6%"}], "prediction 0: value must be"),
    (["demo 0 1"], "prediction 0: expected a dict"),
])
def test_malformed_prediction_names_its_index(preds, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        score(FIXTURE / "raw", FIXTURE / "gold", preds)


def test_malformed_link_names_its_index():
    links = [{"doc": "demo", "plan_start": 0, "plan_end": 2},
             {"doc": "demo", "plan_start": 0, "plan_end": 2, "actual_start": 5}]
    with pytest.raises(ValueError, match="link 1: missing actual_end"):
        score(FIXTURE / "raw", FIXTURE / "gold", [], links)


def test_read_jsonl(tmp_path):
    path = tmp_path / "preds.jsonl"
    path.write_text('{"doc": "demo", "start": 0, "end": 1}\n\n{"doc": "demo",\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"preds\.jsonl:3: bad JSON"):
        read_jsonl(path)
    path.write_text('\ufeff{"doc": "demo", "start": 0, "end": 1}\n\n', encoding="utf-8")
    assert read_jsonl(path) == [{"doc": "demo", "start": 0, "end": 1}]


# --------------------------------------------------------------------------
# Report

def reference_printout(reference, monkeypatch, capsys, workdir: Path, preds, links=None) -> list[str]:
    argv = ["score.py", str(RAW), str(GOLD), str(write_jsonl(workdir / "pred.jsonl", preds))]
    if links is not None:
        argv += ["--links", str(write_jsonl(workdir / "links.jsonl", links))]
    monkeypatch.setattr(sys, "argv", argv)
    assert reference.main() == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("with_links", [False, True])
def test_report_totals_are_the_reference_printout(reference, monkeypatch, capsys, tmp_path,
                                                  gold, texts, with_links):
    preds = perturbed_predictions(gold, texts, 11)
    links = perturbed_links(gold, texts, 11) if with_links else None
    report = format_report(score(RAW, GOLD, preds, links, per_doc_detail=True)).splitlines()
    printed = reference_printout(reference, monkeypatch, capsys, tmp_path, preds, links)
    # The reference prints the links dict on one line; we print a block instead.
    totals = [line for line in printed if not line.startswith("links ")]
    assert report[: len(totals)] == totals
    rest = report[len(totals):]
    docs = sorted({g["doc"] for g in gold})
    assert rest[0] == "" and rest[1].split() == ["document", "gold", "tp", "recall", "predicted",
                                                 "fp", "ignored", "precision", "f1"]
    assert [line.split()[0] for line in rest[2:2 + len(docs)]] == docs
    if with_links:
        assert rest[2 + len(docs):4 + len(docs)] == ["", "links"]
        assert rest[4 + len(docs)].split()[0] == "gold_pairs"
    else:
        assert len(rest) == 2 + len(docs)


def test_report_of_fixture():
    report = format_report(score(FIXTURE / "raw", FIXTURE / "gold", demo_predictions()))
    assert report.splitlines()[:8] == [
        "gold             4", "predicted        7", "tp               3", "fp               2",
        "ignored          2", "precision        0.600", "recall           0.750", "f1               0.667"]
    assert report.splitlines()[-2:] == ["document   gold     tp recall", "demo          4      3  0.750"]
