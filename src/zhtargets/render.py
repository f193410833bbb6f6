"""Highlight the targets of a document as self-contained HTML.

The look follows spaCy's displaCy entity view: each quantity is a coloured
``<mark>`` inside the running text, with a small Chinese label.  The
background says what kind of quantity it is (增减 / 水平 / 数量); a plan
target is a solid block with a dark 目标 tag, a reported result a striped
block with a dashed border and a green 实际 tag, so the two tell apart at a
glance.  Given links, each target carries its verdict (完成, 未完成 …) in
the status colours of the 台账, and hovering shows the result it was judged
against; a result shows the target it answers.  The document's parts frame
the text, each named with its kind and years (回顾 2023年, 计划 2024年), so a
reader sees which figures are results and which are promises.  Buttons above
the text filter by role, kind and status.  A document read as a table
(序号 / 主要工作内容 / 牵头单位 / 完成情况) is shown as that table.

The page needs no scripts, fonts or stylesheets from elsewhere (the filters
are radio buttons and CSS): it is one string that opens the same way from a
notebook, a browser or an e-mail.  :func:`to_displacy` gives the same marks
in the format of spaCy's ``displacy.render(..., manual=True)``.
"""
from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from .document import Document
from .parts import Part
from .extractor import default_extractor
from .records import Link, Target
from .wording import STATUS_COLOURS, STATUS_ORDER, comparator_word, figure, range_figure, \
    result_words, status_word, target_words, word

__all__ = ["Rendered", "render", "targets_html", "document_html", "to_displacy",
           "displacy_options", "KIND_COLOURS", "ROLE_BORDERS"]

# Light enough that black text on them stays readable, distinct enough that a
# screenshot test can tell the three kinds apart by exact RGB.
KIND_COLOURS: Mapping[str, str] = MappingProxyType({
    "change": "#7aecec",
    "level": "#feca74",
    "amount": "#c5b8ff",
})
# Records whose kind is missing or unknown still get a visible mark.
_OTHER_COLOUR = "#dddddd"
ROLE_BORDERS: Mapping[str, str] = MappingProxyType({
    "plan": "solid",
    "actual": "dashed",
})
_ROLE_TAGS: Mapping[str, str] = MappingProxyType({"plan": "#1f3a68", "actual": "#1d6b3a",
                                                  "none": "#777777"})
_FILTER_KINDS: tuple[str, ...] = ("role", "kind", "status")

