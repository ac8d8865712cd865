"""Child process for the hostile-media test: run the in-process media operations on each file.

Thumbnails, waveform, still grabs and the player run inside the app's own process, so a
decoder crash there would take the app down. The test runs them here, in a child, and reads
one JSON line per operation: ``{"case", "op", "outcome", "type", "message", "seconds"}``
where ``outcome`` is ``ok`` (a usable result, maybe partial), ``error`` (a VigError: the
readable message the app shows) or ``bug`` (any other exception: a traceback the user would
see). A line ``{"start": ...}`` precedes each operation, so a crash names its operation.

Usage: ``python hostile_worker.py JOB.json`` where the job is a list of
``{"case": name, "path": file, "info": info_to_json(...)}``.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vigstudio.app.player import PlayerController, PlayerState
from vigstudio.domain.media import MediaInfo
from vigstudio.errors import VigError
from vigstudio.media.playback import VlcBackend
from vigstudio.media.probe import info_from_json
from vigstudio.media.stills import still_rgb
from vigstudio.media.thumbnails import generate_thumbnails
from vigstudio.media.waveform import compute_waveform

PLAY_SECONDS = 0.8


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def thumbnails(path: Path, info: MediaInfo) -> str:
    got = list(generate_thumbnails(path, info, height=32, count=8))
    return f"{len(got)} thumbnails"


def waveform(path: Path, info: MediaInfo) -> str:
    wave = compute_waveform(path, info)
    assert wave is not None
    return f"{wave.frame_count} frames of waveform at {wave.sample_rate} Hz"


def stills(path: Path, info: MediaInfo) -> str:
    shapes = []
    for frame in sorted({0, info.frame_count // 2, info.frame_count - 1}):
        shapes.append(still_rgb(path, info, frame).shape)
    return f"stills {shapes}"


def playback(path: Path, info: MediaInfo) -> str:
    frames: list[int] = []
    errors: list[str] = []
    player = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                              display_size=(160, 90))
    player.subscribe_frames(lambda n, _: frames.append(n))
    player.subscribe_frame_errors(lambda n, e: errors.append(f"{n}: {type(e).__name__}"))
    try:
        player.load(path, info)
        player.seek(info.frame_count // 2)
        player.play()
        until = time.monotonic() + PLAY_SECONDS
        while time.monotonic() < until and player.state is PlayerState.PLAYING:
            player.tick()
            time.sleep(0.02)
        player.pause()
        player.step(-1)
        time.sleep(0.2)
        return (f"state {player.state.value}, position {player.position}, "
                f"exact frames {len(frames)}, frame errors {errors[:3]}, "
                f"player message {player.error!r}")
    finally:
        player.close()
        backend = player.backend
        if backend is not None:
            backend.close()


OPS: dict[str, Callable[[Path, MediaInfo], str]] = {
    "thumbnails": thumbnails, "waveform": waveform, "still": stills, "playback": playback,
}


def main(job_file: str) -> int:
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    for entry in job:
        path, info = Path(entry["path"]), info_from_json(entry["info"])
        for op, run in OPS.items():
            emit({"start": f"{entry['case']} {op}"})
            started = time.monotonic()
            result: dict[str, Any] = {"case": entry["case"], "op": op}
            try:
                result |= {"outcome": "ok", "message": run(path, info)}
            except VigError as exc:
                result |= {"outcome": "error", "type": type(exc).__name__, "message": str(exc)}
            except Exception as exc:  # noqa: BLE001 - reported as a bug, not hidden
                result |= {"outcome": "bug", "type": type(exc).__name__,
                           "message": traceback.format_exc()}
            result["seconds"] = round(time.monotonic() - started, 3)
            emit(result)
    emit({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
