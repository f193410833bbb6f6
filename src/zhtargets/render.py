"""Highlight the targets of a document as self-contained HTML.

The look follows spaCy's displaCy entity view: each quantity is a coloured
``<mark>`` inside the running text, with a small label.  The background says
what kind of quantity it is (change / level / amount); the border says whether
it is a plan target (solid), a reported result (dashed) or neither (none).  A
``title`` tooltip carries the parsed reading, so a reviewer can check the
extraction by hovering.

The page needs no scripts, fonts or stylesheets from elsewhere: it is one
string that opens the same way from a notebook, a browser or an e-mail.
"""
from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .extractor import default_extractor

__all__ = ["Rendered", "render", "targets_html", "document_html", "KIND_COLOURS", "ROLE_BORDERS"]

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
_ROLE_NAMES: Mapping[str, str] = MappingProxyType({
    "plan": "plan 目标",
    "actual": "actual 完成",
})
_KIND_NAMES: Mapping[str, str] = MappingProxyType({
    "change": "change 增减",
    "level": "level 水平",
    "amount": "amount 数量",
})

# Scoped under .zt-doc so the rules cannot restyle the rest of a notebook.
_CSS = """
.zt-doc { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; font-size: 15px;
  line-height: 1.9; color: #222; max-width: 60em; }
.zt-doc .zt-text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.zt-doc mark.zt-target { padding: 0.1em 0.3em; margin: 0 0.1em; border-radius: 0.3em;
  color: inherit; border: 2px none #555; box-decoration-break: clone;
  -webkit-box-decoration-break: clone; }
.zt-doc mark.zt-target mark.zt-target { padding: 0 0.1em; }
.zt-doc mark.zt-target::after { content: attr(data-label); font-size: 0.62em;
  font-weight: bold; text-transform: uppercase; margin-left: 0.4em; color: #444;
  vertical-align: middle; }
.zt-doc .zt-legend { display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; align-items: center;
  padding: 0.4em 0.6em; margin-bottom: 0.8em; border-bottom: 1px solid #ccc;
  line-height: 1.6; font-size: 13px; }
.zt-doc .zt-swatch { display: inline-block; padding: 0 0.5em; border-radius: 0.3em;
  border: 2px none #555; }
.zt-doc .zt-summary { color: #555; }
.zt-table { border-collapse: collapse; font-size: 13px; }
.zt-table th, .zt-table td { border: 1px solid #ccc; padding: 2px 6px; text-align: left;
  vertical-align: top; }
.zt-table th { background: #f2f2f2; }
.zt-table .zt-chip { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 0.2em;
  margin-right: 0.3em; vertical-align: middle; }
""" + "".join(
    f".zt-doc mark.zt-target[data-kind=\"{k}\"], .zt-doc .zt-swatch[data-kind=\"{k}\"]"
    f" {{ background: {c}; }}\n" for k, c in KIND_COLOURS.items()
) + "".join(
    f".zt-doc mark.zt-target[data-role=\"{r}\"], .zt-doc .zt-swatch[data-role=\"{r}\"]"
    f" {{ border-style: {b}; }}\n" for r, b in ROLE_BORDERS.items()
) + (
    f".zt-doc mark.zt-target[data-kind=\"other\"] {{ background: {_OTHER_COLOUR}; }}\n"
)


@dataclass(frozen=True)
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
    record: Any
    clipped: bool


def _get(record: Any, name: str) -> Any:
    if isinstance(record, Mapping):
        value = record.get(name)
    else:
        value = getattr(record, name, None)
    # Frames hand back NaN or pandas NA for missing cells: NaN is unequal to
    # itself, and NA refuses to be a truth value.
    try:
        if value is not None and value != value:
            return None
    except (TypeError, ValueError):
        return None
    return value


def _records(targets: Any) -> list[Any]:
    if hasattr(targets, "to_dict") and hasattr(targets, "columns"):
        return list(targets.to_dict("records"))
    return list(targets)


def _number(value: Any) -> str:
    if value is None:
        return ""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isfinite(f) and f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return f"{f:g}"


