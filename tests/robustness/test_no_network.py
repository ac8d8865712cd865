"""No network: opening a case, playing, tagging and exporting open no network connection.

The work runs in a child process inside a new, empty network namespace (``unshare --net``;
the suite runs as root): nothing could get out, and the kernel's IP counters of that
namespace — zero at the start — show any attempt from any code, Python or C (libVLC,
FFmpeg), in the child or in the workers it starts. A control run proves the counters and
the Python audit hook do see an attempt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vigstudio.media import playback
from vigstudio.media.playback import VLC_ARGS, VlcBackend

CHILD = Path(__file__).with_name("net_child.py")


def _run(tmp_path: Path, *extra: str) -> dict[str, Any]:
    assert os.geteuid() == 0, "this test makes a network namespace: run the suite as root"
    proc = subprocess.run(["unshare", "--net", sys.executable, str(CHILD), str(tmp_path),
                           *extra], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_open_play_tag_export_use_no_network(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result["before"] == {}
    assert result["played_to"] > 0 and result["player_error"] is None  # it really played
    assert result["exported_frames"] > 0 and (tmp_path / "reel.mp4").is_file()
    assert result["after"] == {}, "network traffic was attempted"
    assert result["python_socket_calls"] == []


def test_the_detector_sees_an_attempt(tmp_path: Path) -> None:
    result = _run(tmp_path, "--control")
    assert len(result["errors"]) == 2
    assert result["after"].get("Ip:OutNoRoutes", 0) > 0
    assert any(e.startswith("socket.connect") for e in result["python_socket_calls"])


def test_libvlc_starts_with_its_network_features_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for option in ("--no-metadata-network-access", "--no-auto-preparse", "--no-lua",
                   "--ignore-config", "--intf=dummy", "--no-media-library"):
        assert option in VLC_ARGS
    assert not any(a.startswith(("--sd", "--services-discovery", "--http", "--sout",
                                 "--extraintf", "--control")) for a in VLC_ARGS)
    vlc = playback.load_vlc()
    seen: list[list[str]] = []
    real = vlc.libvlc_new

    def recording_new(argc: int, argv: Any) -> Any:
        seen.append([a.decode() if isinstance(a, bytes) else str(a) for a in argv])
        return real(argc, argv)

    monkeypatch.setattr(vlc, "libvlc_new", recording_new)
    backend = VlcBackend(audio=False)
    backend.close()
    assert seen and all(option in seen[0] for option in VLC_ARGS)