_CSS = """
.zt-doc { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; font-size: 15px;
  line-height: 2.1; color: #222; max-width: 62em; }
.zt-doc .zt-text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.zt-doc mark.zt-target { padding: 0.1em 0.3em; margin: 0 0.1em; border-radius: 0.3em;
  color: inherit; border: 2px none #444; box-decoration-break: clone;
  -webkit-box-decoration-break: clone; }
.zt-doc mark.zt-target[data-role="plan"] { border-color: #1f3a68; font-weight: 600; }
.zt-doc mark.zt-target[data-role="actual"] { border-color: #1d6b3a;
  background-image: repeating-linear-gradient(135deg, rgba(255,255,255,0.55) 0 4px,
  transparent 4px 8px); }
.zt-doc mark.zt-target mark.zt-target { padding: 0 0.1em; }
.zt-doc mark.zt-target::after { content: attr(data-label); font-size: 0.72em;
  font-weight: normal; margin-left: 0.4em; padding: 0 0.35em; border-radius: 0.25em;
  color: #fff; background: #777; vertical-align: middle; display: inline-block;
  line-height: 1.5; white-space: nowrap; }
.zt-doc mark.zt-target[data-role="plan"]::after { background: #1f3a68; }
.zt-doc mark.zt-target[data-role="actual"]::after { background: #1d6b3a; }
.zt-doc .zt-status { font-size: 0.72em; font-weight: bold; margin-left: 0.3em;
  padding: 0 0.35em; border-radius: 0.25em; border: 1px solid #555; color: #222;
  vertical-align: middle; white-space: nowrap; }
.zt-doc .zt-legend, .zt-doc .zt-filters { display: flex; flex-wrap: wrap; gap: 0.4em 1em;
  align-items: center; padding: 0.3em 0.6em; line-height: 1.6; font-size: 13px; }
.zt-doc .zt-legend { border-bottom: 1px solid #ccc; }
.zt-doc .zt-filters { margin-bottom: 0.6em; border-bottom: 1px solid #ccc; }
.zt-doc .zt-filters label { cursor: pointer; padding: 0 0.5em; border: 1px solid #aaa;
  border-radius: 0.8em; user-select: none; }
.zt-doc .zt-filters .zt-group { color: #555; margin-left: 0.6em; }
.zt-doc input.zt-filter { position: absolute; opacity: 0; pointer-events: none; }
.zt-doc .zt-swatch { display: inline-block; padding: 0 0.5em; border-radius: 0.3em;
  border: 2px none #555; }
.zt-doc .zt-summary { color: #555; }
.zt-doc .zt-part { border-left: 5px solid #ccc; padding-left: 0.8em; margin: 0.8em 0; }
.zt-doc .zt-part[data-role="plan"] { border-left-color: #1f3a68; }
.zt-doc .zt-part[data-role="actual"] { border-left-color: #1d6b3a; background: #f6fbf7; }
.zt-doc .zt-part-head { display: inline-block; font-size: 13px; font-weight: bold;
  color: #fff; background: #777; padding: 0 0.6em; border-radius: 0.3em; }
.zt-doc .zt-part[data-role="plan"] > .zt-part-head { background: #1f3a68; }
.zt-doc .zt-part[data-role="actual"] > .zt-part-head { background: #1d6b3a; }
.zt-doc table.zt-tasks { border-collapse: collapse; line-height: 1.9; }
.zt-doc table.zt-tasks th, .zt-doc table.zt-tasks td { border: 1px solid #ccc;
  padding: 4px 8px; vertical-align: top; text-align: left; white-space: pre-wrap; }
.zt-doc table.zt-tasks th { background: #f2f2f2; white-space: nowrap; }
.zt-doc table.zt-tasks td:nth-child(3) { min-width: 6em; }
.zt-table { border-collapse: collapse; font-size: 13px; }
.zt-table th, .zt-table td { border: 1px solid #ccc; padding: 2px 6px; text-align: left;
  vertical-align: top; }
.zt-table th { background: #f2f2f2; }
.zt-table .zt-chip { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 0.2em;
  margin-right: 0.3em; vertical-align: middle; }
""" + "".join(
    f".zt-doc mark.zt-target[data-kind=\"{k}\"], .zt-doc .zt-swatch[data-kind=\"{k}\"]"
    f" {{ background-color: {c}; }}\n" for k, c in KIND_COLOURS.items()
) + "".join(
    f".zt-doc mark.zt-target[data-role=\"{r}\"], .zt-doc .zt-swatch[data-role=\"{r}\"]"
    f" {{ border-style: {b}; }}\n" for r, b in ROLE_BORDERS.items()
) + "".join(
    f".zt-doc .zt-status[data-status=\"{s}\"], .zt-doc .zt-swatch[data-status=\"{s}\"]"
    f" {{ background: {c}; }}\n" for s, c in STATUS_COLOURS.items()
) + (
    f".zt-doc mark.zt-target[data-kind=\"other\"] {{ background-color: {_OTHER_COLOUR}; }}\n"
)


@dataclass(frozen=True, repr=False)
class Rendered:
    """A rendered document.

    Attributes:
        html: a complete HTML page (doctype, inline CSS), ready to save.
        fragment: the same view as an embeddable ``<div>`` with its ``<style>``;
            this is what notebooks show.
        marked: how many targets got a ``<mark>``.
        skipped: targets left out because their span lies outside the text,
            is empty, or lies wholly inside marks it crosses.
    """

    html: str
    fragment: str
    marked: int
    skipped: int

    def _repr_html_(self) -> str:
        return self.fragment

    def __repr__(self) -> str:
        return f"Rendered(marked={self.marked}, skipped={self.skipped}, chars={len(self.html)})"

    def __str__(self) -> str:
        return self.html

    def save(self, path: str | Path) -> Path:
        """Write the page as UTF-8 and return its path."""
        out = Path(path)
        out.write_text(self.html, encoding="utf-8")
        return out


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    record: Target
    clipped: bool


