"""Worker process of the media fuzzer (see ``fuzz.py``): every media path on each file.

Prints JSON lines: ``{"start": op, "file": f}`` before an operation, then
``{"file", "op", "outcome", "message", "seconds"}``, and ``{"finished": f}`` per file. A
crash of this process therefore names its file and operation.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.errors import VigError
from vigstudio.media.export import ClipSegment, ReelPlan, export_reel
from vigstudio.media.probe import probe
from vigstudio.media.stills import still_rgb
from vigstudio.media.thumbnails import generate_thumbnails


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def run(file: str, op: str, fn: Callable[[], Any]) -> Any:
    emit({"start": op, "file": file})
    t0 = time.monotonic()
    result, outcome, message = None, "ok", ""
    try:
        result = fn()
    except VigError as exc:
        outcome, message = "error", f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - reported as a bug, with its traceback
        outcome = "bug"
        message = f"{type(exc).__name__}: {exc} | {traceback.format_exc(limit=3)[-400:]}"
    emit({"file": file, "op": op, "outcome": outcome, "message": message[:600],
          "seconds": time.monotonic() - t0})
    return result if outcome == "ok" else None


def main() -> int:
    job = json.loads(Path(sys.argv[1]).read_text())
    out = Path(job["out"])
    out.mkdir(parents=True, exist_ok=True)
    for file in job["files"]:
        path = Path(file)
        info: MediaInfo | None = run(file, "probe", lambda p=path: probe(p, timeout=8.0))
        if info is not None:
            run(file, "thumbnails",
                lambda p=path, i=info: len(list(generate_thumbnails(p, i, height=32,
                                                                    count=4))))
            run(file, "still", lambda p=path, i=info: still_rgb(p, i, i.frame_count // 2).shape)
            if job["export"]:
                target = out / f"{path.stem}.mp4"

                def export(p: Path = path, i: MediaInfo = info, t: Path = target) -> str:
                    plan = ReelPlan((ClipSegment(p, i, FrameRange(0, min(5, i.frame_count))),))
                    export_reel(plan, t, overwrite=True, stall_timeout=9.0)
                    t.unlink()
                    return "exported"

                run(file, "export", export)
        emit({"finished": file})
    return 0


if __name__ == "__main__":
    sys.exit(main())