def _tooltip(record: Any) -> str:
    value = _get(record, "value")
    low, high = _get(record, "low"), _get(record, "high")
    shown = _number(value) if value is not None else (
        f"{_number(low)}–{_number(high)}" if low is not None or high is not None else "")
    comparator = _get(record, "comparator") or ""
    word = _get(record, "comparator_word")
    fields = [
        ("value", shown),
        ("unit", _get(record, "unit") or ""),
        ("per", _get(record, "per") or ""),
        ("classifier", _get(record, "classifier") or ""),
        ("comparator", f"{comparator} ({word})" if word else comparator),
        ("kind", _get(record, "kind") or ""),
        ("indicator", _get(record, "indicator") or ""),
        ("year", _number(_get(record, "year"))),
        ("role", _get(record, "role") or "—"),
        ("hedge", _get(record, "hedge") or ""),
        ("task", _get(record, "task") or ""),
    ]
    return "\n".join(f"{k}: {v}" for k, v in fields if v != "")


def _spans(records: Sequence[Any], length: int) -> tuple[list[_Span], int]:
    """Marks that nest properly, and how many records had no span to mark.

    A record whose span crosses a mark already placed (rather than sitting
    inside it or around it) is cut back to the part outside that mark, so the
    HTML stays well formed; one cut away entirely counts as skipped.
    """
    usable: list[tuple[int, int, int, Any]] = []
    skipped = 0
    for i, record in enumerate(records):
        try:
            s = max(0, int(_get(record, "start")))
            e = min(length, int(_get(record, "end")))
        except (TypeError, ValueError):
            skipped += 1
            continue
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


def _mark_open(span: _Span) -> str:
    record = span.record
    kind = _get(record, "kind")
    kind = kind if kind in KIND_COLOURS else "other"
    role = _get(record, "role")
    role = role if role in ROLE_BORDERS else "none"
    label = kind if role == "none" else f"{kind} · {role}"
    attrs = {
        "class": "zt-target",
        "data-kind": kind,
        "data-role": role,
        "data-label": label,
        "data-start": str(span.start),
        "data-end": str(span.end),
        "title": _tooltip(record),
    }
    if span.clipped:
        attrs["data-clipped"] = "true"
    return "<mark " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + ">"


def _body(text: str, spans: Sequence[_Span]) -> str:
    # Boundaries are processed as events: closes before opens at the same
    # offset, inner marks closed before outer ones.
    opens: dict[int, list[_Span]] = {}
    for sp in spans:
        opens.setdefault(sp.start, []).append(sp)
    parts: list[str] = []
    stack: list[_Span] = []
    pos = 0
    points = sorted({sp.start for sp in spans} | {sp.end for sp in spans} | {len(text)})
    for point in points:
        parts.append(html.escape(text[pos:point], quote=False))
        pos = point
        while stack and stack[-1].end <= point:
            stack.pop()
            parts.append("</mark>")
        for sp in opens.get(point, ()):
            parts.append(_mark_open(sp))
            stack.append(sp)
    while stack:
        stack.pop()
        parts.append("</mark>")
    return "".join(parts)


def _legend(spans: Sequence[_Span], skipped: int) -> str:
    kinds = [_get(s.record, "kind") for s in spans]
    roles = [_get(s.record, "role") for s in spans]
    items = [
        f'<span class="zt-swatch" data-kind="{k}">{html.escape(_KIND_NAMES[k])}'
        f" ({kinds.count(k)})</span>" for k in KIND_COLOURS
    ]
    items += [
        f'<span class="zt-swatch" data-role="{r}" style="background:#fff">'
        f"{html.escape(_ROLE_NAMES[r])} ({roles.count(r)})</span>" for r in ROLE_BORDERS
    ]
    unassigned = sum(r not in ROLE_BORDERS for r in roles)
    items.append(f'<span class="zt-swatch" style="background:#fff">no role ({unassigned})</span>')
    summary = f"{len(spans)} targets"
    if skipped:
        summary += f", {skipped} outside the text"
    items.append(f'<span class="zt-summary">{html.escape(summary)}</span>')
    return '<div class="zt-legend">' + "".join(items) + "</div>"


