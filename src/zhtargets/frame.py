"""Records as a pandas DataFrame with proper dtypes."""
from __future__ import annotations

from dataclasses import fields
from typing import Iterable

import pandas as pd

from .records import Target

__all__ = ["to_frame"]

_DTYPES = {
    "start": "Int64", "end": "Int64", "value": "Float64", "low": "Float64",
    "high": "Float64", "year": "Int64", "period_start": "Int64", "period_end": "Int64",
    "comparator": "category", "kind": "category", "role": "category", "unit": "category",
}
COLUMNS = [f.name for f in fields(Target) if f.name != "quantity"]


def to_frame(targets: Iterable[Target]) -> pd.DataFrame:
    """One row per record; numbers nullable (Int64/Float64), text as ``string``."""
    df = pd.DataFrame([t.to_dict() for t in targets], columns=COLUMNS)
    return df.astype({c: _DTYPES.get(c, "string") for c in COLUMNS})
