"""Read and rewrite a VBA project (``xl/vbaProject.bin``) without Office.

Just enough of [MS-OVBA] and [MS-CFB] to rebuild the xlwings add-in template with our
own module source and names: the VBA compression (2.4.1), the ``dir`` stream's
records (2.3.4.2), the ``PROJECT``/``PROJECTwm`` streams, and a compound-file writer.

Why patching and not a generator: the template's project carries what Excel needs and
we do not want to reinvent (references, the document modules ThisWorkbook/Sheet,
the Dictionary class, xlwings' 1,200-line module); we change module texts and names
only.  Changed modules are stored as source only (MODULEOFFSET 0, no compiled
p-code) and the template's ``_VBA_PROJECT`` stream already declares version 0xFFFF,
so Office compiles the project from source when it opens the add-in.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------- compression (MS-OVBA 2.4.1)

CHUNK = 4096


def decompress(data: bytes) -> bytes:
    """A CompressedContainer → bytes."""
    if not data or data[0] != 1:
        raise ValueError("not a VBA compressed container (signature byte ≠ 1)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        compressed = bool(header & 0x8000)
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError("bad chunk signature")
        chunk = data[pos + 2 : pos + size]
        pos += size
        start = len(out)
        if not compressed:
            out += chunk
            continue
        i = 0
        while i < len(chunk):
            flags = chunk[i]
            i += 1
            for bit in range(8):
                if i >= len(chunk):
                    break
                if not (flags >> bit) & 1:
                    out.append(chunk[i])
                    i += 1
                    continue
                token = struct.unpack_from("<H", chunk, i)[0]
                i += 2
                bits = _bit_count(len(out) - start)
                length = (token & (0xFFFF >> bits)) + 3
                offset = (token >> (16 - bits)) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def _bit_count(difference: int) -> int:
    bits = 4
    while (1 << bits) < difference:
        bits += 1
    return min(bits, 12)


def compress(data: bytes) -> bytes:
    """bytes → a CompressedContainer (greedy longest match, as Office writes it)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            out += struct.pack("<H", (len(body) + 2 - 3) | (0b011 << 12) | 0x8000) + body
        elif len(chunk) == CHUNK:  # incompressible: a raw chunk (only allowed at full size)
            out += struct.pack("<H", (CHUNK - 1) | (0b011 << 12)) + chunk
        else:
            raise ValueError("an incompressible final chunk cannot be stored")
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    i = 0
    n = len(chunk)
    while i < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if i >= n:
                break
            bits = _bit_count(i)
            max_len = (0xFFFF >> bits) + 3
            best_len, best_off = 0, 0
            if i + 3 <= n:
                key = chunk[i : i + 3]
                for j in reversed(heads.get(key, [])[-64:]):  # the nearest candidates are enough
                    off = i - j
                    length = 3
                    limit = min(max_len, n - i)
                    while length < limit and chunk[j + length] == chunk[i + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, off
                        if length == limit:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                for k in range(i, i + best_len):
                    if k + 3 <= n:
                        heads.setdefault(chunk[k : k + 3], []).append(k)
                i += best_len
            else:
                out.append(chunk[i])
                if i + 3 <= n:
                    heads.setdefault(chunk[i : i + 3], []).append(i)
                i += 1
        out[flag_at] = flags
    return bytes(out)


# --------------------------------------------------------------------------- the dir stream (MS-OVBA 2.3.4.2)

PROJECTNAME = 0x0004
PROJECTVERSION = 0x0009
PROJECTCODEPAGE = 0x0003
MODULENAME = 0x0019
MODULENAMEUNICODE = 0x0047
MODULESTREAMNAME = 0x001A
MODULESTREAMNAME_UNICODE = 0x0032
MODULEOFFSET = 0x0031
MODULE_TERMINATOR = 0x002B


@dataclass
class Record:
    id: int
    data: bytes

    def pack(self) -> bytes:
        if self.id == PROJECTVERSION:  # Reserved field is 4, then 6 bytes of version
            return struct.pack("<HI", self.id, 4) + self.data
        return struct.pack("<HI", self.id, len(self.data)) + self.data


def parse_dir(data: bytes) -> list[Record]:
    out = []
    i = 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == PROJECTVERSION:
            size = 6
        out.append(Record(rid, data[i + 6 : i + 6 + size]))
        i += 6 + size
    return out


def pack_dir(records: list[Record]) -> bytes:
    return b"".join(r.pack() for r in records)


@dataclass
class Module:
    """One module's records in the dir stream (from MODULENAME to its terminator)."""

    first: int  # index of its MODULENAME record
    last: int  # index of its terminator
    name: str
    stream: str
    offset: int


def modules(records: list[Record], codepage: str) -> list[Module]:
    out = []
    current: dict[str, object] = {}
    for k, r in enumerate(records):
        if r.id == MODULENAME:
            current = {"first": k, "name": r.data.decode(codepage)}
        elif r.id == MODULESTREAMNAME and current:
            current["stream"] = r.data.decode(codepage)
        elif r.id == MODULEOFFSET and current:
            current["offset"] = struct.unpack("<I", r.data)[0]
        elif r.id == MODULE_TERMINATOR and current:
            out.append(Module(current["first"], k, current["name"], current["stream"], current["offset"]))  # type: ignore[arg-type]
            current = {}
    return out


def codepage_of(records: list[Record]) -> str:
    for r in records:
        if r.id == PROJECTCODEPAGE:
            return f"cp{struct.unpack('<H', r.data)[0]}"
    return "cp1252"


# --------------------------------------------------------------------------- compound file (MS-CFB, version 3)

SECTOR = 512
MINI = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


@dataclass
class Entry:
    """A storage (``data is None``) or stream of a compound file."""

    name: str
    data: bytes | None = None
    clsid: bytes = b"\0" * 16
    children: list[Entry] = field(default_factory=list)

    def child(self, name: str) -> Entry:
        for c in self.children:
            if c.name == name:
                return c
        raise KeyError(name)


def read_cfb(blob: bytes) -> Entry:
    """The tree of a compound file (via olefile, which oletools already depends on)."""
    import io
    import uuid

    import olefile

    def clsid(text: str) -> bytes:
        return uuid.UUID(text).bytes_le if text else b"\0" * 16

    ole = olefile.OleFileIO(io.BytesIO(blob))
    root = Entry("Root Entry", None, clsid(ole.root.clsid))

    def walk(node: Entry, d: Any, path: list[str]) -> None:
        for kid in sorted(d.kids, key=lambda k: k.sid):
            if kid.entry_type == olefile.STGTY_STORAGE:
                e = Entry(kid.name, None, clsid(kid.clsid))
                walk(e, kid, [*path, kid.name])
            else:
                e = Entry(kid.name, ole.openstream([*path, kid.name]).read(), clsid(kid.clsid))
            node.children.append(e)

    walk(root, ole.root, [])
    return root


def _key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def write_cfb(root: Entry) -> bytes:
    """A version-3 compound file holding ``root``'s tree.

    Siblings are linked as a right-leaning chain in CFB name order, all black —
    the shape of the xlwings template itself, which Office opens.
    """
    entries: list[Entry] = []
    links: list[list[int]] = []  # [left, right, child]

    def add(e: Entry) -> int:
        k = len(entries)
        entries.append(e)
        links.append([NOSTREAM, NOSTREAM, NOSTREAM])
        kids = sorted(e.children, key=lambda c: _key(c.name))
        ids = [add(c) for c in kids]
        if ids:
            links[k][2] = ids[0]
            for a, b in itertools.pairwise(ids):
                links[a][1] = b
        return k

    add(root)
    streams = [(k, e) for k, e in enumerate(entries) if e.data is not None]
    small = [(k, e) for k, e in streams if len(e.data or b"") < MINI_CUTOFF]
    big = [(k, e) for k, e in streams if len(e.data or b"") >= MINI_CUTOFF]

    # mini stream
    mini = bytearray()
    minifat: list[int] = []
    start: dict[int, int] = {}
    size: dict[int, int] = {k: len(e.data or b"") for k, e in streams}
    for k, e in small:
        data = e.data or b""
        if not data:
            start[k] = ENDOFCHAIN
            continue
        first = len(mini) // MINI
        count = -(-len(data) // MINI)
        start[k] = first
        minifat += [first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
        mini += data + b"\0" * (count * MINI - len(data))

    # regular sectors: big streams, the mini stream, directory, mini FAT, then FAT
    sectors = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        first = len(fat)
        count = -(-len(data) // SECTOR)
        fat.extend([first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN])
        sectors.extend(data + b"\0" * (count * SECTOR - len(data)))
        return first

    for k, e in big:
        start[k] = place(e.data or b"")
    mini_start = place(bytes(mini))
    n_dir = -(-len(entries) // 4)
    dir_blob = bytearray()
    for k, e in enumerate(entries):
        name = e.name.encode("utf-16-le") + b"\0\0"
        typ = 5 if k == 0 else (1 if e.data is None else 2)
        first = mini_start if k == 0 else start.get(k, 0 if e.data is None else ENDOFCHAIN)
        length = len(mini) if k == 0 else size.get(k, 0)
        if k == 0 and not mini:
            first = ENDOFCHAIN
        dir_blob += struct.pack(
            "<64sHBBIII16sI8s8sIQ",
            name,
            len(name),
            typ,
            1,
            *links[k],
            e.clsid,
            0,
            b"\0" * 8,
            b"\0" * 8,
            first,
            length,
        )
    empty = struct.pack(
        "<64sHBBIII16sI8s8sIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, b"", b"", 0, 0
    )
    dir_blob += empty * (n_dir * 4 - len(entries))
    dir_start = place(bytes(dir_blob))
    minifat_blob = b"".join(struct.pack("<I", x) for x in minifat)
    minifat_blob += struct.pack("<I", FREESECT) * ((-len(minifat)) % (SECTOR // 4))
    minifat_start = place(minifat_blob) if minifat else ENDOFCHAIN
    n_minifat = -(-len(minifat_blob) // SECTOR) if minifat else 0

    # the FAT describes itself too: grow until it fits
    n_fat = 1
    while (len(fat) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    if n_fat > 109:
        raise ValueError("file too large for a header-only DIFAT")
    fat_start = len(fat)
    fat += [FATSECT] * n_fat
    fat_blob = b"".join(struct.pack("<I", x) for x in fat)
    fat_blob += struct.pack("<I", FREESECT) * (n_fat * (SECTOR // 4) - len(fat))
    sectors += fat_blob

    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\0" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        n_fat,
        dir_start,
        0,
        MINI_CUTOFF,
        minifat_start,
        n_minifat,
        ENDOFCHAIN,
        0,
    ) + b"".join(struct.pack("<I", x) for x in difat)
    assert len(header) == SECTOR
    return header + bytes(sectors)


# --------------------------------------------------------------------------- the VBA project


@dataclass
class VbaProject:
    """A vbaProject.bin opened for changing module texts and names."""

    root: Entry

    @classmethod
    def load(cls, blob: bytes) -> VbaProject:
        return cls(read_cfb(blob))

    @property
    def vba(self) -> Entry:
        return self.root.child("VBA")

    def records(self) -> list[Record]:
        return parse_dir(decompress(self.vba.child("dir").data or b""))

    @property
    def codepage(self) -> str:
        return codepage_of(self.records())

    def module_names(self) -> list[str]:
        return [m.name for m in modules(self.records(), self.codepage)]

    def source(self, module: str) -> str:
        """A module's source as stored (Attribute lines included, CRLF)."""
        recs = self.records()
        m = next(m for m in modules(recs, self.codepage) if m.name == module)
        data = self.vba.child(m.stream).data or b""
        return decompress(data[m.offset :]).decode(self.codepage)

    def set_source(self, module: str, text: str) -> None:
        """Store ``text`` as the module's source, dropping its compiled cache."""
        recs = self.records()
        cp = codepage_of(recs)
        m = next(m for m in modules(recs, cp) if m.name == module)
        text = "\r\n".join(text.replace("\r\n", "\n").split("\n"))
        self.vba.child(m.stream).data = compress(text.encode(cp))
        for r in recs[m.first : m.last]:
            if r.id == MODULEOFFSET:
                r.data = struct.pack("<I", 0)
        self._save_dir(recs)

    def rename_module(self, old: str, new: str) -> None:
        """Rename a module everywhere it is named: dir, its stream, PROJECT, PROJECTwm."""
        recs = self.records()
        cp = codepage_of(recs)
        m = next(m for m in modules(recs, cp) if m.name == old)
        for r in recs[m.first : m.last]:
            if r.id in (MODULENAME, MODULESTREAMNAME):
                r.data = new.encode(cp)
            elif r.id in (MODULENAMEUNICODE, MODULESTREAMNAME_UNICODE):
                r.data = new.encode("utf-16-le")
        self.vba.child(m.stream).name = new
        self._save_dir(recs)
        project = (self.root.child("PROJECT").data or b"").decode(cp)
        lines = project.split("\r\n")
        for i, line in enumerate(lines):
            key, sep, value = line.partition("=")
            if sep and key in ("Module", "Class", "BaseClass") and value == old:
                lines[i] = f"{key}={new}"
            elif sep and key == old:
                lines[i] = f"{new}={value}"
        self.root.child("PROJECT").data = "\r\n".join(lines).encode(cp)
        self._save_name_map()

    def rename_project(self, new: str) -> None:
        recs = self.records()
        cp = codepage_of(recs)
        for r in recs:
            if r.id == PROJECTNAME:
                r.data = new.encode(cp)
        self._save_dir(recs)
        project = (self.root.child("PROJECT").data or b"").decode(cp)
        lines = [f'Name="{new}"' if line.startswith("Name=") else line for line in project.split("\r\n")]
        self.root.child("PROJECT").data = "\r\n".join(lines).encode(cp)

    def _save_dir(self, recs: list[Record]) -> None:
        self.vba.child("dir").data = compress(pack_dir(recs))

    def _save_name_map(self) -> None:
        """PROJECTwm: every module's name in MBCS and UTF-16, in dir order."""
        cp = self.codepage
        out = bytearray()
        for name in self.module_names():
            out += name.encode(cp) + b"\0" + name.encode("utf-16-le") + b"\0\0"
        out += b"\0\0"
        self.root.child("PROJECTwm").data = bytes(out)

    def save(self) -> bytes:
        return write_cfb(self.root)
