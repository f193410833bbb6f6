"""zhtargets: quantitative targets and reported results from Chinese government documents.

>>> import zhtargets
>>> [t.text for t in zhtargets.extract("实现金融业增加值730亿元以上")]
['730亿元以上']
"""
from __future__ import annotations

from functools import cache

from .extractor import Extractor
from .frame import to_frame
from .records import Target

__all__ = ["Extractor", "Target", "extract", "to_frame"]
__version__ = "0.1.0"


@cache
def _default() -> Extractor:
    return Extractor()


def extract(text: str) -> list[Target]:
    """Every quantitative target or reported result in ``text``, sorted by start.

    Uses a default :class:`Extractor` built on first call; build your own
    ``Extractor(lexicons=...)`` to add words.
    """
    return _default().extract(text)
