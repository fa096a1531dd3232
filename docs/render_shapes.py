"""Render the pictures of docs/表格样式.md: each form the reader knows, as ``xladdin format`` lays it out.

    python docs/render_shapes.py            # writes docs/表格样式/表样A.png … 表样Q.png

Each workbook is the shape of ``tests/shapes.py`` (built from ../shared/notes/layouts.json's
sample rows), formatted, printed by LibreOffice and cut to the table; small PNGs, so the
repository stays light.  Needs LibreOffice and poppler (pdftoppm).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.shapes import SHAPES  # noqa: E402
from xladdin.commands.cli import main  # noqa: E402
from xladdin.files.pdf import soffice_convert  # noqa: E402

OUT = ROOT / "docs" / "表格样式"
DPI = 50
MAX_HEIGHT = 640  # the top of the first page: the header block and the first indicator rows


def render(key: str, folder: Path) -> Path:
    src = SHAPES[key].save(folder / f"表样{key}.xlsx")
    formatted = folder / f"表样{key}-格式.xlsx"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        if main(["format", str(src), "-o", str(formatted)]) != 0:
            raise SystemExit(f"format 失败：{src}")
    pdf = soffice_convert(formatted, folder, "pdf:calc_pdf_Export", "PDF")
    stem = folder / f"page-{key}"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", str(pdf), str(stem)], check=True)
    page = next(folder.glob(f"page-{key}*.png"))
    return _crop(page, OUT / f"表样{key}.png")


def _crop(page: Path, target: Path) -> Path:
    from PIL import Image, ImageChops

    img = Image.open(page).convert("L")
    box = ImageChops.invert(img).getbbox() or (0, 0, img.width, img.height)
    left, top, right, bottom = box
    img = img.crop((max(0, left - 4), max(0, top - 4), min(img.width, right + 4), min(bottom + 4, top + MAX_HEIGHT)))
    img = img.quantize(colors=16)
    target.parent.mkdir(parents=True, exist_ok=True)
    img.save(target, optimize=True)
    return target


def main_() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for key in sorted(SHAPES):
            path = render(key, Path(tmp))
            print(f"已生成 {path.relative_to(ROOT)}（{path.stat().st_size // 1024} KB）")


if __name__ == "__main__":
    main_()
