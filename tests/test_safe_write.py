"""Atomic, safe writes: a crash or Ctrl-C never leaves half a workbook, the input is
never overwritten unless asked (then a backup is kept), and an open or read-only target
is refused with a clear message — also when running as root, where ``os.access`` says
every file is writable.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from xladdin.commands.cli import main
from xladdin.errors import UserError
from xladdin.files.saving import is_read_only, save_atomic
from xladdin.files.writing import backup_path, load_for_edit, save_edited


def small_book(value: str = "新") -> Any:
    wb = Workbook()
    wb.active["A1"] = value
    return wb


def existing(path: Path, value: str = "旧") -> bytes:
    small_book(value).save(path)
    return path.read_bytes()


def leftovers(folder: Path) -> list[str]:
    """Temporary files save_atomic might have left (they start with a dot)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("xladdin："), err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


# --------------------------------------------------------------------------- crashes


class Boom(RuntimeError):
    pass


def half_then(exc: BaseException) -> Any:
    """A wb.save that writes half a zip to its path, then fails like a crash would."""

    def save(*args: Any) -> None:  # (path) on an instance, (self, path) on the class
        Path(args[-1]).write_bytes(b"PK\x03\x04half a workbook")
        raise exc

    return save


@pytest.mark.parametrize("exc", [Boom("crash"), KeyboardInterrupt()])
def test_a_crash_mid_write_leaves_the_target_untouched_and_no_temp_file(tmp_path: Path, exc: BaseException) -> None:
    target = tmp_path / "表.xlsx"
    before = existing(target)
    wb = small_book()
    wb.save = half_then(exc)
    with pytest.raises(type(exc)):
        save_atomic(wb, target)
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_crash_mid_write_of_a_new_file_leaves_nothing(tmp_path: Path) -> None:
    wb = small_book()
    wb.save = half_then(Boom("crash"))
    with pytest.raises(Boom):
        save_atomic(wb, tmp_path / "新.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_the_temporary_file_is_written_in_the_target_folder(tmp_path: Path) -> None:
    seen: list[Path] = []
    wb = small_book()
    real = wb.save

    def save(path: str) -> None:
        seen.append(Path(path))
        real(path)

    wb.save = save
    save_atomic(wb, tmp_path / "out.xlsx")
    assert seen and seen[0].parent == tmp_path and seen[0].name != "out.xlsx"
    assert load_workbook(tmp_path / "out.xlsx").active["A1"].value == "新"


def test_disk_full_is_a_clear_message_and_the_target_is_untouched(tmp_path: Path) -> None:
    target = tmp_path / "表.xlsx"
    before = existing(target)
    wb = small_book()

    def full(path: str) -> None:
        Path(path).write_bytes(b"PK")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    wb.save = full
    with pytest.raises(UserError) as e:
        save_atomic(wb, target)
    assert "原文件没有被修改" in e.value.message
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_an_unwritable_folder_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root ignores folder permissions, so the refusal of the OS is simulated."""
    import tempfile

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(UserError) as e:
        save_atomic(small_book(), tmp_path / "out.xlsx")
    assert "无法在文件夹" in e.value.message


def test_ctrl_c_through_the_cli_writes_nothing(
    tmp_path: Path, workbook_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_copy.read_bytes()
    out = tmp_path / "out.xlsx"
    monkeypatch.setattr(Workbook, "save", half_then(KeyboardInterrupt()), raising=True)
    assert main(["format", str(workbook_copy), "-o", str(out)]) == 130
    assert "未写入任何文件" in capsys.readouterr().err
    assert not out.exists()
    assert workbook_copy.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_ctrl_c_during_an_in_place_write_keeps_the_original(
    tmp_path: Path, workbook_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = workbook_copy.read_bytes()
    monkeypatch.setattr(Workbook, "save", half_then(KeyboardInterrupt()), raising=True)
    assert main(["format", str(workbook_copy), "--in-place"]) == 130
    assert workbook_copy.read_bytes() == before
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------- the input


def test_the_input_is_not_overwritten_without_in_place(
    tmp_path: Path, workbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_copy.read_bytes()
    assert main(["format", str(workbook_copy)]) == 2
    assert "--in-place" in one_line_error(capsys)
    assert main(["format", str(workbook_copy), "-o", str(workbook_copy)]) == 2
    assert "--in-place" in one_line_error(capsys)
    link = tmp_path / "同一个文件.xlsx"
    os.link(workbook_copy, link)
    assert main(["format", str(workbook_copy), "-o", str(link)]) == 2
    one_line_error(capsys)
    assert workbook_copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([workbook_copy.name, link.name])


def test_in_place_keeps_a_backup_identical_to_the_original(tmp_path: Path, workbook_copy: Path) -> None:
    before = workbook_copy.read_bytes()
    assert main(["format", str(workbook_copy), "--in-place"]) == 0
    backups = [p for p in tmp_path.iterdir() if ".备份-" in p.name]
    assert len(backups) == 1
    assert backups[0].read_bytes() == before
    assert backups[0].suffix == ".xlsx"
    assert workbook_copy.read_bytes() != before


def test_backup_names_never_collide(tmp_path: Path) -> None:
    import datetime as dt

    src = tmp_path / "表.xlsx"
    existing(src)
    now = dt.datetime(2026, 1, 2, 3, 4, 5)
    first = backup_path(src, now)
    first.write_bytes(b"x")
    second = backup_path(src, now)
    assert second != first and not second.exists()
    assert second.name == "表.备份-20260102-030405-2.xlsx"


def test_an_existing_target_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    existing(target)
    target.chmod(0o640)
    save_atomic(small_book(), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# --------------------------------------------------------------------------- open / read-only


@pytest.mark.parametrize("lock_name", ["~$out.xlsx", ".~lock.out.xlsx#"])
def test_a_target_open_in_excel_wps_or_libreoffice_is_refused(
    tmp_path: Path, workbook_copy: Path, lock_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.xlsx"
    before = existing(out)
    (tmp_path / lock_name).write_bytes(b"owner")
    assert main(["format", str(workbook_copy), "-o", str(out)]) == 2
    err = one_line_error(capsys)
    assert "正在" in err and "打开" in err and lock_name in err
    assert out.read_bytes() == before
    assert leftovers(tmp_path) == ([lock_name] if lock_name.startswith(".") else [])


def test_in_place_on_an_open_file_is_refused_without_leaving_a_backup(
    tmp_path: Path, workbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / f"~${workbook_copy.name}").write_bytes(b"owner")
    before = workbook_copy.read_bytes()
    assert main(["format", str(workbook_copy), "--in-place"]) == 2
    assert "打开" in one_line_error(capsys)
    assert workbook_copy.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".备份-" in p.name]


def test_read_only_is_judged_by_the_mode_bits_even_for_root(tmp_path: Path) -> None:
    f = tmp_path / "ro.xlsx"
    existing(f)
    assert not is_read_only(f)
    f.chmod(0o444)
    assert is_read_only(f), "root may write it, but the user marked it read-only"


def test_a_read_only_target_is_refused(tmp_path: Path, workbook_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.xlsx"
    before = existing(out)
    out.chmod(0o444)
    assert main(["format", str(workbook_copy), "-o", str(out)]) == 2
    assert "只读" in one_line_error(capsys)
    assert out.read_bytes() == before


def test_in_place_on_a_read_only_input_is_refused_without_a_backup(
    tmp_path: Path, workbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook_copy.read_bytes()
    workbook_copy.chmod(0o444)
    assert main(["format", str(workbook_copy), "--in-place"]) == 2
    assert "只读" in one_line_error(capsys)
    assert workbook_copy.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".备份-" in p.name]


def test_output_that_is_a_folder_or_in_a_missing_folder(
    tmp_path: Path, workbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "结果.xlsx"
    folder.mkdir()
    assert main(["format", str(workbook_copy), "-o", str(folder)]) == 2
    assert "文件夹" in one_line_error(capsys)
    assert main(["format", str(workbook_copy), "-o", str(tmp_path / "没有这个文件夹" / "out.xlsx")]) == 2
    assert "文件夹不存在" in one_line_error(capsys)


def test_save_edited_writes_the_output_and_leaves_the_source(tmp_path: Path, workbook_copy: Path) -> None:
    before = workbook_copy.read_bytes()
    from xladdin.workbook_plan import SetCell, WorkbookPlan

    wb = load_for_edit(workbook_copy)
    wb.worksheets[1]["H1"] = "改"
    plan = WorkbookPlan("test", [SetCell(wb.worksheets[1].title, "H1", "改", None, "test")])
    out = save_edited(wb, workbook_copy, tmp_path / "out.xlsx", plan=plan)
    assert load_workbook(out).worksheets[1]["H1"].value == "改"
    assert workbook_copy.read_bytes() == before


def test_a_workbook_too_big_to_edit_is_refused_before_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workbook_copy: Path
) -> None:
    from xladdin.files import writing

    monkeypatch.setattr(writing, "MAX_EDIT_SHEET_BYTES", 1000)
    with pytest.raises(UserError) as e:
        load_for_edit(workbook_copy)
    assert "太大" in e.value.message and "xladdin check" in e.value.message
