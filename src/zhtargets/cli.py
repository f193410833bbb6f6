"""Command line: ``zhtargets extract|eval``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import Extractor

__all__ = ["main"]


def _jsonable(record: dict) -> dict:
    return {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in record.items()}


def _cmd_extract(args) -> int:
    ex = Extractor()
    for p in args.paths:
        path = Path(p)
        text = path.read_text(encoding="utf-8")
        for t in ex.extract(text):
            rec = {"doc": path.stem, **t.to_dict()}
            sys.stdout.write(json.dumps(_jsonable(rec), ensure_ascii=False) + "\n")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="zhtargets")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract target records")
    p.add_argument("paths", nargs="+")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.set_defaults(func=_cmd_extract)
    args = ap.parse_args(argv)
    return args.func(args)
