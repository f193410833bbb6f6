"""Score predicted target records against the gold corpus.

The figures are meant to be exactly those of the project's reference scorer
(``tools/score.py``), so a number quoted from either can be compared with the
other; ``tests/test_evaluate.py`` checks that on the bundled corpus.  What this
module adds is care with bad input: a malformed gold line stops the run with a
:class:`GoldError` that names the file and line, and a malformed prediction
stops it with a :class:`ValueError` that names the record.

Matching, in short: a prediction is a character span of a document.  It matches
a gold record when it overlaps the record's surface in *any* occurrence of the
record's clause, because the documents repeat text (a table printed twice, a
duplicated paragraph).  Predictions and (record, occurrence) slots are paired
one-to-one, largest overlap first.  A second prediction on another occurrence of
an already matched record is ignored rather than counted as a false positive,
and so is any prediction on a borderline record.  Field accuracies are taken
over the true-positive pairs.
"""
from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["GoldError", "load_gold", "load_texts", "read_jsonl", "score", "format_report",
           "score_cross_links", "score_reports"]

Record = Mapping[str, Any]
Span = tuple[int, int]
StrPath = str | os.PathLike[str]


class GoldError(ValueError):
    """A gold file that cannot be scored; the message starts with ``file:line:``."""


# --------------------------------------------------------------------------
# Reading JSON Lines

