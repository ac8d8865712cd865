"""The demo case project: `vigstudio demo DIR` then `vigstudio info --json` shows it all."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from vigstudio.app import CaseSession, RecordingStatus
from vigstudio.cli import main
from vigstudio.demo import create_demo
from vigstudio.domain.reels import ItemKind


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


def test_demo_then_info_shows_the_whole_case(demo_dir: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(demo_dir)]) == 0
    project = Path(capsys.readouterr().out.strip())
    assert project.parent == demo_dir and project.suffix == ".vigproj"
    assert main(["info", str(project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {p["pseudonym"]: p["role"] for p in data["participants"]} == {
        "Sam": "person", "Alex": "partner", "Jo": "guider"}
    assert data["helping_questions"][0]["text"].startswith("I want us to have fun")
    assert [c["number"] for c in data["cycles"]] == [1]
    (rec,) = data["recordings"]
    assert rec["path"] == "demo-family-film.mp4"  # relative: the folder can move
    assert rec["status"] == "online"
    assert rec["info"]["frame_count"] == 500 and rec["info"]["frame_rate"] == "25/1"
    assert rec["info"]["has_audio"]
    assert len(data["moments"]) >= 8
    assert {m["participant_id"] for m in data["moments"]} >= {1, 2}
    assert len({m["principle_id"] for m in data["moments"]}) >= 5
    assert any(m["valence"] == "working_point" for m in data["moments"])
    assert len(data["clips"]) == 3 and len(data["stills"]) == 2
    (reel,) = data["reels"]
    assert reel["name"] == "Cycle 1 feedback"
    kinds = [i["kind"] for i in reel["items"]]
    assert kinds[0] == "title" and "clip" in kinds and "still" in kinds
    assert data["shared_reviews"][0]["next_goal"]
    assert len(data["consents"]) == 3
    assert [p["code"] for p in data["codebook"]["principles"]][:3] == [
        "attentive", "encouraging", "receiving"]


def test_demo_is_idempotent(demo_dir: Path) -> None:
    first = create_demo(demo_dir)
    stat = first.stat()
    again = create_demo(demo_dir)
    assert again == first and first.stat().st_mtime_ns == stat.st_mtime_ns
    assert sorted(p.name for p in demo_dir.iterdir() if not p.name.endswith(".lock")) == [
        "demo-family-film.mp4", "demo-family.vigproj"]
    with CaseSession.open(first, read_only=True) as session:
        (rec,) = session.recordings()
        assert session.recording_status(rec.id or 0) is RecordingStatus.ONLINE
        reel = session.reel_by_name("Cycle 1 feedback")
        assert [i.kind for i in reel.items].count(ItemKind.CLIP) == 3


def test_demo_folder_can_be_moved(demo_dir: Path, tmp_path: Path) -> None:
    create_demo(demo_dir)
    moved = tmp_path / "usb-stick"
    moved.mkdir()
    for name in ("demo-family-film.mp4", "demo-family.vigproj"):
        os.link(demo_dir / name, moved / name)
    with CaseSession.open(moved / "demo-family.vigproj", read_only=True) as session:
        (rec,) = session.recordings()
        assert session.media_path(rec.id or 0) == moved / "demo-family-film.mp4"
        assert not session.is_offline(rec.id or 0)
