"""Text in, target records out: normalization → spans → context → records."""
from __future__ import annotations

import os
from collections import deque
from decimal import Decimal
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import regex

from .context import ContextRules, Reading
from .normalize import NormalizedText, normalize
from .records import Target, Targets
from .spans import Comparators, SpanFinder
from .units import Units

__all__ = ["Extractor", "default_extractor"]

# Normalizing and matching are linear, but offset arrays and match lists of a
# 50 MB string at once cost gigabytes; blocks cut at line breaks keep memory
# flat and never split a sentence that a rule could read.
_BLOCK = 200_000
# Readings held at once while reading a long text (see _reading_batches).
_READINGS_BATCH = 2000
# The bundled lexicons an Extractor can extend with files of the same format.
_EXTENSIBLE = frozenset({
    "units.tsv", "classifiers.txt", "comparators.tsv", "non_targets.tsv",
    "boundaries.txt", "hedges.tsv", "kind_words.tsv", "indicator_trim.tsv",
    "money_words.txt", "per_words.tsv", "context_words.tsv", "quotes.tsv",
    "list_contractions.tsv",
})


class Extractor:
    """Finds quantitative targets; holds its own lexicons, registry and rules.

    Args:
        lexicons: extra lexicon files by the name of the bundled file they
            extend, e.g. ``{"classifiers.txt": ["my_classifiers.txt"],
            "units.tsv": ["my_units.tsv"]}`` (a unit table row holds the
            unit's pint definition and its words).  Later entries override
            earlier ones.
    """

    def __init__(self, lexicons: Mapping[str, Iterable[str | Path]] | None = None):
        extra = {k: (v,) if isinstance(v, (str, Path)) else tuple(v)
                 for k, v in (lexicons or {}).items()}
        unknown = set(extra) - _EXTENSIBLE
        if unknown:
            raise ValueError(f"lexicons: no bundled lexicon named {sorted(unknown)}; "
                             f"extensible: {sorted(_EXTENSIBLE)}")
        self._lexicons = extra
        self.units = Units(extra.get("units.tsv", ()), extra.get("classifiers.txt", ()))
        self._finder = SpanFinder(self.units, Comparators.load(extra.get("comparators.tsv", ())))
        self._rules = ContextRules(extra)

    def extract(self, text: str) -> Targets:
        """Every quantitative target or reported result in ``text``, by start."""
        if not isinstance(text, str):
            raise TypeError(f"extract() needs str, not {type(text).__name__}; "
                            "decode bytes first (zhtargets.read_text reads files)")
        out = Targets()
        for offset, block in _blocks(text):
            out.extend(self._extract_block(block, offset))
        return out

    def pipe(self, texts: Iterable[str], *, n_process: int = 1,
             batch_size: int = 32) -> Iterator[Targets]:
        """Extract from each of ``texts`` and yield the results in order,
        as ``extract`` would, in the manner of spaCy's ``nlp.pipe``.

        Args:
            texts: any iterable of ``str``, read lazily.
            n_process: worker processes; ``1`` works here, ``0`` or ``-1``
                uses one per CPU.  Each worker builds this extractor once.
            batch_size: texts sent to a worker at a time.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, not {batch_size}")
        if n_process < -1:
            raise ValueError(f"n_process must be -1 or 0 (one per CPU) or positive, not {n_process}")
        workers = n_process if n_process > 0 else os.cpu_count() or 1
        if workers == 1:
            return map(self.extract, texts)
        return _piped(self, iter(texts), workers, batch_size)

    def __reduce__(self):
        # Compiled rules and the pint registry do not pickle; the lexicon
        # files that define this extractor do, and rebuild it elsewhere.
        return Extractor, (self._lexicons,)

    def readings(self, norm: NormalizedText) -> list[Reading]:
        """Context readings of the targets in already normalized text."""
        return [r for batch in self._reading_batches(norm) for r in batch]

    def _reading_batches(self, norm: NormalizedText) -> Iterator[list[Reading]]:
        """The readings a few thousand at a time, so a long document's readings
        never all sit in memory.  A batch ends only where a line break and
        more than a joiner separate two numbers: no list of numbers
        (:func:`_distribute`) and no sentence spans such a cut."""
        text = norm.text
        quoted = [m.span() for m in self._rules.quotes.finditer(text)]
        batch: list[Reading] = []
        previous = None
        for q in self._finder.find(text):
            if self._rules.glued_before_word(text, q):
                q = self._finder.without_before_word(q)
            if self._rules.rejects(text, q, quoted):
                continue
            r = self._rules.read(text, q, previous)
            if len(batch) >= _READINGS_BATCH and _apart(text, previous, r):
                yield _distribute(text, batch, self._rules)
                batch = []
            batch.append(r)
            previous = r
        if batch:
            yield _distribute(text, batch, self._rules)

    def extract_normalized(self, norm: NormalizedText) -> Targets:
        """``extract`` of ``norm.original`` for a caller that has normalized it
        already (``read_document`` reads the structure from the same text), so
        a document is normalized once; offsets index ``norm.original``."""
        return Targets(self._targets(norm, 0))

    def _extract_block(self, block: str, offset: int) -> list[Target]:
        if not block.strip():
            return []
        return self._targets(normalize(block), offset)

    def _targets(self, norm: NormalizedText, offset: int) -> list[Target]:
        targets = []
        for batch in self._reading_batches(norm):
            for r in batch:
                start, end = norm.to_original(r.span.start, r.span.end)
                targets.append(self._target(r, norm.original, start, end, offset))
        return targets

    def _target(self, r: Reading, block: str, start: int, end: int, offset: int) -> Target:
        q = r.span
        value = _number(q.value, r.sign)
        low, high = _number(q.low, r.sign), _number(q.high, r.sign)
        if low is not None and low > high:  # a falling range: 下降0.3-0.8% is -0.8…-0.3
            low, high = high, low
        return Target(
            start=start + offset, end=end + offset, text=block[start:end],
            value=value, low=low, high=high, unit=r.unit,
            _quantity=self.units.recipe,
            classifier=r.classifier, per=r.per, comparator=r.comparator,
            comparator_word=r.comparator_word, hedge=r.hedge, kind=r.kind,
            indicator=r.indicator or None, year=r.year, role=r.role, rule=r.rule,
        )


@cache
def default_extractor() -> Extractor:
    """The Extractor ``zhtargets.extract`` uses: built on first call, then kept."""
    return Extractor()


def _number(value: Decimal | None, sign: int) -> float | None:
    if value is None:
        return None
    return float(value * sign)


def _blocks(text: str):
    if len(text) <= _BLOCK:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(len(text), start + _BLOCK)
        if end < len(text):
            cut = text.rfind("\n", start + _BLOCK // 2, end)
            end = cut + 1 if cut != -1 else end
        yield start, text[start:end]
        start = end


def _apart(text: str, previous: Reading, current: Reading) -> bool:
    gap = text[previous.span.end:current.span.lead_start]
    return "\n" in gap and len(gap.strip()) > 1


def _distribute(text: str, readings: list[Reading], rules: ContextRules) -> list[Reading]:
    """Read lists of numbers: a trailing 以上 after 分别/各 covers every item,
    and listed subjects pair up with listed numbers.

    ``分别增长8%、15%以上`` gives both numbers ``>=``; ``A和B分别增长8%、15%``
    and ``A和B实际增长8%和6%`` give the first number to A and the second to B;
    ``A 9422元，B 2936元，分别增长7.7%和6.8%`` pairs the rates with A and B.
    """
    out = list(readings)
    i = 0
    while i < len(out):
        j = i
        # Items of one list are separated by at most a joiner or a comma.
        while j + 1 < len(out) and len(gap := text[out[j].span.end:out[j + 1].span.lead_start].strip()) <= 1 \
                and (not gap or gap in rules.joiners or gap == ","):
            j += 1
        if j > i:
            group = out[i:j + 1]
            distributed = rules.distributes(text, group[0].span)
            if distributed:
                group = _spread_comparator(group)
            out[i:j + 1] = _pair_subjects(text, out[:i], group, distributed, rules)
        i = j + 1
    return out


def _spread_comparator(group: list[Reading]) -> list[Reading]:
    last = group[-1]
    if not last.span.after_word:
        return group
    return [r if r.span.after_word or r.span.low is not None else
            r._replace(comparator=last.comparator, comparator_word=last.comparator_word)
            for r in group]


def _pair_subjects(text: str, before: list[Reading], group: list[Reading], distributed: bool,
                   rules: ContextRules) -> list[Reading]:
    subject = rules.subject(text, group[0].span)
    n = len(group)
    if len(subject) < 2:
        # No subject of its own: the list reports on the last n numbers' subjects.
        antecedents = before[-n:]
        names = [r.indicator for r in antecedents]
        if len(antecedents) == n and all(names) and len(set(names)) == n \
                and rules.same_sentence(text, antecedents[0].span, group[0].span):
            return [r._replace(indicator=name) for r, name in zip(group, names)]
        return group
    # Without 分别 a list of subjects pairs only with numbers of one unit
    # (新建和改造道路10条、20公里 is not "respectively").
    if not distributed and len({r.unit for r in group}) > 1:
        return group
    items = rules.list_items(subject)
    if len(items) == n:
        return [r._replace(indicator=item) for r, item in zip(group, items)]
    return group


# The Extractor of a pipe() worker process, set once by the pool's initializer.
_worker_extractor: Extractor | None = None


def _adopt_extractor(extractor: Extractor) -> None:
    global _worker_extractor
    _worker_extractor = extractor


def _extract_batch(texts: list[str]) -> list[Targets]:
    return [_worker_extractor.extract(t) for t in texts]


def _piped(extractor: Extractor, texts: Iterator[str], workers: int, batch_size: int) -> Iterator[Targets]:
    # Imported here: a process that never starts workers should not pay for
    # multiprocessing at import time.
    from concurrent.futures import ProcessPoolExecutor

    from ._workers import end_workers, run_task, start_worker

    # Texts are read lazily and at most two batches per worker are in flight,
    # so a generator over a large corpus is never held in memory at once.
    pool = ProcessPoolExecutor(max_workers=workers, initializer=start_worker,
                               initargs=(_adopt_extractor, extractor))
    try:
        pending: deque = deque()
        while True:
            while len(pending) < 2 * workers:
                batch = list(islice(texts, batch_size))
                if not batch:
                    break
                for text in batch:
                    if not isinstance(text, str):
                        raise TypeError(f"pipe() needs str texts, not {type(text).__name__}")
                pending.append(pool.submit(run_task, _extract_batch, batch))
            if not pending:
                return
            yield from pending.popleft().result()
    except BaseException:
        # Ctrl-C, a SIGTERM the caller turned into an exception, or a consumer
        # that stopped early (GeneratorExit): the batches in flight are
        # abandoned, not waited for, and no worker outlives the pipe.
        end_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
