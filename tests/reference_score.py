# Verbatim copy of the project's reference scorer, /work/shared/tools/score.py, kept
# here to cross-check zhtargets.evaluate. CI machines have /work/shared but users do
# not; this copy keeps tests/test_evaluate.py self-contained. Do not edit it by hand.
#!/usr/bin/env python3
"""Score predicted target records (and plan-to-actual links) against gold.

usage:
  score.py RAW_DIR GOLD_DIR PRED.jsonl [--links LINKS.jsonl] [--json]

PRED.jsonl: one predicted record per line, with at least
  doc, start, end            (character offsets into RAW_DIR/<doc>.txt)
and, where the system provides them,
  value, low, high, unit, comparator, kind, indicator, year, role.
GOLD_DIR may hold regions.json, {doc: [[start, end], ...]}: the only character
ranges of those documents that were annotated; predictions elsewhere are ignored.
LINKS.jsonl: one predicted link per line:
  doc, plan_start, plan_end, actual_start, actual_end (null when none), status.

Matching: a prediction matches a gold record when its span overlaps the gold
surface in any occurrence of the gold clause (documents repeat text); pairs are
assigned one-to-one by largest overlap. Predictions on a repeated occurrence of
an already-matched gold record are ignored; predictions matching a borderline
gold record count neither way. Field scores are over matched pairs.
"""
import argparse
import collections
import json
import math
import sys
from pathlib import Path

LOWER = {">=", ">"}
UPPER = {"<=", "<"}

