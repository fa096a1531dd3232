"""Text laid out with spaces (``pdftotext -layout``) → rows of cells.

Such text keeps each cell at its column but not the cells' borders: a cell whose text
wraps prints its lines above and below the line of its row's other cells, because a
table prints its cells vertically centred.  The reader puts them back by that rule:

* **header block** (项目名称 … 年度总体绩效目标): a line holding labels is a row; a label
  with no value beside it takes the wrapped lines printed in its value's columns
  (``主管部门`` with ``自治区人力资源和社会保障`` above and ``厅`` below).
* **indicators**: each line holding a 指标值 is a row; the lines of its 三级指标 are split
  evenly above and below it (a centred cell of n lines has as many above its middle
  as below); a 一级/二级 label, centred on its block of rows, starts the block whose
  middle it marks; a 二级 label the framework knows gives its 一级 too.

Anything else (the notice, titles, page numbers) is one row per line with its pieces
(runs separated by two or more spaces) as cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xladdin.framework import CLASSIC, FRAMEWORK_2021, LEVEL1_LABELS, level1_key, level2_key, level2_parent, squash
from xladdin.layout import header_key, label_key
from xladdin.published.document import NOTE, LogEntry, Row, Where
from xladdin.published.repair import join_wrapped

_PIECE = re.compile(r"\S+(?:[ \u3000]\S+)*")


@dataclass
class _Piece:
    col: int
    text: str

    @property
    def end(self) -> int:
        return self.col + len(self.text)


@dataclass
class _Line:
    n: int  # line number in the file
    page: int | None
    y: int  # position on the page's vertical axis, page furniture removed
    pieces: list[_Piece]

    @property
    def where(self) -> Where:
        return Where(self.page, self.n)


def _lines(lines: list[str]) -> list[_Line]:
    page = 1 if any("\f" in line for line in lines) else None
    out: list[_Line] = []
    for n, raw in enumerate(lines, start=1):
        if "\f" in raw:
            assert page is not None
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        y = n
        pieces = [_Piece(m.start(), m.group()) for m in _PIECE.finditer(raw.replace("\t", "    "))]
        # split on runs of two or more spaces (one space stays inside a piece)
        split: list[_Piece] = []
        for p in pieces:
            col = p.col
            for part in re.split(r"( {2,}|\u3000{1,})", p.text):
                if part and not part.isspace():
                    split.append(_Piece(col, part))
                col += len(part)
        out.append(_Line(n, page, y, split))
    return out


def _level2_keys(l1: str) -> list[str]:
    return [k for fw in (CLASSIC, FRAMEWORK_2021) for k, _ in fw.get(l1, [])]


def _is_label(text: str) -> bool:
    return label_key(text) is not None


def _is_heading_line(line: _Line) -> bool:
    keys = {header_key(p.text) for p in line.pieces}
    return "level1" in keys and "value" in keys


def layout_rows(lines: list[str], notes: list[LogEntry]) -> list[Row]:
    src = _lines(lines)
    rows: list[Row] = []
    i = 0
    while i < len(src):
        line = src[i]
        if any(label_key(p.text) == "name" for p in line.pieces):
            j = next((k for k in range(i, len(src)) if _is_heading_line(src[k])), None)
            if j is not None:
                end = _indicators_end(src, j + 1)
                rows += _header_block(src[i:j])
                rows.append(_row(src[j]))
                rows += _indicator_block(src[j + 1 : end], src[j], notes)
                i = end
                continue
        if line.pieces:
            rows.append(_row(line))
        i += 1
    return rows


def _row(line: _Line) -> Row:
    return Row(tuple(p.text for p in line.pieces), line.where)


def _indicators_end(src: list[_Line], start: int) -> int:
    """The line after the last indicator line: before the next table's title block."""
    for k in range(start, len(src)):
        texts = [p.text for p in src[k].pieces]
        if any(label_key(t) == "name" for t in texts):
            # back over the title lines of the next table
            b = k
            while b > start and (not src[b - 1].pieces or _title_like(src[b - 1])):
                b -= 1
            return b
    return len(src)


