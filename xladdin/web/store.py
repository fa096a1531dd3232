"""One temporary folder per request: what was uploaded, what was made from it, and nothing else.

* A folder's name is a random id (the only thing a URL names); a request can reach no
  other folder and nothing outside the root.
* A name the user gave (a file's, an entry's in a .zip) is never used as a path: files
  are stored as ``in/file-001.xlsx`` and the user's name is kept in ``manifest.json``
  for showing it, naming downloads and replacing the stored name in messages.
* Folders are deleted ``keep`` seconds after they were made (``sweep``, run
  periodically) and, for the ones this server made, when it shuts down.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import stat
import time
import unicodedata
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from xladdin.errors import UserError
from xladdin.files.inputs import WORKBOOK_SUFFIXES, is_skipped

_ID = re.compile(r"^[A-Za-z0-9_-]{20,40}$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")
MANIFEST = "manifest.json"
PROGRESS = "progress.json"

# A .zip of a reviewer's folder: what unpacking it may cost at most.
MAX_ZIP_ENTRIES = 10_000
ZIP_RATIO = 200  # as the workbook vetting: more than 200× compression is a crafted package


@dataclass
class Entry:
    """One workbook of a request: where it is stored (``in/<stored>``) and the name the user knows."""

    stored: str
    display: str


def display_name(raw: str, fallback: str = "工作簿.xlsx") -> str:
    """A name to show: the last part of what the browser sent, without control characters, not too long."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:100] + "…" + dot + suffix) if dot and len(suffix) <= 8 else name[:120]
    return name or fallback


def display_path(raw: str) -> str:
    """A path inside a .zip as a name to show: parts joined by “/”, no “..”, no drive, no control characters."""
    parts = [display_name(p, "") for p in re.split(r"[\\/]", raw or "")]
    parts = [p for p in parts if p and p not in (".", "..") and not p.endswith(":")]
    return "/".join(parts) or "工作簿.xlsx"


def suffix_of(name: str) -> str:
    """The lower-case suffix of a user's file name when it is a plain one (``.xlsx``), else ``.bin``."""
    suffix = os.path.splitext(name)[1].lower()
    return suffix if _SUFFIX.match(suffix) else ".bin"


class Store:
    """The root of the request folders."""

    def __init__(self, root: Path, keep_seconds: float) -> None:
        self.root = root
        self.keep_seconds = keep_seconds
        self.mine: set[str] = set()
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def new(self, kind: str = "page") -> Path:
        job = secrets.token_urlsafe(18)
        folder = self.root / job
        folder.mkdir(mode=0o700)
        (folder / "in").mkdir()
        (folder / "out").mkdir()
        write_json(folder / MANIFEST, {"created": time.time(), "kind": kind, "files": []})
        self.mine.add(job)
        return folder

    def get(self, job: str) -> Path | None:
        """The folder of ``job`` when the id is well formed, the folder exists and has not expired."""
        if not _ID.match(job or ""):
            return None
        folder = self.root / job
        try:
            manifest = read_json(folder / MANIFEST)
        except (OSError, ValueError):
            return None
        if time.time() - float(manifest.get("created", 0)) > self.keep_seconds:
            return None
        return folder

    def remove(self, folder: Path) -> None:
        if folder.parent != self.root or not _ID.match(folder.name):
            return  # only request folders, never anything else
        shutil.rmtree(folder, ignore_errors=True)
        self.mine.discard(folder.name)

    def sweep(self, now: float | None = None) -> int:
        """Delete every request folder older than ``keep_seconds`` (any server's); how many."""
        now = now or time.time()
        removed = 0
        for folder in self.root.iterdir():
            if not folder.is_dir() or not _ID.match(folder.name):
                continue
            try:
                created = float(read_json(folder / MANIFEST).get("created", 0))
            except (OSError, ValueError):
                created = folder.stat().st_mtime
            if now - created > self.keep_seconds:
                self.remove(folder)
                removed += 1
        return removed

    def remove_mine(self) -> None:
        """On shutdown: the folders this server made (other servers sharing the root keep theirs)."""
        for job in list(self.mine):
            self.remove(self.root / job)