def _spans(records: Sequence[Target], length: int) -> tuple[list[_Span], int]:
    """Marks that nest properly, and how many records had no span to mark.

    A record whose span crosses a mark already placed (rather than sitting
    inside it or around it) is cut back to the part outside that mark, so the
    HTML stays well formed; one cut away entirely counts as skipped.
    """
    usable: list[tuple[int, int, int, Any]] = []
    skipped = 0
    for i, record in enumerate(records):
        s, e = max(0, record.start), min(length, record.end)
        if s >= e:
            skipped += 1
            continue
        usable.append((s, -e, i, record))
    usable.sort(key=lambda u: (u[0], u[1], u[2]))

    out: list[_Span] = []
    reach = 0  # furthest end placed so far: below it a new span may cross one
    for s, neg_e, _, record in usable:
        e = -neg_e
        clipped = False
        if s < reach:
            cut = _uncross(s, e, out)
            clipped = cut != (s, e)
            s, e = cut
        if s >= e:
            skipped += 1
            continue
        out.append(_Span(s, e, record, clipped))
        reach = max(reach, e)
    return out, skipped


def _uncross(s: int, e: int, placed: Sequence[_Span]) -> tuple[int, int]:
    # Each cut shrinks the span, so the loop ends; nesting either way is fine.
    changed = True
    while changed and s < e:
        changed = False
        for p in placed:
            if p.start < s < p.end < e:
                s, changed = p.end, True
            elif s < p.start < e < p.end:
                e, changed = p.start, True
    return s, e



# --------------------------------------------------------------------------
# What each mark says

@dataclass(frozen=True)
class _Verdicts:
    """The links of a page, found by the span of a plan or of a result."""

    by_plan: Mapping[tuple[int, int], Link]
    by_result: Mapping[tuple[int, int], Link]

    @classmethod
    def of(cls, links: Iterable[Link] | None) -> _Verdicts:
        by_plan: dict[tuple[int, int], Link] = {}
        by_result: dict[tuple[int, int], Link] = {}
        for link in links or ():
            by_plan[(link.plan.start, link.plan.end)] = link
            for r in link.results:
                by_result.setdefault((r.start, r.end), link)
        return cls(by_plan, by_result)

    def __call__(self, record: Target) -> tuple[Link | None, bool]:
        """The link about ``record`` and whether ``record`` is its plan."""
        key = (record.start, record.end)
        if record.role != "actual" and key in self.by_plan:
            return self.by_plan[key], True
        if key in self.by_result:
            return self.by_result[key], False
        return self.by_plan.get(key), True if key in self.by_plan else False


def _value(record: Target) -> str:
    if record.value is not None:
        return figure(record.value, record.unit, record.classifier)
    return range_figure(record.low, record.high, record.unit, record.classifier)


def _tooltip(record: Target, link: Link | None, is_plan: bool) -> str:
    role = record.role if record.role in ROLE_BORDERS else "none"
    fields = [
        ("text", record.text),
        ("value", _value(record)),
        ("comparator", comparator_word(record.comparator)),
        ("kind", word("kind", record.kind) if record.kind in KIND_COLOURS else ""),
        ("indicator", record.indicator or ""),
        ("year", str(record.year) if record.year else ""),
        ("role", word("role", role)),
        ("hedge", record.hedge or ""),
        ("task", record.task or ""),
    ]
    if link is not None and is_plan:
        fields += [("result", result_words(link) or word("text", "no_result")),
                   ("reason", link.reason)]
    elif link is not None:
        fields += [("answers", target_words(link.plan)), ("reason", link.reason)]
    return "\n".join(f"{word('field', k)}：{v}" for k, v in fields if v)


