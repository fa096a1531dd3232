"""A multipart upload streamed into a request's folder, within the limits.

Starlette's own form parser spools files to the system's temporary folder; here every
byte goes to ``in/`` of the request's folder and nowhere else, under a name of ours,
and the limits are enforced while the bytes arrive: a request declaring too many bytes
is refused before it is read, one that sends more is cut off at the limit, the
(n+1)-th file is refused when its headers arrive.  What was written is removed by the
caller, which deletes the folder.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from xladdin.errors import UserError
from xladdin.web.store import Entry, display_name, suffix_of

MAX_FIELDS = 20
MAX_FIELD_BYTES = 4096
FRAMING_ALLOWANCE = 64 * 1024  # multipart boundaries and part headers around the files' bytes


class UploadRefused(UserError):
    """An upload turned away; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Received:
    entries: list[Entry] = field(default_factory=list)  # workbooks (and .zip files) stored under in/
    fields: dict[str, str] = field(default_factory=dict)


def too_big(max_bytes: int) -> UploadRefused:
    return UploadRefused(
        f"上传的文件太大：一次最多 {max_bytes / (1024 * 1024):.0f} MB。请分批上传，或请管理员调大 --max-upload-mb。",
        413,
    )


def too_many(max_files: int) -> UploadRefused:
    return UploadRefused(
        f"一次最多上传{max_files}个文件。请分批上传，或把文件夹压缩为一个 .zip（其中最多{max_files}个工作簿）。", 413
    )


async def receive(request: Request, folder: Path, max_bytes: int, max_files: int) -> Received:
    """Every file part of the request stored under ``folder/in``; the small fields as text."""
    ctype = request.headers.get("content-type", "")
    kind, params = parse_options_header(ctype)
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused("请通过网页的上传按钮（或 multipart/form-data 表单）上传工作簿。")
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > max_bytes + FRAMING_ALLOWANCE:
                raise too_big(max_bytes)
        except ValueError:
            raise UploadRefused("请求的 Content-Length 无效。") from None
    state = _State(folder / "in", max_files)
    parser = MultipartParser(params[b"boundary"], state.callbacks())
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_bytes + FRAMING_ALLOWANCE:
                raise too_big(max_bytes)
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise UploadRefused("上传的数据不完整或格式有误，请重新上传。") from None
    finally:
        state.close()
    return Received(state.entries, state.fields)


class _State:
    """The parser's callbacks: headers of each part, then its bytes to a file or a field."""

    def __init__(self, target: Path, max_files: int) -> None:
        self.target = target
        self.max_files = max_files
        self.entries: list[Entry] = []
        self.fields: dict[str, str] = {}
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._file: IO[bytes] | None = None
        self._field: bytearray | None = None
        self._field_name = ""
        self._written = 0
        self._path: Path | None = None
        self._display = ""

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.part_begin,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
        }

    def part_begin(self) -> None:
        self._disposition = b""
        self._file = None
        self._field = None
        self._written = 0

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            raw = options[b"filename"].decode("utf-8", "replace")
            if not raw:  # a file input left empty
                return
            if len(self.entries) >= self.max_files:
                raise too_many(self.max_files)
            self._display = display_name(raw)
            stored = f"file-{len(self.entries):03d}{suffix_of(self._display)}"
            self._path = self.target / stored
            fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
            self._file = os.fdopen(fd, "wb")
            self.entries.append(Entry(stored, self._display))
        else:
            if len(self.fields) >= MAX_FIELDS:
                raise UploadRefused("表单字段太多。")
            self._field_name = name
            self._field = bytearray()

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None:
            self._file.write(data[start:end])
        elif self._field is not None:
            self._field += data[start:end]
            if len(self._field) > MAX_FIELD_BYTES:
                raise UploadRefused("表单字段过长。")

    def part_end(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        elif self._field is not None:
            self.fields[self._field_name] = self._field.decode("utf-8", "replace")
            self._field = None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