def _resolve(text_or_document: Any, targets: Iterable[Any] | None) -> tuple[str, list[Any]]:
    if isinstance(text_or_document, str):
        text = text_or_document
        found = targets if targets is not None else None
    elif hasattr(text_or_document, "text") and hasattr(text_or_document, "targets"):
        text = str(text_or_document.text)
        found = targets if targets is not None else text_or_document.targets
    else:
        raise TypeError("render() takes a str or an object with .text and .targets, "
                        f"not {type(text_or_document).__name__}")
    if found is None:
        found = default_extractor().extract(text)
    return text, _records(found)


def render(text_or_document: Any, targets: Iterable[Any] | None = None, *,
           title: str | None = None, legend: bool = True) -> Rendered:
    """Highlight every target of a document.

    Args:
        text_or_document: the text the targets' offsets index, or an object
            with ``.text`` and ``.targets`` (a document).
        targets: records with ``start``/``end`` (and ideally ``kind``, ``role``
            and the other :class:`~zhtargets.Target` fields): Targets, dicts,
            or a frame from :func:`~zhtargets.to_frame`.  ``None`` uses the
            document's targets, or runs :func:`zhtargets.extract` on a text.
        title: page title and heading; none when ``None``.
        legend: show the colour key and counts above the text.

    Returns:
        A :class:`Rendered` whose ``html`` is a standalone page and whose
        ``_repr_html_`` displays in a notebook.  Spans are clipped to the
        text; empty ones are skipped (counted in ``skipped``).
    """
    text, records = _resolve(text_or_document, targets)
    spans, skipped = _spans(records, len(text))
    heading = f"<h2>{html.escape(title)}</h2>" if title else ""
    fragment = (
        f"<style>{_CSS}</style>"
        f'<div class="zt-doc">{heading}'
        + (_legend(spans, skipped) if legend else "")
        + f'<div class="zt-text">{_body(text, spans)}</div></div>'
    )
    page = (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title or 'zhtargets')}</title></head>"
        f"<body>{fragment}</body></html>\n"
    )
    return Rendered(html=page, fragment=fragment, marked=len(spans), skipped=skipped)


_TABLE_FIELDS: tuple[str, ...] = (
    "start", "text", "value", "unit", "comparator", "kind", "role", "indicator", "year", "hedge",
    "task",
)


def targets_html(targets: Iterable[Any], *, max_rows: int | None = 200) -> str:
    """A compact HTML table of records, for a list's ``_repr_html_``.

    Rows past ``max_rows`` are left out and counted in a last row, so a
    notebook never freezes on a long document.
    """
    records = _records(targets)
    shown = records if max_rows is None else records[:max_rows]
    head = "".join(f"<th>{f}</th>" for f in _TABLE_FIELDS)
    rows = []
    for record in shown:
        cells = []
        for f in _TABLE_FIELDS:
            value = _get(record, f)
            if f == "value" and value is None and (_get(record, "low") is not None
                                                   or _get(record, "high") is not None):
                shown_value = f"{_number(_get(record, 'low'))}–{_number(_get(record, 'high'))}"
            elif f in {"value", "year", "start"}:
                shown_value = _number(value)
            else:
                shown_value = "" if value is None else str(value)
            cell = html.escape(shown_value)
            if f == "kind":
                colour = KIND_COLOURS.get(str(value), _OTHER_COLOUR)
                cell = f'<span class="zt-chip" style="background:{colour}"></span>{cell}'
            cells.append(f"<td>{cell}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if len(shown) < len(records):
        rows.append(f'<tr><td colspan="{len(_TABLE_FIELDS)}">… {len(records) - len(shown)} more'
                    "</td></tr>")
    return (f"<style>{_CSS}</style><table class=\"zt-table\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def document_html(document: Any) -> str:
    """A document as notebooks show it: its text with every target marked."""
    return render(document).fragment