def _mark_open(span: _Span, verdicts: _Verdicts) -> str:
    record = span.record
    kind = record.kind if record.kind in KIND_COLOURS else "other"
    role = record.role if record.role in ROLE_BORDERS else "none"
    link, is_plan = verdicts(record)
    label = word("role", role) + (f"·{word('kind', kind)}" if kind in KIND_COLOURS else "")
    attrs = {
        "class": "zt-target",
        "data-kind": kind,
        "data-role": role,
        "data-label": label,
        "data-start": str(span.start),
        "data-end": str(span.end),
        "title": _tooltip(record, link, is_plan),
    }
    if link is not None:
        attrs["data-status"] = link.status
    if span.clipped:
        attrs["data-clipped"] = "true"
    return "<mark " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + ">"


def _mark_close(span: _Span, verdicts: _Verdicts) -> str:
    # The verdict is text in the page (not a tooltip), so it prints, is found
    # by the browser's search and is read out by screen readers.
    link, is_plan = verdicts(span.record)
    if link is None or not is_plan:
        return "</mark>"
    return (f'<span class="zt-status" data-status="{link.status}">'
            f"{html.escape(status_word(link.status))}</span></mark>")


def _body(text: str, spans: Sequence[_Span], verdicts: _Verdicts,
          lo: int = 0, hi: int | None = None) -> str:
    """``text[lo:hi]`` escaped, with the spans inside it marked.

    Boundaries are processed as events: closes before opens at the same
    offset, inner marks closed before outer ones.
    """
    hi = len(text) if hi is None else hi
    inside = [sp for sp in spans if lo <= sp.start and sp.end <= hi]
    opens: dict[int, list[_Span]] = {}
    for sp in inside:
        opens.setdefault(sp.start, []).append(sp)
    parts: list[str] = []
    stack: list[_Span] = []
    pos = lo
    for point in sorted({sp.start for sp in inside} | {sp.end for sp in inside} | {hi}):
        parts.append(html.escape(text[pos:point], quote=False))
        pos = point
        while stack and stack[-1].end <= point:
            parts.append(_mark_close(stack.pop(), verdicts))
        for sp in opens.get(point, ()):
            parts.append(_mark_open(sp, verdicts))
            stack.append(sp)
    while stack:
        parts.append(_mark_close(stack.pop(), verdicts))
    return "".join(parts)


# --------------------------------------------------------------------------
# Around the text: legend, filters, table view

def _legend(spans: Sequence[_Span], skipped: int, verdicts: _Verdicts) -> str:
    kinds = [s.record.kind for s in spans]
    roles = [s.record.role if s.record.role in ROLE_BORDERS else "none" for s in spans]
    items = [
        f'<span class="zt-swatch" data-kind="{k}">{html.escape(word("kind", k))}'
        f" {kinds.count(k)}</span>" for k in KIND_COLOURS
    ]
    items += [
        f'<span class="zt-swatch" data-role="{r}" style="background:#fff">'
        f"{html.escape(word('role', r))} {roles.count(r)}</span>" for r in (*ROLE_BORDERS, "none")
    ]
    statuses = [link.status for link in verdicts.by_plan.values()]
    items += [
        f'<span class="zt-swatch" data-status="{s}">{html.escape(status_word(s))}'
        f" {statuses.count(s)}</span>" for s in STATUS_ORDER if s in statuses
    ]
    summary = word("text", "legend_targets", n=len(spans))
    if skipped:
        summary += "，" + word("text", "outside_text", n=skipped)
    items.append(f'<span class="zt-summary">{html.escape(summary)}</span>')
    return '<div class="zt-legend">' + "".join(items) + "</div>"