def _title_like(line: _Line) -> bool:
    s = squash("".join(p.text for p in line.pieces))
    return bool(re.search(r"绩效.{0,6}表", s)) or bool(re.match(r"^[(（]\d{4}年", s)) or s.startswith("单位")


# --------------------------------------------------------------------------- header block


def _header_block(block: list[_Line]) -> list[Row]:
    """Label lines as rows; the wrapped lines of a value go to the label whose value columns
    they are in, as many below its line as above it (a centred cell)."""

    anchors = [ln for ln in block if any(_is_label(p.text) for p in ln.pieces)]
    # a slot: the value place of a label — (line, label index, first column, past-last column)
    slots: list[tuple[_Line, int, int, int]] = []
    for ln in anchors:
        labels = [k for k, p in enumerate(ln.pieces) if _is_label(p.text)]
        for a, k in enumerate(labels):
            hi = ln.pieces[labels[a + 1]].col if a + 1 < len(labels) else 10_000
            slots.append((ln, k, ln.pieces[k].end, hi))
    above: dict[int, list[str]] = {}
    below: dict[int, list[str]] = {}
    rest: list[_Line] = []
    for ln in block:
        if not ln.pieces or ln in anchors:
            continue
        left: list[_Piece] = []
        for p in ln.pieces:
            fits = [i for i, s in enumerate(slots) if s[2] <= p.col + 1 and p.col < s[3]]
            done = [i for i in fits if slots[i][0].y < ln.y and len(below.get(i, [])) < len(above.get(i, []))]
            ahead = [i for i in fits if slots[i][0].y > ln.y]
            if done:
                below.setdefault(done[-1], []).append(p.text)
            elif ahead:
                above.setdefault(ahead[0], []).append(p.text)
            elif fits:
                below.setdefault(fits[-1], []).append(p.text)
            else:
                left.append(p)
        if left:
            rest.append(_Line(ln.n, ln.page, ln.y, left))
    by_piece = {(s[0].n, s[1]): i for i, s in enumerate(slots)}
    placed: list[tuple[_Line, list[tuple[int, str]]]] = []
    for ln in sorted([*anchors, *rest], key=lambda x: x.y):
        cells: list[tuple[int, str]] = []
        k = 0
        while k < len(ln.pieces):
            p = ln.pieces[k]
            cells.append((p.col, p.text))
            i = by_piece.get((ln.n, k))
            if i is not None:
                inline = []
                if k + 1 < len(ln.pieces) and not _is_label(ln.pieces[k + 1].text):
                    inline = [ln.pieces[k + 1].text]
                    k += 1
                parts = [*above.get(i, []), *inline, *below.get(i, [])]
                if parts:
                    cells.append((p.end, join_wrapped(parts)))
            k += 1
        placed.append((ln, cells))
    # cells at the same column index in every row (the sheet reader compares label columns)
    edges = _clusters([c for _, cells in placed for c, _ in cells])
    out = []
    for ln, cells in placed:
        row = [""] * len(edges)
        last = -1
        for c, t in cells:
            idx = max(last + 1, max(i for i, e in enumerate(edges) if e <= c))
            if idx >= len(row):
                row.append("")
            row[idx] = t
            last = idx
        out.append(Row(tuple(row), ln.where))
    return out


def _clusters(cols: list[int]) -> list[int]:
    """Left edges of the columns the given starts fall in (starts within 2 are one column)."""
    out: list[int] = []
    for c in sorted(set(cols)):
        if not out or c - out[-1] > 2:
            out.append(c)
    return out


# --------------------------------------------------------------------------- indicators


def _furniture(line: _Line) -> bool:
    s = squash("".join(p.text for p in line.pieces))
    return bool(re.match(r"^第\d+页", s)) or _is_heading_line(line) or _title_like(line)


