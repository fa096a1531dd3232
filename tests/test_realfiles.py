"""Real spreadsheets made by other applications through every writing command (a few minutes' worth).

The whole corpus (``../shared/realfiles``, 873 files, 11,000+ runs, about an hour) is
``python bench/realfiles.py``; here a subset chosen for what real files carry that a writer
must keep or refuse by name: Strict Open XML, shapes and text boxes, buttons kept only in
VML, form controls, chart styles, XML maps and query tables, 2010 data bars, cross-sheet
drop-down lists, Mac's page-layout flag, sensitivity labels, dynamic arrays, formula
results, rich text after a plain run, ``_xHHHH_`` escapes, spaces only, CR LF in a result,
duplicate rows, part names in another case, linked and WMF pictures, OLE objects, a
background and a header picture, in-cell checkboxes, dialog and macro sheets, an encrypted
file (an .xlsb is written as a new .xlsx through LibreOffice since issue 15: not this file's concern).  Each file is run as it is (``check --mark``) and with one project
table added (format, fill, rollover, and clear of its marked copy), each run a forked
``xladdin`` with a time limit, and the written file compared with its input by
``bench/package_compare.py`` (not by the write path's own verification).

The corpus is not part of the repository: on a clean clone (CI) these tests are skipped.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "realfiles"

pytestmark = pytest.mark.skipif(
    not (CORPUS / "manifest.tsv").exists(), reason="../shared/realfiles (the real-file corpus) is not here"
)


def load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("xladdin_bench_realfiles", ROOT / "bench" / "realfiles.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


SUBSET = {
    # file: what it carries (and what must come of it: "keep" = written with nothing lost, "refuse" = refused by name)
    "poi/SimpleStrict.xlsx": ("Strict Open XML (Excel)", "keep"),
    "poi/sample.strict.xlsx": ("Strict Open XML, three sheets", "keep"),
    "phpspreadsheet/namespacepurl.xlsx": ("Strict namespaces, autofilter", "keep"),
    "exceldatareader/Test_git_issue289~2.xlsx": ("Strict, Excel 16", "keep"),
    "closedxml/bnc762542.xlsx": ("shapes and text boxes", "keep"),
    "closedxml/CommentAndButton.xlsx": ("a button only in VML beside a note", "keep"),
    "closedxml/FileWithButton.xlsm": ("a form control with ctrlProps, macros", "keep"),
    "calamine/any_sheets.xlsx": ("a chart sheet with chart styles and colours", "keep"),
    "poi/55850.xlsx": ("an XML map with single mapped cells", "keep"),
    "npoi/56169.xlsx": ("an XML map fed by a connection", "keep"),
    "poi/dataValidationTableRange.xlsx": ("a query table", "keep"),
    "closedxml/complex_icon_set.xlsx": ("2010 icon sets", "keep"),
    "closedxml/tdf104310.xlsx": ("cross-sheet drop-down lists (x14)", "keep"),
    "npoi/48962.xlsx": ("Mac page-layout flag", "keep"),
    "phpspreadsheet/fakewebservice.xlsx": ("a sensitivity label", "keep"),
    "phpspreadsheet/atsign.choosecols.xlsx": ("dynamic-array formulas", "keep"),
    "poi/57523.xlsx": ("SharePoint custom XML", "keep"),
    "calamine/issue446.xlsx": ("formula results", "keep"),
    "calamine/richtext-after-plain.xlsx": ("rich text after a plain run", "keep"),
    "calamine/has_x000D_inline.xlsx": ("_x000D_ escapes", "keep"),
    "calamine/whitespace_trim.xlsx": ("spaces only, kept or trimmed as written", "keep"),
    "sheetjs/crlf.xlsx": ("CR LF in a formula's result", "keep"),
    "exceldatareader/Test_git_issue_324.xlsx": ("duplicate <row> elements", "keep"),
    "poi/123233_charts.xlsx": ("a sheet's relationships in another letter case", "keep"),
    "exceldatareader/Test_git_issue_301_IgnoreCase.xlsx": ("every part name in another case", "keep"),
    "phpspreadsheet/urlImage2.onecell.xlsx": ("a picture linked to a web address", "keep"),
    "phpspreadsheet/wmffile.xlsx": ("a WMF picture", "keep"),
    "xlsxwriter/background03.xlsx": ("a sheet background picture", "keep"),
    "xlsxwriter/header_image10.xlsx": ("a picture in the header", "keep"),
    "poi/WithEmbeded.xlsx": ("embedded OLE objects", "keep"),
    "poi/64473.xlsx": ("Google Sheets' own workbook metadata (a binary part)", "keep"),
    "xlsxwriter/checkbox05.xlsx": ("in-cell checkboxes (Excel 365)", "refuse"),
    "closedxml/DialogSheet.xlsx": ("an Excel 5.0 dialog sheet", "refuse"),
    "poi/xlmmacro.xlsm": ("an Excel 4.0 macro sheet", "refuse"),
    "exceldatareader/agile_DES_MD5_CBC_pwd_password.xlsx": ("a password", "refuse"),
}


@pytest.fixture(scope="module")
def runs() -> list[object]:
    runner = load_runner()
    entries = {e.file: e for e in runner.manifest(CORPUS)}
    chosen = [entries[f] for f in SUBSET if f in entries]
    assert len(chosen) == len(SUBSET), sorted(set(SUBSET) - set(entries))
    return runner.corpus_runs(chosen, ("mark", "clear", "format", "fill", "rollover"), 60.0, True, CORPUS, quiet=True)


def test_no_run_crashes_hangs_or_loses_anything(runs: list[object]) -> None:
    problems = [
        (r.file, r.command, r.table, r.outcome, r.message[:200], r.losses[:3])  # type: ignore[attr-defined]
        for r in runs
        if r.outcome not in ("accepted", "refused") or r.losses  # type: ignore[attr-defined]
    ]
    assert problems == []


def test_what_can_be_kept_is_written_and_the_rest_refused_by_name(runs: list[object]) -> None:
    for file, (what, fate) in SUBSET.items():
        marks = [r for r in runs if r.file == file and r.command == "mark" and not r.table]  # type: ignore[attr-defined]
        assert marks, file
        outcome, message = marks[0].outcome, marks[0].message  # type: ignore[attr-defined]
        if fate == "keep":
            assert outcome == "accepted", (file, what, message)
        else:
            assert outcome == "refused" and message and not message.isascii(), (file, what, message)
            assert "Traceback" not in message and "extLst" not in message


def test_with_a_project_table_the_tables_are_really_rewritten(runs: list[object]) -> None:
    """With one table added, fill, format and rollover change it: each kept file is written by each."""
    for file, (what, fate) in SUBSET.items():
        if fate != "keep" or file.endswith(".xlsb"):
            continue
        for command in ("format", "fill", "rollover"):
            done = [r for r in runs if r.file == file and r.command == command and r.table]  # type: ignore[attr-defined]
            assert done and done[0].outcome == "accepted", (file, what, command, done and done[0].message)  # type: ignore[attr-defined]


def test_no_temporary_file_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything a writing command makes besides its output is gone once it ends, whatever the end.

    The runs get a temporary folder of their own: /tmp is shared with whatever else runs on the machine."""
    import tempfile

    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    runner = load_runner()
    entries = {e.file: e for e in runner.manifest(CORPUS)}
    runs = runner.corpus_runs([entries["poi/SimpleStrict.xlsx"]], ("mark",), 60.0, True, CORPUS, quiet=True)
    assert [r.outcome for r in runs] == ["accepted", "accepted"]
    assert list(private.iterdir()) == []