def _filter_choices(spans: Sequence[_Span], verdicts: _Verdicts) -> dict[str, list[str]]:
    present = {
        "role": {s.record.role if s.record.role in ROLE_BORDERS else "none" for s in spans},
        "kind": {s.record.kind for s in spans},
        "status": {link.status for link in verdicts.by_plan.values()},
    }
    order = {"role": (*ROLE_BORDERS, "none"), "kind": tuple(KIND_COLOURS), "status": STATUS_ORDER}
    return {g: [v for v in order[g] if v in present[g]] for g in _FILTER_KINDS}


def _filter_word(group: str, value: str) -> str:
    return status_word(value) if group == "status" else word(group, value)


def _filters(prefix: str, choices: Mapping[str, Sequence[str]]) -> tuple[str, str, str]:
    """Radio inputs, their labels, and the CSS that dims every mark the
    chosen value excludes: a filter without a script."""
    inputs, labels, css = [], [], []
    for group in _FILTER_KINDS:
        values = choices[group]
        if len(values) < 2:
            continue
        name = f"{prefix}-{group}"
        labels.append(f'<span class="zt-group">{html.escape(word("field", group) if group != "status" else word("column", "status"))}</span>')
        for value in ("all", *values):
            ident = f"{name}-{value}"
            checked = " checked" if value == "all" else ""
            inputs.append(f'<input type="radio" class="zt-filter" name="{name}" id="{ident}"'
                          f' value="{value}"{checked}>')
            shown = word("text", "all") if value == "all" else _filter_word(group, value)
            labels.append(f'<label for="{ident}">{html.escape(shown)}</label>')
            css.append(f"#{ident}:checked ~ .zt-filters label[for=\"{ident}\"] "
                       "{ background: #333; color: #fff; }")
            if value != "all":
                dim = f"#{ident}:checked ~ .zt-body mark.zt-target:not([data-{group}=\"{value}\"])"
                css.append(f"{dim} {{ background: none; border-color: transparent; "
                           "font-weight: normal; }")
                css.append(f"{dim}::after, {dim} > .zt-status {{ display: none; }}")
    if not labels:
        return "", "", ""
    return ("".join(inputs),
            f'<div class="zt-filters"><span>{html.escape(word("text", "filter"))}</span>'
            + "".join(labels) + "</div>",
            "\n".join(css))


def _table_view(document: Document, spans: Sequence[_Span], verdicts: _Verdicts) -> str:
    """The tasks as the table they were flattened from, targets marked in
    their cells; what lies outside every task follows as text."""
    text = document.text
    head = "".join(f"<th>{html.escape(word('column', c))}</th>"
                   for c in ("number", "task_text", "lead_units", "result"))
    rows = []
    for task in document.tasks:
        number = task.number if task.number is not None else task.id
        completion = "" if task.completion_start is None or task.completion_end is None else \
            _body(text, spans, verdicts, task.completion_start, task.completion_end)
        rows.append(
            f"<tr><td>{html.escape(str(number))}</td>"
            f"<td>{_body(text, spans, verdicts, task.start, task.end)}</td>"
            f"<td>{html.escape('、'.join(task.lead_units))}</td><td>{completion}</td></tr>")
    return f'<table class="zt-tasks"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _in_table(spans: Sequence[_Span], document: Document) -> list[_Span]:
    cells = [(t.start, t.end) for t in document.tasks] + [
        (t.completion_start, t.completion_end) for t in document.tasks
        if t.completion_start is not None and t.completion_end is not None]
    return [sp for sp in spans if any(a <= sp.start and sp.end <= b for a, b in cells)]


def _part_head(part: Part) -> str:
    years = ""
    if part.period_start is not None and part.period_end is not None:
        years = (f"{part.period_start}" if part.period_start == part.period_end
                 else f"{part.period_start}–{part.period_end}") + word("text", "year_suffix")
    # An opening's role is only the genre's default: naming it would mislead.
    role = word("role", part.role) if part.role in ROLE_BORDERS and part.kind != "opening" \
        else ""
    shown = "　".join(x for x in (word("part", part.kind), years, f"（{role}）" if role else "")
                     if x)
    return f'<div class="zt-part-head">{html.escape(shown)}</div>'