def write_json(path: Path, data: Any) -> None:
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staged.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(staged, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def entries_of(folder: Path) -> list[Entry]:
    return [Entry(**e) for e in read_json(folder / MANIFEST)["files"]]


def set_entries(folder: Path, entries: list[Entry]) -> None:
    manifest = read_json(folder / MANIFEST)
    manifest["files"] = [asdict(e) for e in entries]
    write_json(folder / MANIFEST, manifest)


def say(message: str, entry: Entry, folder: Path) -> str:
    """A message about a stored file, naming the file as the user knows it."""
    stored = folder / "in" / entry.stored
    return message.replace(str(stored), entry.display).replace(entry.stored, entry.display)


# --------------------------------------------------------------------------- a reviewer's .zip


def _zip_name(info: zipfile.ZipInfo) -> str:
    """An entry's name as its maker wrote it: Chinese Windows writes GBK without saying so."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return name


def unpack_zip(
    archive: Path, display: str, folder: Path, first: int, max_files: int, max_file_bytes: int, max_total: int
) -> tuple[list[Entry], list[tuple[str, str]]]:
    """The workbooks of a .zip stored as ``in/file-NNN.xlsx``, and the entries refused with their reason.

    Refused whole, with a message, before anything is unpacked: a file that is not a zip,
    more entries than ``MAX_ZIP_ENTRIES``, more workbooks than ``max_files``, workbooks
    declaring more than ``max_total`` bytes together or a compression beyond ``ZIP_RATIO``
    (a zip bomb).  Each entry is copied counting its bytes, so a lying header stops at
    its declared size.  Lock files, backups and other files are skipped, as a folder is
    read by ``xladdin check DIR``; a .zip inside the .zip is listed, not unpacked.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise UserError(f"压缩包 {display} 已损坏或不是 .zip 文件，无法解压。请重新压缩后再上传。") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise UserError(f"压缩包 {display} 中的文件太多（{len(infos)}个），最多{MAX_ZIP_ENTRIES}个。")
        wanted: list[tuple[zipfile.ZipInfo, str]] = []
        refused: list[tuple[str, str]] = []
        for info in infos:
            name = display_path(_zip_name(info))
            path = Path(name)
            if info.is_dir() or name.startswith("__MACOSX") or is_skipped(path):
                continue
            suffix = path.suffix.lower()
            if suffix == ".zip":
                refused.append((name, "压缩包中的压缩包不会被解开，请解压后重新打包上传。"))
            elif suffix in WORKBOOK_SUFFIXES:
                wanted.append((info, name))
        if len(wanted) > max_files:
            raise UserError(f"压缩包 {display} 中有{len(wanted)}个工作簿，一次最多处理{max_files}个。请分批上传。")
        declared = sum(i.file_size for i, _ in wanted)
        if declared > max_total or any(i.file_size > ZIP_RATIO * max(i.compress_size, 1) for i, _ in wanted):
            raise UserError(
                f"压缩包 {display} 解压后过大（约{declared // (1024 * 1024)} MB）或压缩比异常，疑似“压缩炸弹”，已拒绝。"
            )
        entries: list[Entry] = []
        for n, (info, name) in enumerate(wanted, start=first):
            shown = name  # the path inside the .zip: the reviewer's folder as it was zipped
            if info.flag_bits & 0x1:
                refused.append((shown, "该文件在压缩包中设置了密码，无法解压。"))
                continue
            if info.file_size > max_file_bytes:
                refused.append((shown, f"文件太大（{info.file_size // (1024 * 1024)} MB），超过上传限制。"))
                continue
            stored = f"file-{n:03d}{suffix_of(name)}"
            target = folder / "in" / stored
            try:
                _copy_bounded(zf, info, target, info.file_size)
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
                target.unlink(missing_ok=True)
                refused.append((shown, f"无法从压缩包中解出（{type(exc).__name__}），压缩包可能已损坏。"))
                continue
            entries.append(Entry(stored, shown))
    return entries, refused


def _copy_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limit: int) -> None:
    written = 0
    with zf.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(1024 * 1024):
            written += len(chunk)
            if written > limit:
                raise ValueError("entry larger than declared")
            dst.write(chunk)
    os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
