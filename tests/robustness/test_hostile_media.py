"""Broken and hostile media cannot take the app down, hang it, or touch the project file.

Each file of a generated corpus (``hostile_media.make_corpus``) goes through the probe, the
thumbnails, the waveform, still grabs, playback start (real libVLC through the
PlayerController) and the reel export. Each operation must end within a time limit in either
a usable (maybe partial) result or a specific ``VigError`` with a readable message. Two
situations are covered: the file as imported (with its own probe result), and a recording
whose file was replaced by the broken one after it had been imported (with the probe result
of the intact file: the worst case for every decoder).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from hostile_media import Case, make_corpus

from vigstudio import errors
from vigstudio.app import CaseSession
from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.media.export import ClipSegment, ReelPlan, StillSegment, TitleCard, export_reel
from vigstudio.media.probe import info_to_json, probe

PROBE_LIMIT = 20.0  # seconds: the probe's own timeout here
OP_LIMIT = 10.0  # seconds for one in-process operation
EXPORT_LIMIT = 60.0


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MediaInfo, list[Case]]:
    folder = tmp_path_factory.mktemp("hostile")
    good, cases = make_corpus(folder)
    return good, probe(good), cases


@pytest.fixture(scope="session")
def probed(corpus: tuple[Path, MediaInfo, list[Case]]
           ) -> dict[str, tuple[MediaInfo | errors.VigError, float]]:
    results: dict[str, tuple[MediaInfo | errors.VigError, float]] = {}
    for case in corpus[2]:
        started = time.monotonic()
        try:
            result: MediaInfo | errors.VigError = probe(case.path, timeout=PROBE_LIMIT)
        except errors.VigError as exc:
            result = exc
        results[case.name] = (result, time.monotonic() - started)
    return results


def _readable(exc: BaseException) -> None:
    assert isinstance(exc, errors.VigError)
    text = str(exc)
    assert len(text) > 15 and "Traceback" not in text, text


def test_the_corpus_really_is_hostile(corpus: tuple[Path, MediaInfo, list[Case]]) -> None:
    _, good_info, cases = corpus
    by_name = {c.name: c for c in cases}
    assert len(cases) >= 14
    claimed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
         str(by_name["huge-duration.mp4"].path)], capture_output=True, text=True, check=True)
    assert float(claimed.stdout) > 10**6  # the header claims more than eleven days
    assert by_name["zero-bytes.mp4"].path.stat().st_size == 0
    assert good_info.frame_count == 50 and not good_info.truncated


def test_probe_ends_in_a_specific_error_or_a_usable_result(
        corpus: tuple[Path, MediaInfo, list[Case]],
        probed: dict[str, tuple[MediaInfo | errors.VigError, float]]) -> None:
    for case in corpus[2]:
        result, seconds = probed[case.name]
        assert seconds < PROBE_LIMIT, case.name
        if isinstance(result, MediaInfo):
            assert "info" in case.probe, (case.name, result)
            assert 0 < result.frame_count <= 50 and result.width > 0 and result.height > 0
            assert result.duration <= 3, (case.name, result.duration)  # not the claimed days
            if result.truncated:
                assert result.warnings, case.name
        else:
            assert type(result).__name__ in case.probe, (case.name, repr(result))
            _readable(result)


def _job(good_info: MediaInfo, cases: list[Case],
         probed: dict[str, tuple[MediaInfo | errors.VigError, float]]) -> list[dict[str, object]]:
    job: list[dict[str, object]] = []
    for case in cases:
        own = probed[case.name][0]
        if isinstance(own, MediaInfo):
            job.append({"case": f"{case.name} as imported", "path": str(case.path),
                        "info": info_to_json(own)})
        job.append({"case": f"{case.name} replacing a good recording", "path": str(case.path),
                    "info": info_to_json(good_info)})
    return job


def test_thumbnails_waveform_stills_and_playback_never_crash(
        tmp_path: Path, corpus: tuple[Path, MediaInfo, list[Case]],
        probed: dict[str, tuple[MediaInfo | errors.VigError, float]]) -> None:
    _, good_info, cases = corpus
    job = _job(good_info, cases, probed)
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    worker = Path(__file__).with_name("hostile_worker.py")
    proc = subprocess.run([sys.executable, str(worker), str(job_file)], capture_output=True,
                          text=True, timeout=240, check=False)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    started = [line["start"] for line in lines if "start" in line]
    assert proc.returncode == 0 and lines and lines[-1] == {"done": True}, (
        f"the worker died (exit {proc.returncode}) during {started[-1:]}:\n{proc.stderr[-2000:]}")
    results = [line for line in lines if "op" in line]
    assert len(results) == 4 * len(job)
    bugs = [f"{r['case']} / {r['op']}: {r['message']}" for r in results if r["outcome"] == "bug"]
    assert not bugs, "\n".join(bugs)
    slow = [(r["case"], r["op"], r["seconds"]) for r in results if r["seconds"] > OP_LIMIT]
    assert not slow
    for r in results:
        if r["outcome"] == "error":
            cls = getattr(errors, r["type"])
            assert issubclass(cls, errors.VigError) and cls is not errors.VigError
            assert len(r["message"]) > 15 and "Traceback" not in r["message"]
    outcomes = {(r["case"], r["op"]): r["outcome"] for r in results}
    # the intact parts of partial files stay usable
    for name in ("cut-70pct-moov-first.mp4", "damaged-packets.mp4", "huge-duration.mp4"):
        for op in ("thumbnails", "waveform", "playback"):
            assert outcomes[(f"{name} as imported", op)] == "ok", (name, op)
    # garbage in place of a good recording is reported, not shown
    for name in ("zero-bytes.mp4", "random-bytes.mp4", "text-renamed.mp4", "no-video.mp4"):
        for op in ("thumbnails", "still", "playback"):
            assert outcomes[(f"{name} replacing a good recording", op)] == "error", (name, op)


def _plan(path: Path, info: MediaInfo) -> ReelPlan:
    n = info.frame_count
    return ReelPlan((TitleCard("What helps?", hold=Fraction(1, 2)),
                     ClipSegment(path, info, FrameRange(0, min(n, 12))),
                     ClipSegment(path, info, FrameRange(max(0, n - 10), n)),
                     StillSegment(path, info, n // 2, hold=Fraction(1, 2))))


def test_export_ends_in_a_file_or_an_export_error(
        tmp_path: Path, corpus: tuple[Path, MediaInfo, list[Case]],
        probed: dict[str, tuple[MediaInfo | errors.VigError, float]]) -> None:
    _, good_info, cases = corpus
    runs: list[tuple[str, Path, MediaInfo]] = []
    for case in cases:
        own = probed[case.name][0]
        if isinstance(own, MediaInfo):
            runs.append((f"{case.name} as imported", case.path, own))
    replaced = ("zero-bytes.mp4", "random-bytes.mp4", "no-video.mp4", "damaged-packets.mp4",
                "cut-30pct-moov-first.mp4", "cut-90pct-moov-last.mp4")
    runs += [(f"{c.name} replacing", c.path, good_info) for c in cases if c.name in replaced]
    outcomes: dict[str, str] = {}
    messages: dict[str, str] = {}
    for i, (label, path, info) in enumerate(runs):
        folder = tmp_path / f"out{i}"
        folder.mkdir()
        started = time.monotonic()
        try:
            result = export_reel(_plan(path, info), folder / "reel.mp4", stall_timeout=30)
        except errors.ExportError as exc:
            _readable(exc)
            outcomes[label] = "error"
            messages[label] = f"{exc} (cause: {exc.__cause__!r})"
            assert list(folder.iterdir()) == [], label  # nothing half-written left behind
        else:
            outcomes[label] = "ok"
            assert result.frame_count > 0 and [p.name for p in folder.iterdir()] == ["reel.mp4"]
        assert time.monotonic() - started < EXPORT_LIMIT, label
    for label in ("huge-duration.mp4 as imported", "cut-70pct-moov-first.mp4 as imported"):
        assert outcomes[label] == "ok", messages.get(label)
    for name in ("zero-bytes.mp4", "random-bytes.mp4", "no-video.mp4"):
        assert outcomes[f"{name} replacing"] == "error"


def test_a_failed_import_leaves_the_project_file_unchanged(
        tmp_path: Path, corpus: tuple[Path, MediaInfo, list[Case]],
        probed: dict[str, tuple[MediaInfo | errors.VigError, float]]) -> None:
    path = tmp_path / "case.vigproj"
    with CaseSession.create(path, "Hostile") as session:
        before = path.read_bytes()
        for case in corpus[2]:
            if isinstance(probed[case.name][0], MediaInfo):
                continue
            with pytest.raises(errors.MediaError) as caught:
                session.import_recording(case.path, probe_timeout=PROBE_LIMIT)
            _readable(caught.value)
            assert path.read_bytes() == before, case.name
            assert session.recordings() == [] and not session.can_undo
        # a partial file is imported, marked as such, and usable up to where it breaks
        rec = session.import_recording(
            next(c.path for c in corpus[2] if c.name == "cut-70pct-moov-first.mp4"))
        assert rec.info.truncated and rec.info.warnings and 0 < rec.info.frame_count < 50
    with CaseSession.open(path) as again:
        assert again.project.integrity_check() == []
        assert [r.info.frame_count for r in again.recordings()] == [rec.info.frame_count]
