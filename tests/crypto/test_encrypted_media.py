"""Encrypted recordings read directly by every media reader, equal to the plain file.

Real files (the barcode synthesiser and an ffmpeg-CLI-made AVCHD-like .mts), real PyAV,
real libVLC with ``--vout=dummy``. The case-level test copies a recording into an encrypted
case, builds its thumbnails and waveform, exports, and scans ``.media/``, ``.cache/`` and the
temporary folder for plaintext media.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from vigstudio import errors
from vigstudio.app.case_media import (
    case_media_folder,
    copy_in,
    unprotected_recordings,
)
from vigstudio.app.media_strips import Peaks, Thumbnail, build_media_strip, case_cache_folder
from vigstudio.app.player import PlayerController, PlayerState
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.crypto import chunked
from vigstudio.domain.time import FrameRange
from vigstudio.media.export import ClipSegment, ReelPlan, StillSegment, export_reel
from vigstudio.media.fingerprint import fingerprint
from vigstudio.media.frames import FrameReader
from vigstudio.media.playback import PlaybackState, VlcBackend
from vigstudio.media.probe import probe, probe_in_process
from vigstudio.media.source import MediaSource
from vigstudio.media.stills import StillRequest, export_stills, still_rgb
from vigstudio.media.thumbnails import ThumbnailStore, generate_thumbnails
from vigstudio.media.waveform import WaveformStore, compute_waveform
from vigstudio.testing import corpus
from vigstudio.testing.plaintext import is_confidently_media
from vigstudio.testing.synth import make_barcode_video, read_barcode

KEY = bytes(range(100, 132))
#: ffmpeg-CLI-made files: H.264 in MPEG-TS (AVCHD), XviD AVI with B-frames (decoded to
#: count), VP9 WebM (Matroska size check), an MPEG-2 program stream (probed by content).
CLI_KINDS = ("avchd_h264.mts", "xvid_bframes.avi", "vp9.webm", "mpeg2_program.mpg")

#: How media files (and the SQLite project file, and the npz/PNG caches) begin.
MEDIA_SIGNATURES = (b"\x1a\x45\xdf\xa3", b"RIFF", b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3",
                    b"OggS", b"FLV", b"SQLite format 3", b"PK\x03\x04", b"\x89PNG", b"\x93NUMPY",
                    b"0&\xb2u")


def looks_like_media(head: bytes) -> bool:
    return (head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide")
            or head.startswith(MEDIA_SIGNATURES) or (len(head) > 188 and head[0] == 0x47
                                                      and head[188] == 0x47))


def opens_with_pyav(path: Path) -> bool:
    """A player would take it for a film (FFmpeg's confident verdict: random bytes are now
    and then guessed to be raw H.263, see :mod:`vigstudio.testing.plaintext`)."""
    return is_confidently_media(path)


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, MediaSource]]:
    folder = tmp_path_factory.mktemp("enc_media")
    synth = make_barcode_video(folder / "synth.mp4", width=320, height=180, frames=100,
                               gop=25, audio=True)
    made = [("synth", synth)]
    for name in CLI_KINDS:  # other producers, through the ffmpeg command line
        kind = next(k for k in corpus.KINDS if k.name == name)
        made.append((name, corpus.make(kind, folder / "cli")))
    made.append(("cli", dict(made)["avchd_h264.mts"]))
    out = {}
    for name, plain in made:
        enc = folder / f"{name.replace('.', '_')}{plain.suffix}.vigenc"
        assert chunked.encrypt_file(plain, enc, KEY)
        out[name] = (plain, MediaSource(enc, KEY))
    return out


def test_the_media_check_is_not_fooled_by_random_bytes(
        tmp_path: Path, films: dict[str, tuple[Path, MediaSource]]) -> None:
    """Encrypted files look random, and FFmpeg guesses raw H.263 in some random files (an
    H.263 picture start code by chance, about 2 % of them): PyAV then opens them. The check
    the scans use asks for FFmpeg's confident verdict, so such a guess is not taken for a
    film, while a real film (and the barcode film's plaintext) is."""
    rng = random.Random(7)
    lookalike = tmp_path / "rec-0123456789abcdef.mp4.vigenc"
    lookalike.write_bytes(b"\x00\x00\x80\x02" + bytes(rng.getrandbits(8) for _ in range(100_000)))
    with av.open(str(lookalike)) as container:  # the guess a bare open makes
        assert container.format.name == "h263" and container.streams.video
    assert not opens_with_pyav(lookalike)
    plain, _source = films["synth"]
    assert opens_with_pyav(plain)


def test_encrypted_file_is_not_media(films: dict[str, tuple[Path, MediaSource]]) -> None:
    for plain, source in films.values():
        head = source.path.read_bytes()[:200]
        assert looks_like_media(plain.read_bytes()[:200])
        assert not looks_like_media(head)
        assert not opens_with_pyav(source.path)


@pytest.mark.parametrize("name", ["synth", *CLI_KINDS])
def test_probe_and_fingerprint_equal_the_plain_file(
        films: dict[str, tuple[Path, MediaSource]], name: str) -> None:
    plain, source = films[name]
    # through the child process (the key goes through its stdin) and in process
    assert probe(source) == probe(plain)
    assert probe_in_process(source) == probe_in_process(plain)
    assert fingerprint(source) == fingerprint(plain)
    assert source.size() == plain.stat().st_size


def test_wrong_or_missing_key_is_refused_clearly(
        films: dict[str, tuple[Path, MediaSource]]) -> None:
    _plain, source = films["synth"]
    with pytest.raises(errors.MediaKeyError, match="another case"):
        probe(MediaSource(source.path, bytes(32)))
    with pytest.raises(errors.MediaKeyError, match="passphrase"):
        FrameReader(MediaSource(source.path), probe_in_process(source))


@pytest.mark.parametrize("name", ["synth", *CLI_KINDS])
def test_exact_frames_and_stills_equal_the_plain_file(
        films: dict[str, tuple[Path, MediaSource]], name: str) -> None:
    plain, source = films[name]
    info = probe_in_process(plain)
    targets = [0, 37, info.frame_count - 1, 26, 25, 3]
    ref = None if name == "synth" else corpus.reference_frames(plain)  # ffmpeg's frame n
    plain_reader = FrameReader(plain, info)
    enc_reader = FrameReader(source, info)
    try:
        for n in targets:
            a, b = plain_reader.frame(n), enc_reader.frame(n)
            assert np.array_equal(a, b), f"frame {n} differs"
            if name == "synth":
                assert read_barcode(b) == n
            else:
                assert ref is not None
                assert corpus.barcode_of(b.mean(axis=2)) == corpus.barcode_of(ref[n])
    finally:
        plain_reader.close()
        enc_reader.close()
    for n in (0, info.frame_count // 2):
        assert np.array_equal(still_rgb(source, info, n), still_rgb(plain, info, n))


def test_stills_export_in_the_child_reads_the_encrypted_file(
        films: dict[str, tuple[Path, MediaSource]], tmp_path: Path) -> None:
    plain, source = films["synth"]
    info = probe_in_process(plain)
    written = export_stills([StillRequest(source, info, 42, "still.png")], tmp_path)
    from PIL import Image

    with Image.open(written[0]) as image:
        assert read_barcode(np.asarray(image.convert("RGB"))) == 42


def _barcodes(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [read_barcode(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def test_export_from_encrypted_sources_equals_plain(
        films: dict[str, tuple[Path, MediaSource]], tmp_path: Path) -> None:
    plain, source = films["synth"]
    info = probe_in_process(plain)

    def plan(media: Path | MediaSource) -> ReelPlan:
        return ReelPlan((ClipSegment(media, info, FrameRange(10, 30)),
                         StillSegment(media, info, 60, hold=Fraction(1, 5)),
                         ClipSegment(media, info, FrameRange(80, 90), speed=Fraction(1, 2))))

    a = export_reel(plan(plain), tmp_path / "plain.mp4").path
    b = export_reel(plan(source), tmp_path / "enc.mp4").path
    codes = _barcodes(b)
    assert codes == _barcodes(a)
    assert codes[:20] == list(range(10, 30))
    assert codes[20:25] == [60] * 5


def test_thumbnails_and_waveform_equal_plain_and_are_cached_encrypted(
        films: dict[str, tuple[Path, MediaSource]], tmp_path: Path) -> None:
    plain, source = films["synth"]
    info = probe_in_process(plain)
    print_ = fingerprint(plain)
    plain_thumbs = dict(generate_thumbnails(plain, info, height=40, count=10))
    store = ThumbnailStore(tmp_path, print_, 40, key=KEY)
    enc_thumbs = dict(generate_thumbnails(source, info, height=40, count=10, store=store))
    assert plain_thumbs.keys() == enc_thumbs.keys()
    assert all(np.array_equal(plain_thumbs[k], enc_thumbs[k]) for k in plain_thumbs)
    assert store.path.name.endswith(".npz.vigenc")
    assert chunked.is_encrypted(store.path)
    loaded = ThumbnailStore(tmp_path, print_, 40, key=KEY).load()
    assert loaded.complete and loaded.thumbs.keys() == enc_thumbs.keys()
    # another recording's store (a different name) cannot take this file's place
    other = ThumbnailStore(tmp_path, "other", 40, key=KEY)
    os.replace(store.path, other.path)
    assert other.load().thumbs == {}

    wave_store = WaveformStore(tmp_path, print_, key=KEY)
    enc_wave = wave_store.get_or_compute(source, info)
    plain_wave = compute_waveform(plain, info)
    assert enc_wave is not None and plain_wave is not None
    assert np.array_equal(enc_wave.mins, plain_wave.mins)
    assert np.array_equal(enc_wave.maxs, plain_wave.maxs)
    assert chunked.is_encrypted(wave_store.path)
    again = wave_store.load(info.frame_count)
    assert again is not None and np.array_equal(again.maxs, plain_wave.maxs)


def _latest_code(backend: VlcBackend) -> int | None:
    _serial, picture = backend.sink.latest()
    if picture is None:
        return None
    return read_barcode(np.ascontiguousarray(picture[:, :, 2::-1]))  # BGRX → RGB


def test_libvlc_plays_and_steps_the_encrypted_file_to_a_frame(
        films: dict[str, tuple[Path, MediaSource]]) -> None:
    _plain, source = films["synth"]
    backend = VlcBackend(audio=False, extra_args=["--vout=dummy"])
    try:
        backend.load(source, video_size=(320, 180))
        backend.play_from(2000)  # frame 50 at 25 fps
        deadline = time.monotonic() + 10
        code = None
        while time.monotonic() < deadline:
            code = _latest_code(backend)
            if code is not None and code >= 60:
                break
            time.sleep(0.01)
        assert code is not None and code >= 60, f"VLC reached frame {code}"
        assert backend.state() in (PlaybackState.PLAYING, PlaybackState.ENDED)
        backend.pause()
        time.sleep(0.3)
        before = _latest_code(backend)
        serial = backend.sink.serial
        backend._player.next_frame()
        deadline = time.monotonic() + 3
        while backend.sink.serial == serial and time.monotonic() < deadline:
            time.sleep(0.005)
        after = _latest_code(backend)
        assert before is not None and after is not None and after in (before, before + 1)
        stream = backend._stream
        assert stream is not None and not stream.errors
    finally:
        backend.close()


def test_player_controller_shows_exact_frames_of_the_encrypted_file(
        films: dict[str, tuple[Path, MediaSource]]) -> None:
    _plain, source = films["synth"]
    shown: dict[int, int] = {}
    controller = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                                  probe=probe_in_process, display_size=(160, 160))
    controller.subscribe_frames(lambda n, rgb: shown.__setitem__(n, read_barcode(rgb)))
    try:
        controller.load(source)
        assert controller.state is PlayerState.PAUSED and controller.frame_count == 100
        for target in (0, 1, 11, 77, 76):
            controller.go_to(str(target))
            deadline = time.monotonic() + 5
            while target not in shown and time.monotonic() < deadline:
                time.sleep(0.002)
            assert shown[target] == target
    finally:
        controller.close()


# --- the encrypted case -------------------------------------------------------------------


class _Ctx:
    """A minimal job context (the job service's own is tested in tests/app)."""

    def __init__(self) -> None:
        self.pieces: list[object] = []

    def progress(self, fraction: float, what: str = "", seconds_left: float | None = None
                 ) -> None:
        pass

    def partial(self, value: object) -> None:
        self.pieces.append(value)

    def cancelled(self) -> bool:
        return False


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CaseSession]:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    (tmp_path / "case").mkdir()
    session = CaseSession.create(tmp_path / "case" / "Rowan.vigproj", "Rowan")
    session.media_key = KEY
    yield session
    session.close()


def test_encrypted_case_copies_in_and_leaves_no_plaintext_media(
        case: CaseSession, films: dict[str, tuple[Path, MediaSource]], tmp_path: Path) -> None:
    plain, _ = films["synth"]
    rec = case.import_recording(plain)  # an encrypted case copies in by default
    assert rec.id is not None
    stored = case.media_path(rec.id)
    assert stored.parent == case_media_folder(case.path)
    assert stored.name.startswith("rec-") and plain.stem not in stored.name
    assert chunked.is_encrypted(stored)
    assert case.recording_status(rec.id) is RecordingStatus.ONLINE
    assert rec.fingerprint == fingerprint(plain)
    assert unprotected_recordings(case) == []

    ctx = _Ctx()
    build_media_strip(ctx, case.media_source(rec.id), rec.info, rec.fingerprint,  # type: ignore[arg-type]
                      case_cache_folder(case.path), thumb_count=8)
    assert any(isinstance(p, Thumbnail) for p in ctx.pieces)
    assert any(isinstance(p, Peaks) for p in ctx.pieces)
    source = case.media_source(rec.id)
    info = rec.info
    export_reel(ReelPlan((ClipSegment(source, info, FrameRange(0, 10)),)),
                tmp_path / "chosen.mp4")
    assert still_rgb(source, info, 5).shape[:2] == (180, 320)

    scanned = 0
    for folder in (case_media_folder(case.path), case_cache_folder(case.path),
                   Path(tempfile.gettempdir())):
        for path in folder.rglob("*"):
            if path.is_file():
                scanned += 1
                assert not looks_like_media(path.read_bytes()[:200]), path
                assert not opens_with_pyav(path), path
                assert chunked.is_encrypted(path), path
    assert scanned >= 3  # the recording, its thumbnails and waveform


def test_referenced_recording_is_named_unprotected_and_can_be_copied_in(
        case: CaseSession, films: dict[str, tuple[Path, MediaSource]]) -> None:
    plain, _ = films["synth"]
    rec = case.import_recording(plain, copy=False)
    assert rec.id is not None
    assert [r.id for r in unprotected_recordings(case)] == [rec.id]
    moved = copy_in(case, rec.id)
    assert chunked.is_encrypted(case.media_path(rec.id))
    assert moved.fingerprint == rec.fingerprint
    assert unprotected_recordings(case) == []
    assert case.recording_status(rec.id) is RecordingStatus.ONLINE
    case.undo()
    assert case.media_path(rec.id) == plain
    case.redo()
    assert case.media_path(rec.id).parent == case_media_folder(case.path)


def test_a_swapped_encrypted_recording_is_not_taken_for_the_original(
        case: CaseSession, films: dict[str, tuple[Path, MediaSource]]) -> None:
    plain, _ = films["synth"]
    a = case.import_recording(plain)
    b = case.import_recording(films["cli"][0])
    assert a.id is not None and b.id is not None
    path_a, path_b = case.media_path(a.id), case.media_path(b.id)
    tmp = path_a.with_name("swap")
    os.replace(path_a, tmp)
    os.replace(path_b, path_a)
    os.replace(tmp, path_b)
    case._verified.clear()
    assert case.recording_status(a.id) is RecordingStatus.CHANGED
    assert case.recording_status(b.id) is RecordingStatus.CHANGED


def test_the_key_reaches_children_only_through_stdin(
        films: dict[str, tuple[Path, MediaSource]], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """The probe, stills and export children: the key is never in argv or the environment
    (both visible to other users of the machine through /proc)."""
    import vigstudio.media.export as export_mod
    import vigstudio.media.probe as probe_mod
    import vigstudio.media.stills as stills_mod
    from vigstudio import children

    seen: list[tuple[list[str], dict[str, str]]] = []
    real = children.popen_child

    def spy(args: list[str], **kwargs: object) -> object:
        env = kwargs.get("env") or dict(os.environ)
        seen.append((list(args), dict(env)))  # type: ignore[arg-type]
        return real(args, **kwargs)

    for module in (probe_mod, stills_mod, export_mod):
        monkeypatch.setattr(module, "popen_child", spy)
    _plain, source = films["synth"]
    info = probe(source)
    export_stills([StillRequest(source, info, 3, "s.png")], tmp_path)
    export_reel(ReelPlan((ClipSegment(source, info, FrameRange(0, 5)),)), tmp_path / "r.mp4")
    assert len(seen) >= 3
    for args, env in seen:
        text = " ".join(args) + " ".join(f"{k}={v}" for k, v in env.items())
        assert KEY.hex() not in text and KEY.hex().upper() not in text


def test_opening_the_case_sweeps_half_encrypted_copies_of_killed_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    project = tmp_path / "Rowan.vigproj"
    CaseSession.create(project, "Rowan").close()
    media = case_media_folder(project)
    cache = case_cache_folder(project)
    left = [media / f".rec-1.mp4.vigenc.vigtmp-{dead}-abcd.part",
            cache / f".thumbs-1-h40.npz.vigenc.vigtmp-{dead}-0123.part"]
    kept = media / "rec-2.mp4.vigenc"
    for path in [*left, kept]:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x")
    with CaseSession.open(project) as session:
        assert sorted(session.removed_leftovers) == sorted(left)
    assert kept.exists() and not any(p.exists() for p in left)


def test_erasing_an_encrypted_case_removes_its_media_folder(
        tmp_path: Path, films: dict[str, tuple[Path, MediaSource]]) -> None:
    """Also the encrypted copy of a recording whose import was undone (no longer named by
    any recording)."""
    import datetime as dt

    from vigstudio.app.retention import erase_case

    plain, _ = films["synth"]
    project = tmp_path / "Rowan.vigproj"
    with CaseSession.create(project, "Rowan", created_on=dt.date(2020, 1, 6)) as s:
        s.media_key = KEY
        s.import_recording(plain)
        s.undo()  # its copy stays, named by no recording
        s.import_recording(films["cli"][0])  # (the same film again would reuse that copy)
        case_ = s.case()
        s.update_case(case_.__class__(case_.name, case_.created_on,
                                      retention_until=dt.date(2021, 1, 1), id=case_.id))
    assert len(list(case_media_folder(project).iterdir())) == 2
    report = erase_case(project, day=dt.date(2026, 1, 1))
    assert report.complete, report.text()
    assert not case_media_folder(project).exists()
    assert list(tmp_path.iterdir()) == []


def test_libvlc_stops_on_a_damaged_encrypted_file_and_says_why(
        films: dict[str, tuple[Path, MediaSource]], tmp_path: Path) -> None:
    _plain, source = films["synth"]
    damaged = tmp_path / "damaged.mp4.vigenc"
    raw = bytearray(source.path.read_bytes())
    raw[chunked.HEADER_SIZE + chunked.CHUNK_SIZE + chunked.TAG_SIZE + 100] ^= 1  # chunk 2
    damaged.write_bytes(bytes(raw))
    backend = VlcBackend(audio=False, extra_args=["--vout=dummy"])
    try:
        backend.load(MediaSource(damaged, KEY), video_size=(320, 180))
        backend.play_from(0)
        deadline = time.monotonic() + 10
        while backend.state() is not PlaybackState.ERROR and time.monotonic() < deadline:
            time.sleep(0.02)
        with pytest.raises(errors.PlaybackError, match=r"part 2 of .* integrity check"):
            backend.check()
    finally:
        backend.close()


def test_plain_copies_made_before_encryption_go_once_the_recording_is_copied_in(
        tmp_path: Path) -> None:
    """A plain case copied a film into media/; the case is encrypted and the film copied in:
    undo can still go back while the case is open, and when it closes the plain copy is
    removed (a lost laptop must not give it away). A file the case did not copy stays."""
    from vigstudio.app.case_crypto import encrypt_case, open_case
    from vigstudio.app.case_media import copy_in
    from vigstudio.crypto.keys import ScryptParams

    film = make_barcode_video(tmp_path / "visit.mp4", width=96, height=64, frames=20,
                              gop=10, audio=False)
    project = tmp_path / "case" / "family.vigproj"
    project.parent.mkdir()
    with CaseSession.create(project, "Family P") as plain:
        rec = plain.import_recording(film, copy=True)
        assert rec.id is not None
        copied = plain.media_path(rec.id)
    assert copied.parent == project.parent / "media" and copied.is_file()
    stranger = project.parent / "media" / "notes.txt"
    stranger.write_text("someone's own file")
    report = encrypt_case(project, "a passphrase long enough", kdf=ScryptParams(n=2 ** 10))
    assert [r[0] for r in report.not_protected] == [rec.id]
    session = open_case(project, passphrase="a passphrase long enough")
    copy_in(session, rec.id)
    assert session.media_source(rec.id).encrypted
    session.undo()  # still possible: the plain copy is there while the case is open
    assert session.media_path(rec.id) == copied and copied.is_file()
    session.redo()
    session.close()
    assert not copied.exists() and stranger.is_file()
    with open_case(project, passphrase="a passphrase long enough") as again:
        assert again.media_source(rec.id).encrypted
        assert fingerprint(again.media_source(rec.id)) == rec.fingerprint


def test_a_damaged_encrypted_recording_is_changed_not_offline(
        case: CaseSession, films: dict[str, tuple[Path, MediaSource]]) -> None:
    """One byte flipped inside an encrypted recording: the file is there, so the case must not
    call it offline (which sends the practitioner looking for it), but not the film imported."""
    rec = case.import_recording(films["cli"][0])
    assert rec.id is not None
    stored = case.media_path(rec.id)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0x40
    stored.write_bytes(bytes(data))
    case._verified.clear()
    assert case.recording_status(rec.id) is RecordingStatus.CHANGED