def _jsonl_objects(path: Path, error: type[ValueError]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; ``error`` for anything else."""
    try:
        # utf-8-sig: a BOM written by an editor must not break line 1.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    # Split on newlines only: str.splitlines would also split on U+2028 and
    # friends, which JSON may carry unescaped inside a string.
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{lineno}: bad JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise error(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
        yield lineno, obj


def read_jsonl(path: StrPath) -> list[dict[str, Any]]:
    """The objects of a JSON Lines file (blank lines skipped).

    Raises:
        ValueError: ``file:line: reason`` for a line that is not a JSON object.
    """
    return [obj for _, obj in _jsonl_objects(Path(path), ValueError)]


# --------------------------------------------------------------------------
# Gold

# Every field the scorer reads.  ``low``/``high`` are only read for ranges and
# ``status`` only for plans that carry ``actual_ids``; they are checked there.
_REQUIRED = ("id", "doc", "role", "clause", "surface", "indicator", "value", "unit",
             "comparator", "kind", "year", "borderline")


@dataclass(frozen=True, slots=True)
class _GoldLine:
    record: dict[str, Any]
    where: str  # "file:line", for error messages


def _check_record(g: Mapping[str, Any]) -> str | None:
    """Why a gold record cannot be scored, or None when it can."""
    missing = [k for k in _REQUIRED if k not in g]
    if g.get("comparator") == "range":
        missing += [k for k in ("low", "high") if k not in g]
    if missing:
        return f"missing field(s): {', '.join(missing)}"
    for key in ("id", "doc", "clause", "surface"):
        if not isinstance(g[key], str) or not g[key]:
            return f"{key!r} must be a non-empty string, got {g[key]!r}"
    # A string "false" would be truthy and silently drop the record from the score.
    if not isinstance(g["borderline"], bool):
        return f"'borderline' must be true or false, got {g['borderline']!r}"
    if g["surface"] not in g["clause"]:
        return f"surface {g['surface']!r} not in clause {g['clause']!r}"
    if "actual_ids" in g:
        ids = g["actual_ids"]
        if not isinstance(ids, list) or not all(isinstance(a, str) for a in ids):
            return f"'actual_ids' must be a list of ids, got {ids!r}"
        if g["role"] == "plan" and "status" not in g:
            return "missing field(s): status (a plan with actual_ids needs one)"
    return None


def _read_gold(gold_dir: StrPath) -> list[_GoldLine]:
    folder = Path(gold_dir)
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise GoldError(f"{folder}: no gold files (*.jsonl)")
    lines: list[_GoldLine] = []
    first_seen: dict[str, str] = {}
    for path in files:
        for lineno, record in _jsonl_objects(path, GoldError):
            where = f"{path}:{lineno}"
            reason = _check_record(record)
            if reason is None and record["id"] in first_seen:
                reason = f"duplicate id {record['id']!r} (first at {first_seen[record['id']]})"
            if reason:
                raise GoldError(f"{where}: {reason}")
            first_seen[record["id"]] = where
            lines.append(_GoldLine(record, where))
    # Only now are all ids known.
    for line in lines:
        unknown = [a for a in line.record.get("actual_ids", ()) if a not in first_seen]
        if unknown:
            raise GoldError(f"{line.where}: actual_ids name unknown record(s): {', '.join(unknown)}")
    return lines


def load_gold(gold_dir: StrPath) -> list[dict[str, Any]]:
    """All gold records of ``gold_dir/*.jsonl``, files in name order.

    Raises:
        GoldError: ``file:line: reason`` for bad JSON, a missing field, a
            surface that is not in its clause, a duplicate or unknown id.
    """
    return [line.record for line in _read_gold(gold_dir)]


def load_texts(raw_dir: StrPath, docs: Iterable[str]) -> dict[str, str]:
    """``{doc: text}`` read from ``raw_dir/<doc>.txt``.

    Raises:
        FileNotFoundError: naming every document that has no file.
    """
    folder = Path(raw_dir)
    docs = sorted(set(docs))
    missing = [d for d in docs if not (folder / f"{d}.txt").is_file()]
    if missing:
        raise FileNotFoundError(f"{folder}: no text for document(s) {', '.join(missing)} "
                                "(expected <doc>.txt)")
    # Plain text mode, as the reference reads them: offsets index that string.
    return {d: (folder / f"{d}.txt").read_text(encoding="utf-8") for d in docs}


def _texts_for(lines: Sequence[_GoldLine], raw_dir: StrPath) -> dict[str, str]:
    """The documents the gold needs, each clause checked against its text."""
    folder = Path(raw_dir)
    known: dict[str, bool] = {}
    for line in lines:
        doc = line.record["doc"]
        if doc not in known:
            known[doc] = (folder / f"{doc}.txt").is_file()
        if not known[doc]:
            raise GoldError(f"{line.where}: unknown doc {doc!r}: no {folder / (doc + '.txt')}")
    texts = load_texts(folder, known)
    for line in lines:
        if line.record["clause"] not in texts[line.record["doc"]]:
            raise GoldError(f"{line.where}: clause not found in document "
                            f"{line.record['doc']}: {line.record['clause']!r}")
    return texts


def _read_regions(gold_dir: StrPath) -> dict[str, list[Span]] | None:
    """The annotated ranges per document from ``regions.json``, if the file exists."""
    path = Path(gold_dir) / "regions.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}:{exc.lineno}: bad JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise GoldError(f"{path}: expected {{doc: [[start, end], ...]}}")
    regions: dict[str, list[Span]] = {}
    for doc, ranges in data.items():
        if not isinstance(ranges, list) or not all(
                isinstance(r, list) and len(r) == 2 and all(_is_int(x) for x in r) for r in ranges):
            raise GoldError(f"{path}: {doc}: expected a list of [start, end] integer pairs")
        regions[doc] = [(s, e) for s, e in ranges]
    return regions


# --------------------------------------------------------------------------
# Predictions

def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: object) -> bool:
    return x is None or (isinstance(x, (int, float)) and not isinstance(x, bool))


def _check_doc(kind: str, index: int, rec: Record) -> None:
    if not isinstance(rec["doc"], str):
        raise ValueError(f"{kind} {index}: 'doc' must be a string, got {rec['doc']!r}")


def _check_span(kind: str, index: int, rec: Record, start_key: str, end_key: str) -> None:
    start, end = rec[start_key], rec[end_key]
    if not (_is_int(start) and _is_int(end)):
        raise ValueError(f"{kind} {index}: {start_key}/{end_key} must be integers, "
                         f"got {start!r}, {end!r}")
    if not 0 <= start <= end:
        raise ValueError(f"{kind} {index}: bad span {start}-{end}")


def _checked_predictions(predictions: Iterable[Record]) -> list[Record]:
    out = []
    for index, p in enumerate(predictions):
        if not isinstance(p, Mapping):
            raise ValueError(f"prediction {index}: expected a dict, got {type(p).__name__}")
        missing = [k for k in ("doc", "start", "end") if k not in p]
        if missing:
            raise ValueError(f"prediction {index}: missing {', '.join(missing)}")
        _check_doc("prediction", index, p)
        _check_span("prediction", index, p, "start", "end")
        bad = [k for k in ("value", "low", "high") if not _is_number(p.get(k))]
        if bad:
            raise ValueError(f"prediction {index}: {', '.join(bad)} must be numbers or null")
        out.append(p)
    return out


def _checked_links(links: Iterable[Record]) -> list[Record]:
    out = []
    for index, link in enumerate(links):
        if not isinstance(link, Mapping):
            raise ValueError(f"link {index}: expected a dict, got {type(link).__name__}")
        needed = ["doc", "plan_start", "plan_end"]
        if link.get("actual_start") is not None:
            needed.append("actual_end")
        missing = [k for k in needed if k not in link]
        if missing:
            raise ValueError(f"link {index}: missing {', '.join(missing)}")
        _check_doc("link", index, link)
        _check_span("link", index, link, "plan_start", "plan_end")
        if link.get("actual_start") is not None:
            _check_span("link", index, link, "actual_start", "actual_end")
        out.append(link)
    return out


# --------------------------------------------------------------------------
# Where each gold record can be matched

_NUMBER_CHARS = frozenset("0123456789.０１２３４５６７８９．")


def _occurrences(haystack: str, needle: str) -> list[int]:
    """Start of every occurrence of needle, overlapping ones included."""
    found, i = [], haystack.find(needle)
    while i != -1:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


def _surface_offsets(clause: str, surface: str) -> list[int]:
    """Where surface sits in clause, not counting places inside a longer number.

    ``5%`` must be found in ``增长15%、5%`` at the second place, not inside 15%;
    when every place is inside a number, all of them are kept.
    """
    def inside_number(i: int) -> bool:
        before = clause[i - 1] if i > 0 else ""
        after = clause[i + len(surface)] if i + len(surface) < len(clause) else ""
        return ((surface[0] in _NUMBER_CHARS and before in _NUMBER_CHARS)
                or (surface[-1] in _NUMBER_CHARS and after in _NUMBER_CHARS))

    found = _occurrences(clause, surface)
    return [i for i in found if not inside_number(i)] or found


def _gold_spans(gold: Sequence[Record], texts: Mapping[str, str]) -> dict[str, list[Span]]:
    """Each record's candidate spans: its surface in every occurrence of its clause.

    Records sharing doc, clause and surface are told apart by their order in
    the gold.  If the surface recurs within the clause often enough, the n-th
    record takes its n-th place there.  Otherwise the clause itself recurs
    (a plan cell and its completion cell say the same sentence), and the
    records take the clause's occurrences in turn: with two records, the first
    gets occurrences 0, 2, 4 ... and the second 1, 3, 5 ...
    """
    groups: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
    for g in gold:
        groups[g["doc"], g["clause"], g["surface"]].append(g)
    spans: dict[str, list[Span]] = {}
    for (doc, clause, surface), records in groups.items():
        in_clause = _surface_offsets(clause, surface)
        in_doc = _occurrences(texts[doc], clause)
        n = len(records)
        for i, g in enumerate(records):
            if len(in_clause) >= n:  # always so for a lone record
                offset, starts = in_clause[min(i, len(in_clause) - 1)], in_doc
            else:
                offset, starts = in_clause[0], in_doc[i::n]
            spans[g["id"]] = [(s + offset, s + offset + len(surface)) for s in starts]
    return spans


@dataclass(frozen=True, slots=True)
class _Slot:
    start: int
    end: int
    gold_id: str
    occurrence: int


def _slots_by_doc(gold: Sequence[Record], spans: Mapping[str, list[Span]]) -> dict[str, list[_Slot]]:
    # Gold order is kept: it settles ties between equal overlaps.
    slots: dict[str, list[_Slot]] = defaultdict(list)
    for g in gold:
        for k, (s, e) in enumerate(spans[g["id"]]):
            slots[g["doc"]].append(_Slot(s, e, g["id"], k))
    return slots


def _overlap(start: int, end: int, slot: _Slot) -> int:
    return min(end, slot.end) - max(start, slot.start)


def _assign(preds: Sequence[Record], slots: Mapping[str, list[_Slot]]) -> dict[int, str]:
    """Prediction index -> gold id, one-to-one over slots, greedy by overlap.

    Ties go to the earlier prediction, then to the earlier slot in gold order.
    """
    candidates = []
    for i, p in enumerate(preds):
        for slot in slots.get(p["doc"], ()):
            overlap = _overlap(p["start"], p["end"], slot)
            if overlap > 0:
                candidates.append((overlap, i, slot))
    candidates.sort(key=lambda c: (-c[0], c[1]))  # stable: slot order survives
    taken_preds: set[int] = set()
    taken_slots: set[tuple[str, int]] = set()
    assignment: dict[int, str] = {}
    for _, i, slot in candidates:
        key = (slot.gold_id, slot.occurrence)
        if i in taken_preds or key in taken_slots:
            continue
        taken_preds.add(i)
        taken_slots.add(key)
        assignment[i] = slot.gold_id
    return assignment


# --------------------------------------------------------------------------
# Field comparisons

# unit -> (dimension, factor to the dimension's base unit)
_UNITS: dict[str, tuple[str, float]] = {
    "yuan": ("money_cny", 1), "USD": ("money_usd", 1),
    "percent": ("percent", 1), "percentage_point": ("pp", 1),
    "m**2": ("area", 1), "km**2": ("area", 1e6), "mu": ("area", 10000 / 15),
    "hectare": ("area", 1e4), "m**3": ("volume", 1),
    "km": ("length", 1000), "m": ("length", 1),
    "kW": ("power", 1), "kWh": ("energy", 1),
    "t": ("mass", 1000), "jin": ("mass", 0.5),
    "ug/m**3": ("concentration", 1),
    "year": ("time", 365.25 * 86400), "day": ("time", 86400),
    "hour": ("time", 3600), "minute": ("time", 60),
    "dimensionless": ("none", 1), "count": ("count", 1),
}
# Other spellings systems emit for the same units; no unit means a plain number.
# A verbatim mirror of the reference scorer's ALIASES (tools/score.py), 元
# included, so that `zhtargets eval` compares units exactly as the scorer
# does: a spelling another system may emit, not a word the extractor reads,
# which is why it stays here and not in lexicons/.
_UNIT_ALIASES: dict[str | None, str] = {
    "CNY": "yuan", "元": "yuan", "%": "percent", "m^2": "m**2",
    "square_meter": "m**2", "meter**2": "m**2", "kilometer": "km",
    "kilowatt": "kW", "hectares": "hectare", "microgram/m**3": "ug/m**3",
    "microgram / meter ** 3": "ug/m**3", "µg/m**3": "ug/m**3",
    "": "dimensionless", None: "dimensionless",
}
_COMPARATOR_CLASS = {">=": "lower", ">": "lower", "<=": "upper", "<": "upper",
                     "~": "approx", "=": "exact", "range": "range"}


def _comparator_class(c: Any) -> str:
    # >= and > (or <= and <) are one class: 以上 versus 超过 is too fine a call.
    return _COMPARATOR_CLASS.get(c, str(c))


def _to_base(value: float | None, unit: Any) -> tuple[float | None, str]:
    """(value in the base unit, dimension), or (None, unit name) when not convertible.

    The second item doubles as a compatibility tag: two quantities are
    comparable when their tags are equal, whether that is a shared dimension
    or, for unconvertible ones, the same unit name.
    """
    unit = _UNIT_ALIASES.get(unit, unit)
    if value is None or unit not in _UNITS:
        return None, unit
    dimension, factor = _UNITS[unit]
    return value * factor, dimension


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _value_ok(p: Record, g: Record) -> bool:
    """Whether the prediction states the gold quantity, in any unit of its dimension."""
    if g["comparator"] == "range":
        low, tag = _to_base(p.get("low"), p.get("unit"))
        high, _ = _to_base(p.get("high"), p.get("unit"))
        gold_low, gold_tag = _to_base(g["low"], g["unit"])
        gold_high, _ = _to_base(g["high"], g["unit"])
        return tag == gold_tag and _same_number(low, gold_low) and _same_number(high, gold_high)
    value, tag = _to_base(p.get("value"), p.get("unit"))
    gold_value, gold_tag = _to_base(g["value"], g["unit"])
    if gold_value is None:
        # A gold unit outside the table (or no value) is compared as written.
        return p.get("unit") == g["unit"] and _same_number(p.get("value"), g["value"])
    return tag == gold_tag and _same_number(value, gold_value)


def _char_f1(predicted: str | None, gold: str | None) -> float:
    """F1 over the characters two phrases share, order ignored."""
    a, b = predicted or "", gold or ""
    if not a and not b:
        return 1.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def _exact(p: Record, g: Record) -> bool:
    return (_value_ok(p, g) and _comparator_class(p.get("comparator")) == _comparator_class(g["comparator"])
            and p.get("kind") == g["kind"])


def _mean(scores: Iterable[float]) -> float | None:
    scores = list(scores)
    return sum(scores) / len(scores) if scores else None


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


# --------------------------------------------------------------------------
# Scoring

@dataclass
class _Outcome:
    """What became of each prediction."""
    pairs: list[tuple[Record, Record]]  # (prediction, gold), prediction order
    false_positives: list[int]
    ignored: list[int]


def _judge(preds: Sequence[Record], assignment: Mapping[int, str],
           gold_by_id: Mapping[str, Record]) -> _Outcome:
    outcome = _Outcome([], [], [])
    matched: set[str] = set()
    # In prediction order, so the first prediction on a record is its pair.
    for i, p in enumerate(preds):
        gold_id = assignment.get(i)
        if gold_id is None:
            outcome.false_positives.append(i)
        elif gold_by_id[gold_id]["borderline"] or gold_id in matched:
            outcome.ignored.append(i)
        else:
            matched.add(gold_id)
            outcome.pairs.append((p, gold_by_id[gold_id]))
    return outcome


def _in_regions(p: Record, regions: Mapping[str, list[Span]] | None) -> bool:
    if regions is None or p["doc"] not in regions:
        return True
    return any(s <= p["start"] < e for s, e in regions[p["doc"]])


def _per_doc(docs: Iterable[str], gold: Sequence[Record], preds: Sequence[Record],
             outcome: _Outcome, detail: bool) -> dict[str, dict[str, Any]]:
    gold_n = Counter(g["doc"] for g in gold if not g["borderline"])
    tp_n = Counter(g["doc"] for _, g in outcome.pairs)
    fp_n = Counter(preds[i]["doc"] for i in outcome.false_positives)
    ignored_n = Counter(preds[i]["doc"] for i in outcome.ignored)
    pred_n = Counter(p["doc"] for p in preds)
    table: dict[str, dict[str, Any]] = {}
    for d in sorted(docs):
        row: dict[str, Any] = {"gold": gold_n[d], "tp": tp_n[d],
                               "recall": tp_n[d] / gold_n[d] if gold_n[d] else None}
        if detail:
            judged = tp_n[d] + fp_n[d]
            precision = tp_n[d] / judged if judged else 0.0
            row.update(predicted=pred_n[d], fp=fp_n[d], ignored=ignored_n[d],
                       precision=precision, f1=_f1(precision, row["recall"] or 0.0))
        table[d] = row
    return table


def score(raw_dir: StrPath, gold_dir: StrPath, predictions: Iterable[Record],
          links: Iterable[Record] | None = None, *, per_doc_detail: bool = False) -> dict[str, Any]:
    """Score predicted records (and plan-to-actual links) against the gold.

    Args:
        raw_dir: folder of ``<doc>.txt`` files the offsets index.
        gold_dir: folder of gold ``*.jsonl`` files, optionally ``regions.json``
            (``{doc: [[start, end], ...]}``: the only annotated ranges; other
            predictions in those documents are dropped before scoring).
        predictions: dicts with ``doc``, ``start``, ``end`` and optionally
            ``value``, ``low``, ``high``, ``unit``, ``comparator``, ``kind``,
            ``indicator``, ``year``, ``role``.  Documents without gold are
            skipped.
        links: dicts with ``doc``, ``plan_start``, ``plan_end``,
            ``actual_start``/``actual_end`` (null when none) and ``status``.
        per_doc_detail: also give each ``per_doc`` entry ``predicted``, ``fp``,
            ``ignored``, ``precision`` and ``f1``.  Off by default, which keeps
            the result identical to the reference scorer's.

    Returns:
        The reference scorer's result: gold, predicted, tp, fp, ignored,
        precision, recall, f1, the field scores (None when nothing matched),
        exact_record_f1, per_doc, missed and false_positives (first 40 each),
        and links when ``links`` is given.

    Raises:
        GoldError: for gold that cannot be scored (``file:line: reason``).
        ValueError: for a malformed prediction or link, naming its index
            (its 0-based position in ``predictions`` or ``links``).
    """
    preds = _checked_predictions(predictions)
    link_list = None if links is None else _checked_links(links)
    lines = _read_gold(gold_dir)
    gold = [line.record for line in lines]
    texts = _texts_for(lines, raw_dir)
    regions = _read_regions(gold_dir)
    gold_by_id = {g["id"]: g for g in gold}

    preds = [p for p in preds if p["doc"] in texts and _in_regions(p, regions)]
    spans = _gold_spans(gold, texts)
    slots = _slots_by_doc(gold, spans)
    assignment = _assign(preds, slots)
    outcome = _judge(preds, assignment, gold_by_id)

    n_gold = sum(1 for g in gold if not g["borderline"])
    tp, fp, ignored = len(outcome.pairs), len(outcome.false_positives), len(outcome.ignored)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / n_gold if n_gold else 0.0
    pairs = outcome.pairs
    exact = sum(_exact(p, g) for p, g in pairs)
    # Ignored predictions leave the denominator as they leave precision.
    judged = len(preds) - ignored + n_gold

    result: dict[str, Any] = {
        "gold": n_gold, "predicted": len(preds), "tp": tp, "fp": fp, "ignored": ignored,
        "precision": precision, "recall": recall, "f1": _f1(precision, recall),
        "value_unit_acc": _mean(_value_ok(p, g) for p, g in pairs),
        "comparator_acc": _mean(_comparator_class(p.get("comparator")) == _comparator_class(g["comparator"])
                                for p, g in pairs),
        "kind_acc": _mean(p.get("kind") == g["kind"] for p, g in pairs),
        "indicator_f1": _mean(_char_f1(p.get("indicator"), g["indicator"]) for p, g in pairs),
        # Year is only scored where the gold states one.
        "year_acc": _mean(p.get("year") == g["year"] for p, g in pairs if g["year"] is not None),
        "role_acc": _mean(p.get("role") == g["role"] for p, g in pairs),
        "exact_record_f1": 2 * exact / judged if judged else 0.0,
        "per_doc": _per_doc(texts, gold, preds, outcome, per_doc_detail),
        "missed": _missed(gold, {g["id"] for _, g in pairs}),
        "false_positives": [texts[preds[i]["doc"]][preds[i]["start"]:preds[i]["end"]]
                            for i in outcome.false_positives][:_LIST_LIMIT],
    }
    if link_list is not None:
        result["links"] = _score_links(link_list, gold, slots)
    return result


_LIST_LIMIT = 40  # missed / false_positives are samples to read, not the full lists


def _missed(gold: Sequence[Record], matched: set[str]) -> list[str]:
    missed = sorted((g for g in gold if not g["borderline"] and g["id"] not in matched),
                    key=lambda g: g["id"])
    return [f"{g['surface']} | {g['clause'][:30]}" for g in missed][:_LIST_LIMIT]


def _locate(slots: Mapping[str, list[_Slot]], doc: str, start: int, end: int) -> str | None:
    """The gold record with the largest overlap with a span (the first on ties)."""
    best, best_overlap = None, 0
    for slot in slots.get(doc, ()):
        overlap = _overlap(start, end, slot)
        if overlap > best_overlap:
            best, best_overlap = slot.gold_id, overlap
    return best


def _score_links(links: Sequence[Record], gold: Sequence[Record],
                 slots: Mapping[str, list[_Slot]]) -> dict[str, Any]:
    """Plan->actual link precision/recall and status accuracy (001-style gold)."""
    plans = [g for g in gold if g["role"] == "plan" and "actual_ids" in g]
    gold_pairs = {(g["id"], a) for g in plans for a in g["actual_ids"]}
    predicted_pairs: set[tuple[str, str]] = set()
    status: dict[str, Any] = {}
    for link in links:
        plan_id = _locate(slots, link["doc"], link["plan_start"], link["plan_end"])
        if plan_id is None:
            continue
        if link.get("actual_start") is not None:
            actual_id = _locate(slots, link["doc"], link["actual_start"], link["actual_end"])
            if actual_id is not None:
                predicted_pairs.add((plan_id, actual_id))
        if link.get("status"):
            status[plan_id] = link["status"]  # the last word on a plan counts
    tp = len(predicted_pairs & gold_pairs)
    precision = tp / len(predicted_pairs) if predicted_pairs else 0.0
    recall = tp / len(gold_pairs) if gold_pairs else 0.0
    judged = [g for g in plans if not g["borderline"]]
    return {
        "gold_pairs": len(gold_pairs), "predicted_pairs": len(predicted_pairs), "tp": tp,
        "precision": precision, "recall": recall, "f1": _f1(precision, recall),
        "status_acc": _mean(status.get(g["id"]) == g["status"] for g in judged),
    }


# --------------------------------------------------------------------------
# Report

_NOT_TOTALS = frozenset({"per_doc", "missed", "false_positives", "links", "reports"})


def _line(key: str, value: Any, indent: str = "") -> str:
    # The reference scorer's layout, so reports can be diffed against its output.
    return f"{indent}{key:16} {value:.3f}" if isinstance(value, float) else f"{indent}{key:16} {value}"


def _cell(value: Any, width: int) -> str:
    if value is None:
        return f"{'-':>{width}}"
    return f"{value:>{width}.3f}" if isinstance(value, float) else f"{value:>{width}}"


def _per_doc_lines(per_doc: Mapping[str, Mapping[str, Any]]) -> list[str]:
    if not per_doc:
        return []
    columns = ["gold", "tp", "recall"]
    # Present only when score() ran with per_doc_detail=True.
    if all("fp" in row for row in per_doc.values()):
        columns += ["predicted", "fp", "ignored", "precision", "f1"]
    widths = [max(len(c), 6) for c in columns]
    doc_width = max(len("document"), *(len(d) for d in per_doc))
    lines = [f"{'document':{doc_width}} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths))]
    for doc, row in per_doc.items():
        cells = " ".join(_cell(row.get(c), w) for c, w in zip(columns, widths))
        lines.append(f"{doc:{doc_width}} {cells}")
    return lines


def format_report(result: Mapping[str, Any]) -> str:
    """A plain-text report of a :func:`score` result.

    The totals come first, one ``key value`` line each exactly as the
    reference scorer prints them; then a table with one line per document;
    then the link scores when the result has them.
    """
    lines = [_line(k, v) for k, v in result.items() if k not in _NOT_TOTALS]
    per_doc = _per_doc_lines(result.get("per_doc", {}))
    if per_doc:
        lines += ["", *per_doc]
    if "links" in result:
        lines += ["", "links"] + [_line(k, v, "  ") for k, v in result["links"].items()]
    if "reports" in result:
        reports = result["reports"]
        lines += ["", "reports (corpus/reports): targets"]
        lines += [_line(k, v, "  ") for k, v in reports["targets"].items()]
        lines += ["reports: links across documents (score_links.py)"]
        lines += [_line(k, v, "  ") for k, v in reports["links"].items()]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Links across documents (corpus/reports/links.jsonl)

def _stem(name: str | None) -> str | None:
    return name[:-4] if name and name.endswith(".txt") else name


def _overlaps(start: Any, end: Any, gold_start: int, gold_end: int) -> bool:
    return start is not None and end is not None and min(end, gold_end) - max(start, gold_start) > 0


def score_cross_links(gold: Sequence[Record], preds: Sequence[Record]) -> dict[str, Any]:
    """Plan→result links across documents against gold link lines, with the
    figures of the project's ``score_links.py``.

    A gold pair (a line with an ``actual_value``) is found when one predicted
    line's plan span overlaps the gold ``plan_text`` and its actual span the
    gold ``actual_text``; status accuracy is over every gold line (right when
    some predicted line on that plan carries the gold status); precision over
    the predicted links whose plan overlaps a gold plan.
    """
    spans = []
    for g in gold:
        start = g["plan_char_offset"]
        a_start = g.get("actual_char_offset")
        has = bool(g.get("actual_text"))
        spans.append((_stem(g["plan_doc"]), start, start + len(g["plan_text"]),
                      _stem(g.get("actual_doc")) if has else None, a_start,
                      a_start + len(g["actual_text"]) if has else None))
    preds = [{**p, "plan_doc": _stem(p.get("plan_doc") or p.get("doc")),
              "actual_doc": _stem(p.get("actual_doc") or p.get("doc"))} for p in preds]
    by_doc: dict[str | None, list[Record]] = defaultdict(list)
    for p in preds:
        by_doc[p["plan_doc"]].append(p)
    found = right = 0
    pairs = 0
    for g, (doc, start, end, a_doc, a_start, a_end) in zip(gold, spans):
        mine = [p for p in by_doc[doc] if _overlaps(p.get("plan_start"), p.get("plan_end"),
                                                    start, end)]
        right += any(p.get("status") == g["status"] for p in mine)
        if g.get("actual_doc") and g.get("actual_value") is not None:
            pairs += 1
            found += any(p["actual_doc"] == a_doc and _overlaps(p.get("actual_start"),
                                                                p.get("actual_end"), a_start, a_end)
                         for p in mine)
    considered = correct = 0
    for p in preds:
        if p.get("actual_start") is None:
            continue
        hits = [sp for sp in spans if sp[0] == p["plan_doc"]
                and _overlaps(p.get("plan_start"), p.get("plan_end"), sp[1], sp[2])]
        if hits:
            considered += 1
            correct += any(a_doc is not None and p["actual_doc"] == a_doc
                           and _overlaps(p.get("actual_start"), p.get("actual_end"), a_s, a_e)
                           for _, _, _, a_doc, a_s, a_e in hits)
    precision = correct / considered if considered else 0.0
    recall = found / pairs if pairs else 0.0
    return {"gold_pairs": pairs, "found": found, "recall": recall, "precision": precision,
            "status_acc": right / len(gold) if gold else 0.0, "f1": _f1(precision, recall)}


def score_reports(folder: StrPath) -> dict[str, Any]:
    """Extraction and cross-document link figures of a folder laid out like
    ``corpus/reports``: ``raw/``, ``gold/`` and ``links.jsonl``, each plan
    document linked to the report its gold lines name."""
    from .document import read_document
    from .link import link_records

    folder = Path(folder)
    docs = {p.stem: read_document(p) for p in sorted((folder / "raw").glob("*.txt"))}
    preds = [{"doc": name, **t.to_dict()} for name, d in docs.items() for t in d.targets]
    gold_links = read_jsonl(folder / "links.jsonl")
    pairs = dict.fromkeys((_stem(g["plan_doc"]), _stem(g["actual_doc"])) for g in gold_links
                          if g.get("actual_doc"))
    predicted = [r for plan, report in pairs if plan in docs and report in docs
                 for r in link_records(docs[plan].link(docs[report]))]
    result = score(folder / "raw", folder / "gold", preds)
    totals = {k: v for k, v in result.items() if k not in _NOT_TOTALS}
    return {"targets": totals, "links": score_cross_links(gold_links, predicted)}