def _kinds(body: list[_Line], heading: _Line | None) -> dict[tuple[int, int], int]:
    """(line, piece) → 0 指标值, 1 三级指标, 2 二级, 3 一级, for the lines of one page.

    The 指标值 is the last piece of a line when it starts right of the middle between the
    三级指标 and 指标值 headings; the 三级指标 column begins where most other pieces begin
    (names are left-aligned); what starts left of it is a 一级 or 二级 label — by the
    framework's words, else by which heading it is nearer.
    """
    cols = {header_key(p.text): p.col for p in heading.pieces} if heading else {}
    values_from = (cols["name"] + cols["value"]) / 2 if "name" in cols and "value" in cols else None
    out: dict[tuple[int, int], int] = {}
    if values_from is None:  # no heading on this page: the last piece of a line of several
        values_from = min((ln.pieces[-1].col for ln in body if len(ln.pieces) > 1), default=10_000)
    starts: dict[int, int] = {}
    for ln in body:
        for k, p in enumerate(ln.pieces):
            if k == len(ln.pieces) - 1 and p.col >= values_from:
                out[(ln.n, k)] = 0
            elif not (_level(p.text)):
                starts[p.col] = starts.get(p.col, 0) + 1
    name_left = max(starts, key=lambda c: (starts[c], -c)) if starts else 10_000
    split12 = (cols["level1"] + cols["level2"]) / 2 if "level1" in cols and "level2" in cols else name_left / 2
    for ln in body:
        for k, p in enumerate(ln.pieces):
            if (ln.n, k) in out:
                continue
            is1, is2 = level1_key(p.text) in LEVEL1_LABELS, level2_key(p.text) in _L2
            if p.col >= name_left - 1:
                out[(ln.n, k)] = 1
            elif is1 != is2:  # the framework's words decide, where they are not both (成本指标)
                out[(ln.n, k)] = 3 if is1 else 2
            else:
                out[(ln.n, k)] = 3 if p.col < split12 else 2
    return out


_L2 = frozenset(k for l1 in ("产出", "效益", "满意度", "成本") for k in _level2_keys(l1))


def _level(text: str) -> bool:
    return level1_key(text) in LEVEL1_LABELS or level2_key(text) in _L2


def _indicator_block(block: list[_Line], first_heading: _Line, notes: list[LogEntry]) -> list[Row]:

    furniture = [ln for ln in block if ln.pieces and _furniture(ln)]
    body = [ln for ln in block if ln.pieces and ln not in furniture]
    if not body:
        return [_row(ln) for ln in furniture]
    # one page at a time: each page has its own column positions (its repeated heading)
    kind: dict[tuple[int, int], int] = {}
    heading: _Line | None = first_heading
    for page in sorted({ln.page or 0 for ln in body}):
        lines = [ln for ln in body if (ln.page or 0) == page]
        heading = next((ln for ln in block if (ln.page or 0) == page and _is_heading_line(ln)), heading)
        kind.update(_kinds(lines, heading))
    # a continuous vertical axis: page furniture (page numbers, repeated headers) takes no
    # room, nor does a line holding only a 一级/二级 label (printed between two rows' lines)
    ys: dict[int, float] = {}
    y = 0.0
    for ln in block:
        if ln in furniture:
            continue
        if ln.pieces and all(kind[(ln.n, k)] in (2, 3) for k in range(len(ln.pieces))):
            ys[ln.n] = y + 0.5
            continue
        y += 1
        ys[ln.n] = y
    anchors = [ln for ln in body if any(kind[(ln.n, k)] == 0 for k in range(len(ln.pieces)))]
    if not anchors:
        return [_row(ln) for ln in block if ln.pieces]
    names: dict[int, list[tuple[float, str]]] = {a.n: [] for a in anchors}
    labels: dict[int, list[tuple[float, str, _Line]]] = {2: [], 3: []}
    fragments: list[tuple[float, str]] = []  # (y, text) of 三级 lines not on an anchor line
    for ln in body:
        for k, p in enumerate(ln.pieces):
            c = kind[(ln.n, k)]
            if c in (2, 3):
                labels[c].append((ys[ln.n], p.text, ln))
            elif c == 1:
                if ln.n in names:
                    names[ln.n].append((ys[ln.n], p.text))
                else:
                    fragments.append((ys[ln.n], p.text))
    # split the fragments between consecutive anchors: as many below a row's value as above it
    spans: dict[int, tuple[float, float]] = {}
    fragments.sort()
    fi = 0
    owed = 0  # lines the previous row still has below its value
    for k, a in enumerate(anchors):
        ya = ys[a.n]
        mine: list[tuple[float, str]] = []
        while fi < len(fragments) and fragments[fi][0] < ya:
            if owed > 0:
                names[anchors[k - 1].n].append(fragments[fi])
                owed -= 1
            else:
                mine.append(fragments[fi])
            fi += 1
        names[a.n] += mine
        owed = len({y for y, _ in mine})
        spans[a.n] = (min([ya, *(y for y, _ in mine)]), ya + owed)
    while fi < len(fragments):  # after the last value
        names[anchors[-1].n].append(fragments[fi])
        fi += 1
    rows = [[""] * 4 for _ in anchors]
    for k, a in enumerate(anchors):
        rows[k][2] = join_wrapped([t for _, t in sorted(names[a.n])])
        rows[k][3] = " ".join(p.text for j, p in enumerate(a.pieces) if kind[(a.n, j)] == 0)
    unsure: list[tuple[Where, str]] = []
    starts2 = _block_starts(labels[2], anchors, spans, unsure)
    starts1 = _block_starts(labels[3], anchors, spans, [])
    for k, t in starts2.items():
        rows[k][1] = t
    parents = {k: level2_parent(level2_key(t)) for k, t in starts2.items()}
    if starts2 and all(parents.values()):
        # the framework says which 一级 each 二级 block is under: the 一级 blocks follow,
        # worded as the table's own 一级 labels where it has them
        words = {level1_key(t): t for t in starts1.values()}
        starts1 = {}
        last = None
        for k in sorted(parents):
            parent = parents[k]
            if parent != last and parent is not None:
                starts1[k] = words.get(parent, LEVEL1_LABELS.get(parent, parent + "指标"))
                last = parent
    for k, t in starts1.items():
        rows[k][0] = t
    out = [Row(tuple(r), a.where) for r, a in zip(rows, anchors, strict=True)]
    out += [_row(ln) for ln in furniture]
    notes.extend(
        LogEntry(
            str(w), NOTE, t, "按排版推断该二级指标的最后一行，文本中看不出单元格边界，前后一行可能归错组，请与原件核对"
        )
        for w, t in unsure
    )
    out.sort(key=lambda r: r.where.line)
    return out


