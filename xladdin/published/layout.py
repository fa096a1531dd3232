"""Text laid out with spaces (``pdftotext -layout``, a page copied from a PDF viewer) → rows.

Placeholder: runs of two or more spaces separate cells; replaced by the column reader.
"""

from __future__ import annotations

import re

from xladdin.published.document import Row, Where

_SPACE_RUN = re.compile(r"[ \u3000]{2,}")


def layout_rows(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    page = 1 if any("\f" in line for line in lines) else None
    for n, line in enumerate(lines, start=1):
        if "\f" in line:
            assert page is not None
            page += line.count("\f")
            line = line.replace("\f", "")
        if not line.strip():
            continue
        cells = tuple(c for c in _SPACE_RUN.split(line.strip()) if c)
        rows.append(Row(cells, Where(page, n)))
    return rows
