"""The read-only commands over real spreadsheets made by other applications.

    python bench/realfiles_read.py [--corpus ../shared/realfiles] [--jobs 2] [--timeout 60] [--limit N] [--writing]

Every file of the corpus (``manifest.tsv``: Excel, LibreOffice, WPS, Google Sheets, Numbers and
many libraries, as public projects keep them as test data) goes through ``check`` and ``costs``,
each as text on a Chinese Windows console (``PYTHONIOENCODING=gbk``, what Python uses when a
cp936 console's output is redirected) and as ``--format json``; then the whole folder through
the batch (``check FOLDER --format json`` and ``check FOLDER --report 汇总.xlsx``).  One process
per run, as a user starts them, each stopped after ``--timeout`` seconds.

What counts: exit 0/1 is *accepted* (the file was read and reported on), exit 2 with one Chinese
line is *refused* (its reason is counted, with the file name taken out), anything else is a
failure: exit 3 (internal error), a traceback, a run that did not end (hang), JSON that is not
UTF-8 or does not parse, text that is not GBK.  ``--writing`` adds the writing commands on
the same GBK console (``check --mark``, then ``clear`` of the marked copy, ``format``, ``fill``,
``rollover``, each ``-o`` a new file): judged the same way, for the console's side only —
what a write keeps of the file is ``bench/realfiles.py``'s (issue 22), which compares the
packages before and after.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "realfiles"

# (name, arguments after the file, environment additions, output kind)
RUNS: list[tuple[str, list[str], dict[str, str], str]] = [
    ("check", [], {"PYTHONIOENCODING": "gbk"}, "gbk"),
    ("check --format json", ["--format", "json"], {"PYTHONIOENCODING": "gbk"}, "json"),
    ("costs", [], {"PYTHONIOENCODING": "gbk"}, "gbk"),
    ("costs --format json", ["--format", "json"], {"PYTHONIOENCODING": "gbk"}, "json"),
]
# The writing commands: {out} is a folder of the file's own; "clear" clears what "check --mark" wrote.
WRITING: list[tuple[str, list[str], dict[str, str], str]] = [
    ("check --mark", ["--mark", "-o", "{out}/标记.xlsx"], {"PYTHONIOENCODING": "gbk"}, "gbk"),
    ("clear", ["-o", "{out}/清除.xlsx"], {"PYTHONIOENCODING": "gbk"}, "gbk"),
    ("format", ["-o", "{out}/格式.xlsx"], {"PYTHONIOENCODING": "gbk"}, "gbk"),
    ("fill", ["-o", "{out}/填充.xlsx"], {"PYTHONIOENCODING": "gbk"}, "gbk"),
    ("rollover", ["--to", "2027", "-o", "{out}/2027.xlsx"], {"PYTHONIOENCODING": "gbk"}, "gbk"),
]


@dataclass
class Outcome:
    run: str
    file: str
    status: str  # accepted | refused | internal | traceback | hang | bad-output | crash
    code: int | None
    seconds: float
    detail: str = ""


def corpus_files(corpus: Path) -> list[Path]:
    manifest = corpus / "manifest.tsv"
    lines = manifest.read_text(encoding="utf-8").splitlines()[1:]
    return [corpus / "files" / line.split("\t")[0] for line in lines if line.strip()]


def xladdin(
    args: list[str], env_extra: dict[str, str], timeout: float, cwd: Path
) -> tuple[int | None, bytes, bytes, float]:
    env = {**os.environ, **env_extra}
    env.pop("PYTHONUTF8", None)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "xladdin.commands.cli", *args],
            capture_output=True,
            timeout=timeout,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        return None, exc.stdout or b"", exc.stderr or b"", time.perf_counter() - start
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def judge(name: str, file: str, kind: str, code: int | None, out: bytes, err: bytes, took: float) -> Outcome:
    err_text = err.decode("gbk", errors="replace")  # stderr is the console's (PYTHONIOENCODING=gbk)
    if code is None:
        return Outcome(name, file, "hang", code, took)
    if b"Traceback (most recent call last)" in err or b"Traceback (most recent call last)" in out:
        return Outcome(name, file, "traceback", code, took, err_text[-300:])
    if code == 3 or "程序内部错误" in err_text:
        return Outcome(name, file, "internal", code, took, err_text.strip()[:300])
    if code == 2:
        return Outcome(name, file, "refused", code, took, reason(err_text, file))
    if code not in (0, 1):
        return Outcome(name, file, "crash", code, took, err_text.strip()[:300])
    try:
        if kind == "json":
            json.loads(out.decode("utf-8"))
        else:
            out.decode("gbk")
    except (UnicodeDecodeError, ValueError) as exc:
        return Outcome(name, file, "bad-output", code, took, str(exc)[:200])
    return Outcome(name, file, "accepted", code, took)


_NUMBERS = re.compile(r"\d+")


def reason(message: str, file: str) -> str:
    """A refusal's message with the file's name, sheet names and numbers taken out, so alike ones count together."""
    text = message.strip().splitlines()[0] if message.strip() else "(no message)"
    text = text.removeprefix("xladdin：")
    base = Path(file).name
    text = text.replace(base, "FILE").replace(Path(file).stem, "FILE")
    text = re.sub(r"“[^”]*”", "“…”", text)
    return _NUMBERS.sub("N", text)[:160]


_TAG = re.compile(r"<[^>]*>")


def holds_text_gbk_lacks(path: Path) -> bool:
    """A package whose name, sheet names or cell texts hold a character GBK has not (Hebrew, Arabic, “•” …):
    the files where a Chinese Windows console has something to replace."""
    if any(not ch.encode("gbk", "ignore") for ch in path.name if ord(ch) > 127):
        return True
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xltx"):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            parts = [
                i
                for i in z.infolist()
                if i.filename.lower() in ("xl/sharedstrings.xml", "xl/workbook.xml")
                or (i.filename.lower().startswith("xl/worksheets/sheet") and i.file_size < 3_000_000)
            ]
            text = "".join(z.read(i).decode("utf-8", "replace") for i in parts)
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError):
        return False
    return any(ord(c) > 127 and not c.encode("gbk", "ignore") for c in set(_TAG.sub("", text)))


def run_file(path: Path, corpus: Path, timeout: float, cwd: Path, writing: bool = False) -> list[Outcome]:
    rel = str(path.relative_to(corpus / "files"))
    outcomes = []
    with tempfile.TemporaryDirectory(dir=cwd) as out:
        marked = Path(out) / "标记.xlsx"
        for name, extra, env, kind in RUNS + (WRITING if writing else []):
            verb = name.split()[0]
            source = path
            if verb == "clear":
                if not marked.exists():
                    continue  # nothing marked (refused or not a workbook): nothing to clear
                source = marked
            args = [a.replace("{out}", out) for a in extra]
            code, stdout, err, took = xladdin([verb, str(source), *args], env, timeout, cwd)
            outcomes.append(judge(name, rel, kind, code, stdout, err, took))
    return outcomes


def run_batch(corpus: Path, timeout: float, cwd: Path) -> list[Outcome]:
    folder = str(corpus / "files")
    outcomes = []
    code, out, err, took = xladdin(["check", folder, "--format", "json"], {"PYTHONIOENCODING": "gbk"}, timeout, cwd)
    outcomes.append(judge("batch check --format json", "files/", "json", code, out, err, took))
    if code in (0, 1, 2) and out:
        data = json.loads(out.decode("utf-8"))
        outcomes[-1].detail = f"{len(data.get('files', []))} read, {len(data.get('unreadable', []))} unreadable"
        if code == 2 and outcomes[-1].status == "refused":
            outcomes[-1].status = "accepted"  # the batch's 2 means "some files could not be read", said per file
    report = cwd / "审核汇总.xlsx"
    code, out, err, took = xladdin(
        ["check", folder, "--report", str(report)], {"PYTHONIOENCODING": "gbk"}, timeout, cwd
    )
    o = judge("batch check --report", "files/", "gbk", code, out, err, took)
    if o.status == "refused" and report.exists():
        o.status, o.detail = "accepted", f"report {report.stat().st_size} bytes"
    outcomes.append(o)
    return outcomes


def summarise(outcomes: list[Outcome]) -> str:
    lines = []
    by_run: dict[str, list[Outcome]] = collections.defaultdict(list)
    for o in outcomes:
        by_run[o.run].append(o)
    for run, got in by_run.items():
        counts = collections.Counter(o.status for o in got)
        slowest = max(got, key=lambda o: o.seconds)
        lines.append(
            f"{run}: {len(got)} runs — "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            + f"; slowest {slowest.seconds:.1f} s ({slowest.file})"
        )
        reasons = collections.Counter(o.detail for o in got if o.status == "refused")
        for why, n in reasons.most_common():
            lines.append(f"    refused {n:4d}× {why}")
        for o in got:
            if o.status not in ("accepted", "refused"):
                lines.append(f"    {o.status.upper()} {o.file} (exit {o.code}): {o.detail}")
            elif o.run.startswith("batch"):
                lines.append(f"    {o.file}: {o.detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--limit", type=int, default=None, help="only the first N files (a quick look)")
    ap.add_argument("--start", type=int, default=0, help="skip the first N files (to go on after a stop)")
    ap.add_argument("--list", type=Path, help="only the files named in this file, one a line (relative to files/)")
    ap.add_argument("--not-gbk", action="store_true", help="only the files holding text GBK cannot show")
    ap.add_argument("--no-batch", action="store_true")
    ap.add_argument("--writing", action="store_true", help="the writing commands too, on the same GBK console")
    ap.add_argument("--json", type=Path, help="write every outcome here")
    args = ap.parse_args(argv)
    files = corpus_files(args.corpus)[args.start : args.limit]
    if args.list:
        wanted = set(args.list.read_text(encoding="utf-8").split("\n"))
        files = [f for f in files if str(f.relative_to(args.corpus / "files")) in wanted]
    if args.not_gbk:
        files = [f for f in files if holds_text_gbk_lacks(f)]
    start = time.perf_counter()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="xladdin-real-") as tmp:
        cwd = Path(tmp)
        with ThreadPoolExecutor(args.jobs) as pool:
            for i, got in enumerate(
                pool.map(lambda p: run_file(p, args.corpus, args.timeout, cwd, args.writing), files), 1
            ):
                outcomes += got
                if args.json:  # each file's outcomes as they come, so a stopped run keeps what it did
                    with args.json.with_suffix(".jsonl").open("a", encoding="utf-8") as log:
                        log.writelines(json.dumps(o.__dict__, ensure_ascii=False) + "\n" for o in got)
                bad = [o for o in got if o.status not in ("accepted", "refused")]
                for o in bad:
                    print(f"[{i}/{len(files)}] {o.status} {o.run} {o.file}: {o.detail[:200]}", file=sys.stderr)
        if not args.no_batch:
            outcomes += run_batch(args.corpus, max(args.timeout, 600), cwd)
    print(f"{len(files)} files, {time.perf_counter() - start:.0f} s")
    print(summarise(outcomes))
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], ensure_ascii=False, indent=1), encoding="utf-8")
    failed = [o for o in outcomes if o.status not in ("accepted", "refused")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