def _block_starts(
    labels: list[tuple[float, str, _Line]],
    anchors: list[_Line],
    spans: dict[int, tuple[float, float]],
    unsure: list[tuple[Where, str]],
) -> dict[int, str]:
    """Row index → label for each block: a label is centred on its rows, so its block
    ends where the rows from the block's start are centred on the label's line.

    A block cut by a page break prints its label on both pages, where the page cuts the
    centred text: outside the rows of one page (below the last, above the first) it
    says nothing about the centre, and the copy among the rows of the other page is used.
    """
    rows_on: dict[int | None, tuple[float, float]] = {}
    for a in anchors:
        lo, hi = rows_on.get(a.page, (spans[a.n][0], spans[a.n][1]))
        rows_on[a.page] = (min(lo, spans[a.n][0]), max(hi, spans[a.n][1]))

    def inside(y: float, line: _Line) -> bool:
        lo, hi = rows_on.get(line.page, (y, y))
        return lo <= y <= hi

    kept: list[tuple[float, str]] = []
    prev_inside = True
    for y, text, line in sorted(labels, key=lambda x: x[0]):
        now = inside(y, line)
        if kept and squash(text) == squash(kept[-1][1]):
            if now and not prev_inside:
                kept[-1] = (y, text)  # the copy among the rows is the centre
                prev_inside = True
            continue
        kept.append((y, text))
        prev_inside = now
    out: dict[int, str] = {}
    start = 0
    for y, text in kept:
        if start >= len(anchors):
            break
        out[start] = text
        top = spans[anchors[start].n][0]
        ds = [(abs((top + spans[anchors[e].n][1]) / 2 - y), e) for e in range(start, len(anchors))]
        ds.sort()
        if len(ds) > 1 and ds[1][0] - ds[0][0] < 1.0:
            unsure.append((anchors[min(ds[0][1], ds[1][1])].where, text))
        start = ds[0][1] + 1
    return out


__all__ = ["layout_rows"]
