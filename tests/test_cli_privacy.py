"""The command line for participants, consent, clip decisions, who appears, reel purpose; and
the session edits behind them (undoable, refused when they would lose a reference)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vigstudio.app.session import CaseSession
from vigstudio.cli import main
from vigstudio.domain.annotations import Sharing
from vigstudio.domain.privacy import Purpose
from vigstudio.errors import InUseError


def _json(capsys: pytest.CaptureFixture[str], project: Path) -> Any:
    capsys.readouterr()
    assert main(["info", str(project), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_records_participants_consent_and_decisions(
        demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(demo)
    assert main(["add-participant", p, "--name", "Kim", "--role", "other"]) == 0
    assert main(["consent", p, "--participant", "Kim", "--use", "training", "--given",
                 "2026-02-01", "--expires", "2026-12-31"]) == 0
    assert main(["withdraw-consent", p, "--participant", "Kim", "--use", "training", "--on",
                 "2026-03-01"]) == 0
    assert main(["set-clip", p, "--clip", "1", "--sharing", "shared", "--appears",
                 "Kim,Sam"]) == 0
    assert main(["new-reel", p, "--name", "Course", "--purpose", "training"]) == 0
    data = _json(capsys, demo)
    kim = next(x for x in data["participants"] if x["pseudonym"] == "Kim")
    consent = next(c for c in data["consents"] if c["participant_id"] == kim["id"])
    assert (consent["scope"], consent["given_on"], consent["expires_on"],
            consent["withdrawn_on"]) == ("training", "2026-02-01", "2026-12-31", "2026-03-01")
    clip = data["clips"][0]
    assert clip["sharing"] == "shared" and clip["appears"] == [kim["id"], 1]
    assert clip["appears_in"] == clip["appears"]
    assert [r["purpose"] for r in data["reels"]] == ["family", "training"]
    assert data["export_log"] == []
    # mistakes are explained on stderr, exit non-zero, and change nothing
    capsys.readouterr()
    assert main(["withdraw-consent", p, "--participant", "Kim", "--use", "training"]) == 2
    assert "already withdrawn" in capsys.readouterr().err
    assert main(["set-clip", p, "--clip", "1", "--appears", "Nobody"]) == 2
    assert "no participant called 'Nobody'" in capsys.readouterr().err
    assert main(["consent", p, "--participant", "Kim", "--use", "feedback", "--given",
                 "2026-05-01", "--expires", "2026-04-01"]) == 2
    with pytest.raises(SystemExit):
        main(["new-reel", p, "--name", "X", "--purpose", "advertising"])


def test_who_appears_is_proposed_then_confirmed_and_undoable(demo: Path) -> None:
    with CaseSession.open(demo) as s:
        sam, alex = s.participant_by_name("Sam"), s.participant_by_name("Alex")
        clip = s.add_clip(1, 40, 110)  # moments by Alex (48, 55) and Sam (102) inside
        assert clip.appears is None
        assert s.appears_in_clip(clip.id or 0) == (alex.id, sam.id)
        s.set_clip_appears(clip.id or 0, [sam.id or 0])
        assert s.appears_in_clip(clip.id or 0) == (sam.id,)
        s.undo()
        assert s.clip(clip.id or 0).appears is None
        s.redo()
        # someone confirmed as appearing cannot be removed from the case
        kim = s.add_participant("Kim", "other")  # type: ignore[arg-type]
        s.set_clip_appears(clip.id or 0, [kim.id or 0])
        with pytest.raises(InUseError, match="clips or stills they appear in"):
            s.delete_participant(kim.id or 0)
        # removing the clip takes its appearances along; undo brings them back
        s.delete_clip(clip.id or 0)
        s.delete_participant(kim.id or 0)
        s.undo()
        s.undo()
        assert s.clip(clip.id or 0).appears == (kim.id,)
        reel = s.new_reel("Supervision", purpose="supervision")
        assert reel.purpose is Purpose.SUPERVISION
        assert s.set_reel_purpose(reel.id or 0, "training").purpose is Purpose.TRAINING
        assert s.clip(1).sharing is Sharing.SUPERVISION
    with CaseSession.open(demo, read_only=True) as s:
        assert s.clip(clip.id or 0).appears == (kim.id,)
