"""Issue 15's proof, whole: an encrypted case with a copied recording, tags, clips, stills,
a reel, thumbnails and waveform cached, a reel exported as MP4, stills and the feedback
sheet; then every file in the case folder and in the temporary folder is scanned. None starts
with a SQLite or media header, none opens with PyAV, none holds the case name, a note or a
participant's name in any encoding. A wrong passphrase changes nothing; the recovery key
opens the case; the exports (the practitioner's choice) are the only plaintext."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigstudio.app.case_crypto import create_encrypted_case, open_case
from vigstudio.app.jobs import JobService
from vigstudio.app.media_strips import build_media_strip, case_cache_folder
from vigstudio.app.reel_export import (
    export_feedback_sheet,
    export_reel_stills,
    export_reel_video,
)
from vigstudio.crypto.keys import ScryptParams
from vigstudio.domain.project import Role
from vigstudio.errors import WrongPassphraseError
from vigstudio.render.sheet_pdf import write_sheet
from vigstudio.testing.cases import consent_everywhere
from vigstudio.testing.plaintext import is_confidently_media
from vigstudio.testing.synth import make_barcode_video

CHEAP = ScryptParams(n=2 ** 10)  # tests only: the product always uses the default
PASS = "a long walk to the park"
CASE = "Family Okonkwo-Lindqvist"
NOTE = "Grandma hums while Tobiah stacks the cups"
PARENT = "Marisol"
CHILD = "Tobiah"
CAPTION = "You waited for him"
HEADERS = {
    b"SQLite format 3\x00": "SQLite",
    b"\x1aE\xdf\xa3": "Matroska/WebM",
    b"RIFF": "AVI/WAV",
    b"\x00\x00\x01\xba": "MPEG program stream",
    b"\x89PNG": "PNG",
    b"%PDF": "PDF",
    b"OggS": "Ogg",
    b"FLV": "FLV",
    b"\x30\x26\xb2\x75": "ASF/WMV",
}


def _secrets() -> list[bytes]:
    return [text.encode(enc) for text in (CASE, NOTE, PARENT, CHILD, CAPTION)
            for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def _media_header(data: bytes) -> str | None:
    for magic, name in HEADERS.items():
        if data.startswith(magic):
            return name
    if data[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide"):
        return "MP4/QuickTime"
    if len(data) > 188 * 2 and data[0] == 0x47 and data[188] == 0x47:
        return "MPEG transport stream"
    return None


def _opens_with_pyav(path: Path) -> bool:
    """A player would take it for a film (FFmpeg's confident verdict: random bytes are now
    and then guessed to be raw H.263, see :mod:`vigstudio.testing.plaintext`)."""
    return is_confidently_media(path)


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The temporary folder this process and its children use, to be scanned afterwards."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    yield folder
    tempfile.tempdir = None


def test_an_encrypted_case_leaves_nothing_readable_on_disk(
        tmp_path: Path, temp_folder: Path) -> None:
    camera = tmp_path / "camera"
    camera.mkdir()
    film = make_barcode_video(camera / f"{CHILD} at home.mp4", width=320, height=180,
                              frames=75, gop=25, audio=True)
    case_folder = tmp_path / "cases"
    case_folder.mkdir()
    project = case_folder / "okonkwo.vigproj"
    made = create_encrypted_case(project, CASE, PASS, kdf=CHEAP)
    session = made.session
    rec = session.import_recording(film)  # an encrypted case copies in, encrypted
    assert rec.id is not None
    assert not session.media_path(rec.id).is_relative_to(camera)
    parent = session.add_participant(PARENT, Role.PARTNER)
    session.add_moment(rec.id, 12, "receiving", participant_id=parent.id, note=NOTE)
    clip = session.add_clip(rec.id, 5, 40, title="First look")
    still = session.add_still(rec.id, 30, caption=CAPTION)
    reel = session.new_reel("Visit 2")
    assert reel.id is not None
    session.add_clip_to_reel(reel.id, clip.id or 0)
    session.add_still_to_reel(reel.id, still.id or 0)
    consent_everywhere(session, CHILD)
    # the timeline's thumbnails and waveform, cached as the window caches them
    service = JobService(workers=1)
    job = service.submit(lambda ctx: build_media_strip(
        ctx, session.media_source(rec.id or 0), rec.info, rec.fingerprint,
        case_cache_folder(project), thumb_count=8), name="strip")
    job.result()
    # the practitioner's chosen exports, outside the case folder
    exports = tmp_path / "exports"
    exports.mkdir()
    video = export_reel_video(session, reel.id, exports / "reel.mp4", day=dt.date(2026, 3, 1))
    stills = export_reel_stills(session, reel.id, exports / "stills",
                                day=dt.date(2026, 3, 1))
    sheet = export_feedback_sheet(
        session, reel.id, exports / "sheet.pdf", date=dt.date(2026, 3, 1),
        render=lambda path, doc, replace: write_sheet(path, doc, overwrite=replace))
    session.close()
    assert _opens_with_pyav(video.path) and stills and sheet.is_file()  # exports are plain

    files = [p for p in [*case_folder.rglob("*"), *temp_folder.rglob("*")] if p.is_file()]
    kinds = {p.name.rsplit(".", 1)[-1] for p in files}
    assert project in files and {"vigproj", "key", "vigenc"} <= kinds, kinds
    assert any(p.is_relative_to(case_cache_folder(project)) for p in files), "no cache"
    secrets = _secrets()
    for path in files:
        data = path.read_bytes()
        assert _media_header(data) is None, f"{path.name} starts like a {_media_header(data)}"
        assert not _opens_with_pyav(path), f"FFmpeg takes {path.name} for a film"
        found = [s for s in secrets if s in data]
        assert not found, f"{path.name} holds {found[0]!r}"

    # a wrong passphrase is refused and writes nothing; the recovery key opens the case
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in case_folder.rglob("*")
              if p.is_file()}
    with pytest.raises(WrongPassphraseError):
        open_case(project, passphrase="a short walk to the park")
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in case_folder.rglob("*")
             if p.is_file()}
    assert after == before
    with open_case(project, recovery_key=made.recovery_key) as again:
        assert again.case().name == CASE
        assert [m.note for m in again.moments(rec.id)] == [NOTE]
