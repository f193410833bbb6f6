# Verbatim copy of the project's cross-document link scorer, /work/shared/tools/score_links.py,
# kept here to cross-check zhtargets.evaluate.score_cross_links. Do not edit it by hand.
#!/usr/bin/env python3
"""Score cross-document plan->actual links against gold link lines.

usage: score_links.py GOLD_LINKS.jsonl PRED_LINKS.jsonl [PRED_LINKS.jsonl ...] [--json]

Gold lines (e.g. corpus/reports/links.jsonl): plan_doc, plan_text, plan_char_offset,
actual_doc, actual_text, actual_char_offset (null when the next report states no
result), actual_value, status.
Predicted lines (the project's `zhtargets link PLAN REPORT --format jsonl`):
plan_doc and actual_doc (file names with or without .txt; `doc` stands for both
when absent), plan_start, plan_end, actual_start, actual_end, status. Several
prediction files (one per document pair) may be given; they are read together.

Same logic as eval/score_xdoc_links.py, except for precision:
- a gold pair (a gold line with an actual_value) is found when one predicted
  line's plan span overlaps the gold plan text and its actual span overlaps the
  gold actual text (same documents);
- recall = found / gold pairs;
- status accuracy is over every gold line: right when some predicted line whose
  plan span overlaps the gold plan text carries the gold status;
- precision is counted only over predicted lines that have an actual span and
  whose plan span overlaps a gold plan text: correct when the actual span
  overlaps the gold actual text of (one of) the gold lines it overlaps. Links
  from plans that are not gold targets count neither way, so correct extra links
  to non-gold targets do not lower precision; a predicted result for a gold plan
  whose next report states none (status unknown) counts against it.
"""
import json
import sys


def stem(name):
    return name[:-4] if name and name.endswith(".txt") else name


def overlaps(s, e, gs, ge):
    return s is not None and e is not None and min(e, ge) - max(s, gs) > 0


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(gold, preds):
    for p in preds:
        p["plan_doc"] = stem(p.get("plan_doc") or p.get("doc"))
        p["actual_doc"] = stem(p.get("actual_doc") or p.get("doc"))
    spans = []
    for g in gold:
        gs = g["plan_char_offset"]
        a_s = g.get("actual_char_offset")
        spans.append((stem(g["plan_doc"]), gs, gs + len(g["plan_text"]),
                      stem(g.get("actual_doc")) if g.get("actual_text") else None,
                      a_s, a_s + len(g["actual_text"]) if g.get("actual_text") else None))

    found, judged, right = 0, 0, 0
    pairs = [g for g in gold if g.get("actual_doc") and g.get("actual_value") is not None]
    missed = []
    for g, (pdoc, gs, ge, adoc, a_s, a_e) in zip(gold, spans):
        mine = [p for p in preds if p["plan_doc"] == pdoc
                and overlaps(p.get("plan_start"), p.get("plan_end"), gs, ge)]
        if mine:
            judged += 1
            right += any(p.get("status") == g["status"] for p in mine)
        if g in pairs:
            hit = any(p["actual_doc"] == adoc
                      and overlaps(p.get("actual_start"), p.get("actual_end"), a_s, a_e)
                      for p in mine)
            found += hit
            if not hit:
                missed.append(f'{g.get("year", g.get("period"))} {g["plan_text"]} -> {g["actual_text"]}')

    considered, correct = 0, 0
    for p in preds:
        if p.get("actual_start") is None:
            continue
        hits = [sp for sp in spans if sp[0] == p["plan_doc"]
                and overlaps(p.get("plan_start"), p.get("plan_end"), sp[1], sp[2])]
        if not hits:
            continue
        considered += 1
        correct += any(adoc is not None and p["actual_doc"] == adoc
                       and overlaps(p.get("actual_start"), p.get("actual_end"), a_s, a_e)
                       for _, _, _, adoc, a_s, a_e in hits)

    res = {"gold_pairs": len(pairs), "found": found,
           "recall": found / len(pairs) if pairs else 0.0,
           "precision": correct / considered if considered else 0.0,
           "pred_links_on_gold_plans": considered, "correct_links": correct,
           "pred_links_total": sum(1 for p in preds if p.get("actual_start") is not None),
           "plans_covered": judged, "gold_lines": len(gold),
           "status_acc": right / len(gold) if gold else 0.0}
    pr = res["precision"] + res["recall"]
    res["f1"] = 2 * res["precision"] * res["recall"] / pr if pr else 0.0
    res["missed_pairs"] = missed
    return res


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    if len(args) < 2:
        print(__doc__)
        return 2
    gold = load(args[0])
    preds = [p for path in args[1:] for p in load(path)]
    res = score(gold, preds)
    if "--json" in sys.argv:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                       for k, v in res.items() if k != "missed_pairs"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
