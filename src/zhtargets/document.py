"""A document read whole: its layout, its tasks, and targets placed in them."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from ._lexicon import read_table
from .extractor import default_extractor
from .normalize import NormalizedText, normalize
from .records import Target, html_view, to_frame
from .structure import Structure, read_structure

if TYPE_CHECKING:
    import pandas as pd

    from .extractor import Extractor
    from .records import Links

__all__ = ["Document", "read_document"]

_HEADING_MAX = 40      # a role heading is a short line
_TITLE_WINDOW = 400    # where a document states what it is
_TITLE_YEAR = regex.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")


@dataclass(frozen=True)
class Document:
    """A document's text, structure and targets.

    Each target carries ``task`` (the id of the task holding it) and a
    ``role`` read from where it sits: a plan cell gives ``plan``, a
    completion cell ``actual``; outside cells a review heading (工作回顾)
    or a report title (完成情况) gives ``actual``, and otherwise ``plan``.
    """

    text: str
    name: str | None
    structure: Structure
    targets: tuple[Target, ...] = field(repr=False)

    @property
    def tasks(self):
        return self.structure.tasks

    def tasks_frame(self) -> "pd.DataFrame":
        """One row per task (see :meth:`Structure.frame`)."""
        return self.structure.frame()

    def frame(self) -> "pd.DataFrame":
        """The targets as a DataFrame, with a ``doc`` column."""
        df = to_frame(self.targets)
        df.insert(0, "doc", self.name)
        return df.astype({"doc": "string"})

    @cached_property
    def unique_targets(self) -> tuple[Target, ...]:
        """The targets with repeated content (a page holding its table twice,
        a duplicated paragraph) counted once: the first copy is kept."""
        seen: set[tuple] = set()
        out = []
        for t in self.targets:
            if t.task is not None:
                task = self.structure.task(t.task)
                spans = [(task.start, task.end), (task.completion_start, task.completion_end)]
                if any(s is not None and s <= t.start < e for s, e in spans):
                    out.append(t)
                continue
            key = (t.text, t.indicator, t.value, t.low, t.role)
            if key not in seen:
                seen.add(key)
                out.append(t)
        return tuple(out)

    @property
    def plans(self) -> list[Target]:
        """Planned targets, each once (see :attr:`unique_targets`)."""
        return [t for t in self.unique_targets if t.role == "plan"]

    @property
    def actuals(self) -> list[Target]:
        """Reported results, each once (see :attr:`unique_targets`)."""
        return [t for t in self.unique_targets if t.role == "actual"]

    @cached_property
    def completions(self) -> dict[str, str]:
        """Task id → the text of its completion cell, for tasks that have one."""
        out = {}
        for t in self.structure.tasks:
            cell = self.structure.completion_text(t)
            if cell is not None:
                out[t.id] = cell
        return out

    def link(self, report: "Document | None" = None, **options) -> "Links":
        """Each planned target beside its reported result (see :func:`zhtargets.link`).

        Without ``report`` the document's own completion cells answer its plans.
        """
        from .link import link

        if report is None:
            return link(self.plans, self.actuals, completions=self.completions,
                        plan_doc=self.name, actual_doc=self.name, **options)
        # Across documents there are no rows: years must agree, and a report's
        # results rarely restate the year its title gives (2023年…完成情况).
        actuals = [t if t.year is not None or report.title_year is None
                   else replace(t, year=report.title_year) for t in report.actuals]
        return link(self.plans, actuals, completions=report.completions,
                    plan_doc=self.name, actual_doc=report.name, **options)

    @cached_property
    def title_year(self) -> int | None:
        """The first year named in the document's opening lines, if any."""
        m = _TITLE_YEAR.search(self.text, 0, _TITLE_WINDOW)
        return int(m.group(1)) if m else None

    def _repr_html_(self) -> str | None:
        return html_view(self)


def read_document(source: str | Path, *, name: str | None = None,
                  extractor: "Extractor | None" = None) -> Document:
    """Read a document from a path or from its text.

    A ``Path``, or a ``str`` naming an existing ``.txt`` file, is read from
    disk (UTF-8, UTF-16, GB18030 are detected); any other ``str`` is the text.
    """
    text, name = _source_text(source, name)
    norm = normalize(text)
    structure = read_structure(norm)
    ex = extractor or default_extractor()
    roles = _RoleReader(norm)
    placed = []
    for t in ex.extract(text):
        task = structure.task_at(t.start)
        placed.append(replace(t, task=task.id if task else None,
                              role=roles.role(structure.cell_at(t.start), t.start)))
    return Document(text=text, name=name, structure=structure, targets=tuple(placed))


def _source_text(source: str | Path, name: str | None) -> tuple[str, str | None]:
    from ._io import read_text

    if isinstance(source, Path) or (
            isinstance(source, str) and len(source) < 4096 and "\n" not in source
            and source.endswith(".txt") and Path(source).is_file()):
        path = Path(source)
        return read_text(path), name or path.stem
    if not isinstance(source, str):
        raise TypeError(f"read_document() needs a path or str, not {type(source).__name__}")
    return source, name


class _RoleReader:
    """Roles outside table cells, from review headings and the title."""

    def __init__(self, norm: NormalizedText):
        headings, titles = {}, {}
        for word, role, scope in read_table("role_sections.tsv", 3):
            (headings if scope == "heading" else titles)[word] = role
        text = norm.text
        title = text[:_TITLE_WINDOW]
        self.default = next((r for w, r in titles.items() if w in title), "plan")
        marks: list[tuple[int, str]] = []
        pattern = regex.compile("|".join(map(regex.escape, headings)))
        for m in regex.finditer(r"(?m)^[^\n]{1,%d}$" % _HEADING_MAX, text):
            hit = pattern.search(m.group())
            if hit:
                marks.append((norm.to_original(m.start(), m.start() + 1)[0], headings[hit.group()]))
        self._starts = [p for p, _ in marks]
        self._roles = [r for _, r in marks]

    def role(self, cell: str | None, offset: int) -> str:
        if cell is not None:
            return "actual" if cell == "completion" else "plan"
        i = bisect_right(self._starts, offset) - 1
        return self._roles[i] if i >= 0 else self.default


# Per-file jobs for the command line and batch runs: top-level functions so
# worker processes can receive them.

def target_records(path: str | Path) -> list[dict]:
    """A document file's targets as dicts (with ``doc``), roles and tasks set."""
    from .batch import process_extractor

    d = read_document(Path(path), extractor=process_extractor())
    return [{"doc": d.name, **t.to_dict()} for t in d.targets]


def task_records(path: str | Path) -> list[dict]:
    """A document file's tasks as dicts (with ``doc``)."""
    d = read_document(Path(path), extractor=_no_targets())
    return [{"doc": d.name, **row} for row in d.tasks_frame().to_dict("records")]


def link_file_records(path: str | Path) -> list[dict]:
    """Links of a completion table's plans to its own reported results."""
    from .batch import process_extractor
    from .link import link_records

    d = read_document(Path(path), extractor=process_extractor())
    if not d.completions:
        return []
    return link_records(d.link(), doc=d.name)


class _no_targets:
    """An extractor stand-in for reading structure alone."""

    def extract(self, text: str) -> list[Target]:
        return []