def _text_view(text: str, parts: Sequence[Part], spans: Sequence[_Span],
               verdicts: _Verdicts) -> tuple[str, list[_Span]]:
    """The running text, each top-level part in a frame that names its kind
    (回顾 / 计划 / 展望) and years, so a reader sees whose figures are results.
    Returns the markup and the spans placed (one crossing a part's edge
    cannot be placed)."""
    top = [p for p in parts if not any(q.level < p.level and q.start <= p.start and p.end <= q.end
                                       for q in parts)]
    cuts: list[tuple[int, int, Part | None]] = []
    pos = 0
    for part in sorted(top, key=lambda p: p.start):
        start, end = max(part.start, pos), min(part.end, len(text))
        if start >= end:
            continue
        if pos < start:
            cuts.append((pos, start, None))
        cuts.append((start, end, part))
        pos = end
    if pos < len(text) or not cuts:
        cuts.append((pos, len(text), None))
    placed = [sp for sp in spans if any(lo <= sp.start and sp.end <= hi for lo, hi, _ in cuts)]
    out = []
    for lo, hi, part in cuts:
        body = f'<div class="zt-text">{_body(text, placed, verdicts, lo, hi)}</div>'
        if part is None:
            out.append(body)
        else:
            out.append(f'<section class="zt-part" data-kind="{part.kind}" '
                       f'data-role="{part.role}">{_part_head(part)}{body}</section>')
    return "".join(out), placed


def _resolve(source: str | Document,
             targets: Iterable[Target] | None) -> tuple[str, list[Target], Document | None]:
    if isinstance(source, Document):
        return source.text, list(source.targets if targets is None else targets), source
    if isinstance(source, str):
        found = default_extractor().extract(source) if targets is None else targets
        return source, list(found), None
    raise TypeError("render() takes a str or a Document, "
                    f"not {type(source).__name__}")


def _prefix(text: str, title: str | None) -> str:
    # Ids must be unique when a notebook shows several pages, and stable so
    # the same input gives the same page.
    digest = hashlib.blake2b(f"{title}\0{text}".encode("utf-8", "surrogatepass"), digest_size=4)
    return f"zt{digest.hexdigest()}"


def render(source: str | Document, targets: Iterable[Target] | None = None, *,
           links: Iterable[Link] | None = None, title: str | None = None,
           legend: bool = True, filters: bool = True,
           view: Literal["auto", "text", "table"] = "auto") -> Rendered:
    """Highlight every target of a document.

    Args:
        source: a :class:`~zhtargets.Document`, or the text the targets'
            offsets index.
        targets: the records to mark; ``None`` uses the document's targets,
            or runs :func:`zhtargets.extract` on a text.
        links: :class:`~zhtargets.Link` records (``document.link()``): each
            plan then shows its status word, and hovering shows its result.
        title: page title and heading; none when ``None``.
        legend: show the colour key and counts above the text.
        filters: show buttons that dim every target but one role, kind or
            status (pure CSS, no script).
        view: ``"table"`` shows a document's tasks as a table (序号, 主要工作内容,
            牵头单位, 完成情况); ``"auto"`` does so for documents read as a table.

    Returns:
        A :class:`Rendered` whose ``html`` is a standalone page and whose
        ``_repr_html_`` displays in a notebook.  Spans are clipped to the
        text; empty ones are skipped (counted in ``skipped``).
    """
    text, records, document = _resolve(source, targets)
    verdicts = _Verdicts.of(links)
    spans, skipped = _spans(records, len(text))
    table = document is not None and (
        view == "table" or (view == "auto" and document.structure.layout == "table"))
    if table:
        spans = _in_table(spans, document)
        body = _table_view(document, spans, verdicts)
    else:
        body, placed = _text_view(text, document.parts if document else (), spans, verdicts)
        skipped += len(spans) - len(placed)
        spans = placed
    prefix = _prefix(text, title)
    inputs, buttons, filter_css = _filters(prefix, _filter_choices(spans, verdicts)) \
        if filters else ("", "", "")
    heading = f"<h2>{html.escape(title)}</h2>" if title else ""
    fragment = (
        f"<style>{_CSS}{filter_css}</style>"
        f'<div class="zt-doc" id="{prefix}">{heading}'
        + (_legend(spans, skipped, verdicts) if legend else "")
        + inputs + buttons
        + f'<div class="zt-body">{body}</div></div>'
    )
    page = (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title or word('text', 'legend_targets', n=len(spans)))}</title>"
        f"</head><body>{fragment}</body></html>\n"
    )
    return Rendered(html=page, fragment=fragment, marked=len(spans), skipped=skipped)