# unit -> (dimension, factor to the dimension's base)
UNIT_TABLE = {
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
ALIASES = {"CNY": "yuan", "元": "yuan", "%": "percent", "m^2": "m**2",
           "square_meter": "m**2", "meter**2": "m**2", "kilometer": "km",
           "kilowatt": "kW", "hectares": "hectare", "microgram/m**3": "ug/m**3",
           "microgram / meter ** 3": "ug/m**3", "µg/m**3": "ug/m**3",
           "": "dimensionless", None: "dimensionless"}


def comparator_class(c):
    if c in LOWER:
        return "lower"
    if c in UPPER:
        return "upper"
    return {"~": "approx", "=": "exact", "range": "range"}.get(c, str(c))


def to_base(value, unit):
    unit = ALIASES.get(unit, unit)
    if value is None or unit not in UNIT_TABLE:
        return None, unit
    dim, factor = UNIT_TABLE[unit]
    return value * factor, dim


def same_number(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def value_ok(p, g):
    if g["comparator"] == "range":
        lo, dlo = to_base(p.get("low"), p.get("unit"))
        hi, dhi = to_base(p.get("high"), p.get("unit"))
        glo, gd = to_base(g["low"], g["unit"])
        ghi, _ = to_base(g["high"], g["unit"])
        return dlo == gd and same_number(lo, glo) and same_number(hi, ghi)
    pv, pd = to_base(p.get("value"), p.get("unit"))
    gv, gd = to_base(g["value"], g["unit"])
    if gv is None:  # unit outside the table: compare as written
        return p.get("unit") == g["unit"] and same_number(p.get("value"), g["value"])
    return pd == gd and same_number(pv, gv)


def char_f1(a, b):
    a, b = a or "", b or ""
    if not a and not b:
        return 1.0
    common = sum((collections.Counter(a) & collections.Counter(b)).values())
    if not common:
        return 0.0
    prec, rec = common / len(a), common / len(b)
    return 2 * prec * rec / (prec + rec)


def occurrences(text, needle):
    out, i = [], text.find(needle)
    while i != -1:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


NUMBER_CHARS = set("0123456789.０１２３４５６７８９．")


def bounded_occurrences(clause, surface):
    """Occurrences of surface in clause that do not sit inside a longer number."""
    def ok(i):
        before = clause[i - 1] if i else ""
        after = clause[i + len(surface)] if i + len(surface) < len(clause) else ""
        return not (surface[:1] in NUMBER_CHARS and before in NUMBER_CHARS and before) \
            and not (surface[-1:] in NUMBER_CHARS and after in NUMBER_CHARS and after)
    found = occurrences(clause, surface)
    return [i for i in found if ok(i)] or found


def load_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def gold_spans(gold, texts):
    """Each gold record's candidate spans, one per occurrence of its clause.

    Records that share clause and surface are told apart by order: when the
    surface repeats inside the clause they take successive places in it;
    otherwise (the same sentence in a plan cell and its completion cell) they
    take the clause's occurrences in the document round-robin.
    """
    groups = collections.defaultdict(list)
    for g in gold:
        groups[(g["doc"], g["clause"], g["surface"])].append(g)
    spans = {}
    for (doc, clause, surface), recs in groups.items():
        in_clause = bounded_occurrences(clause, surface)
        in_doc = occurrences(texts[doc], clause)
        for i, g in enumerate(recs):
            if len(recs) == 1 or len(in_clause) >= len(recs):
                off = in_clause[min(i, len(in_clause) - 1)]
                starts = in_doc
            else:
                off = in_clause[0]
                starts = in_doc[i::len(recs)]
            spans[g["id"]] = [(c + off, c + off + len(surface)) for c in starts]
    return spans


def match(preds, gold, spans):
    """One-to-one assignment of predictions to (gold id, occurrence) by overlap."""
    by_doc = collections.defaultdict(list)
    for g in gold:
        for k, (s, e) in enumerate(spans[g["id"]]):
            by_doc[g["doc"]].append((s, e, g["id"], k))
    pairs = []
    for i, p in enumerate(preds):
        for s, e, gid, k in by_doc.get(p["doc"], ()):
            ov = min(e, p["end"]) - max(s, p["start"])
            if ov > 0:
                pairs.append((ov, i, gid, k))
    pairs.sort(key=lambda t: (-t[0], t[1]))
    used_p, used_slot, assign = set(), set(), {}
    for ov, i, gid, k in pairs:
        if i in used_p or (gid, k) in used_slot:
            continue
        used_p.add(i)
        used_slot.add((gid, k))
        assign[i] = gid
    return assign


def score(raw_dir, gold_dir, pred_path, links_path=None):
    gold = [g for f in sorted(Path(gold_dir).glob("*.jsonl")) for g in load_jsonl(f)]
    docs = {g["doc"] for g in gold}
    texts = {d: (Path(raw_dir) / f"{d}.txt").read_text(encoding="utf-8") for d in docs}
    gold_by_id = {g["id"]: g for g in gold}
    preds = [p for p in load_jsonl(pred_path) if p["doc"] in docs]
    regions_file = Path(gold_dir) / "regions.json"
    if regions_file.exists():
        # Only these character ranges of each document were annotated.
        regions = json.loads(regions_file.read_text(encoding="utf-8"))
        preds = [p for p in preds
                 if p["doc"] not in regions
                 or any(s <= p["start"] < e for s, e in regions[p["doc"]])]
    spans = gold_spans(gold, texts)
    assign = match(preds, gold, spans)

    matched_gold, tp_pairs, fp, ignored = set(), [], 0, 0
    for i, p in enumerate(preds):
        gid = assign.get(i)
        if gid is None:
            fp += 1
            continue
        g = gold_by_id[gid]
        if g["borderline"] or gid in matched_gold:
            ignored += 1
            continue
        matched_gold.add(gid)
        tp_pairs.append((p, g))
    n_gold = sum(1 for g in gold if not g["borderline"])
    tp = len(tp_pairs)
    res = {"gold": n_gold, "predicted": len(preds), "tp": tp, "fp": fp,
           "ignored": ignored}
    res["precision"] = tp / (tp + fp) if tp + fp else 0.0
    res["recall"] = tp / n_gold if n_gold else 0.0
    pr = res["precision"] + res["recall"]
    res["f1"] = 2 * res["precision"] * res["recall"] / pr if pr else 0.0

    def acc(flags):
        flags = list(flags)
        return sum(flags) / len(flags) if flags else None

    res["value_unit_acc"] = acc(value_ok(p, g) for p, g in tp_pairs)
    res["comparator_acc"] = acc(comparator_class(p.get("comparator")) == comparator_class(g["comparator"])
                                for p, g in tp_pairs)
    res["kind_acc"] = acc(p.get("kind") == g["kind"] for p, g in tp_pairs)
    res["indicator_f1"] = acc(char_f1(p.get("indicator"), g["indicator"]) for p, g in tp_pairs)
    res["year_acc"] = acc(p.get("year") == g["year"] for p, g in tp_pairs if g["year"] is not None)
    res["role_acc"] = acc(p.get("role") == g["role"] for p, g in tp_pairs)
    exact = [value_ok(p, g) and comparator_class(p.get("comparator")) == comparator_class(g["comparator"])
             and p.get("kind") == g["kind"] for p, g in tp_pairs]
    res["exact_record_f1"] = (2 * sum(exact) / (len(preds) - ignored + n_gold)
                              if preds or n_gold else 0.0)

    per_doc = {}
    for d in sorted(docs):
        gd = sum(1 for g in gold if g["doc"] == d and not g["borderline"])
        td = sum(1 for p, g in tp_pairs if g["doc"] == d)
        pd = sum(1 for i, p in enumerate(preds) if p["doc"] == d and
                 (assign.get(i) is None or not gold_by_id[assign[i]]["borderline"]))
        per_doc[d] = {"gold": gd, "tp": td,
                      "recall": td / gd if gd else None}
    res["per_doc"] = per_doc
    res["missed"] = [gold_by_id[g]["surface"] + " | " + gold_by_id[g]["clause"][:30]
                     for g in sorted(set(gold_by_id) - matched_gold)
                     if not gold_by_id[g]["borderline"]][:40]
    res["false_positives"] = [texts[p["doc"]][p["start"]:p["end"]] for i, p in enumerate(preds)
                              if i not in assign][:40]

    if links_path:
        res["links"] = score_links(load_jsonl(links_path), gold, gold_by_id, spans)
    return res


def score_links(links, gold, gold_by_id, spans):
    """Plan->actual link precision/recall and status accuracy on 001-style gold."""
    plans = [g for g in gold if g["role"] == "plan" and "actual_ids" in g]
    gold_pairs = {(g["id"], a) for g in plans for a in g["actual_ids"]}

    def locate(doc, s, e):
        best, best_ov = None, 0
        for g in gold:
            if g["doc"] != doc:
                continue
            for gs, ge in spans[g["id"]]:
                ov = min(ge, e) - max(gs, s)
                if ov > best_ov:
                    best, best_ov = g["id"], ov
        return best

    pred_pairs, status = set(), {}
    for link in links:
        pid = locate(link["doc"], link["plan_start"], link["plan_end"])
        if pid is None:
            continue
        if link.get("actual_start") is not None:
            aid = locate(link["doc"], link["actual_start"], link["actual_end"])
            if aid is not None:
                pred_pairs.add((pid, aid))
        if link.get("status"):
            status[pid] = link["status"]
    tp = len(pred_pairs & gold_pairs)
    out = {"gold_pairs": len(gold_pairs), "predicted_pairs": len(pred_pairs), "tp": tp}
    out["precision"] = tp / len(pred_pairs) if pred_pairs else 0.0
    out["recall"] = tp / len(gold_pairs) if gold_pairs else 0.0
    pr = out["precision"] + out["recall"]
    out["f1"] = 2 * out["precision"] * out["recall"] / pr if pr else 0.0
    judged = [g for g in plans if not g["borderline"]]
    out["status_acc"] = (sum(status.get(g["id"]) == g["status"] for g in judged) / len(judged)
                         if judged else None)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw_dir")
    ap.add_argument("gold_dir")
    ap.add_argument("pred")
    ap.add_argument("--links")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res = score(a.raw_dir, a.gold_dir, a.pred, a.links)
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    for k, v in res.items():
        if k in {"missed", "false_positives", "per_doc"}:
            continue
        print(f"{k:16} {v:.3f}" if isinstance(v, float) else f"{k:16} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