def document_html(document: Document) -> str:
    """A document as notebooks show it: its text with every target marked."""
    return render(document).fragment


# --------------------------------------------------------------------------
# A table of records, and spaCy's format

_TABLE_FIELDS: tuple[str, ...] = (
    "start", "text", "value", "comparator", "kind", "role", "indicator", "year", "hedge", "task",
)


def _table_cell(record: Target, name: str) -> str:
    if name == "value":
        return html.escape(_value(record))
    if name == "comparator":
        return html.escape(comparator_word(record.comparator))
    if name == "kind":
        colour = KIND_COLOURS.get(record.kind, _OTHER_COLOUR)
        shown = word("kind", record.kind) if record.kind in KIND_COLOURS else ""
        return f'<span class="zt-chip" style="background:{colour}"></span>{html.escape(shown)}'
    if name == "role":
        return html.escape(word("role", record.role if record.role in ROLE_BORDERS else "none"))
    value = getattr(record, name)
    return "" if value is None else html.escape(str(value))


def targets_html(targets: Iterable[Target], *, max_rows: int | None = 200) -> str:
    """A compact HTML table of records, for a list's ``_repr_html_``.

    Rows past ``max_rows`` are left out and counted in a last row, so a
    notebook never freezes on a long document.
    """
    records = list(targets)
    shown = records if max_rows is None else records[:max_rows]
    head = "".join(f"<th>{html.escape(word('field', f))}</th>" for f in _TABLE_FIELDS)
    rows = ["<tr>" + "".join(f"<td>{_table_cell(r, f)}</td>" for f in _TABLE_FIELDS) + "</tr>"
            for r in shown]
    if len(shown) < len(records):
        rows.append(f'<tr><td colspan="{len(_TABLE_FIELDS)}">… {len(records) - len(shown)}'
                    "</td></tr>")
    return (f"<style>{_CSS}</style><table class=\"zt-table\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _displacy_label(record: Target) -> str:
    role = record.role if record.role in ROLE_BORDERS else "none"
    kind = word("kind", record.kind) if record.kind in KIND_COLOURS else ""
    return word("role", role) + (f"·{kind}" if kind else "")


def to_displacy(source: str | Document, targets: Iterable[Target] | None = None, *,
                title: str | None = None) -> dict[str, Any]:
    """The targets in spaCy's manual format: ``displacy.render(to_displacy(doc),
    style="ent", manual=True, options=displacy_options())``.

    displaCy's entity view cannot nest, so where targets nest only the
    outermost is kept; labels are Chinese (目标·增减, 实际·数量 …).
    """
    text, records, _ = _resolve(source, targets)
    spans, _ = _spans(records, len(text))
    ents, reach = [], 0
    for sp in spans:  # sorted by start, outer spans first
        if sp.start >= reach:
            ents.append({"start": sp.start, "end": sp.end, "label": _displacy_label(sp.record)})
            reach = sp.end
    return {"text": text, "ents": ents, "title": title}


def displacy_options() -> dict[str, Any]:
    """displaCy options colouring each label as :func:`render` does."""
    colours = {}
    for role in (*ROLE_BORDERS, "none"):
        for kind, colour in KIND_COLOURS.items():
            colours[f"{word('role', role)}·{word('kind', kind)}"] = colour
        colours[word("role", role)] = _OTHER_COLOUR
    return {"colors": colours}
