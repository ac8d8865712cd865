"""Child-process entry point of the reel export: ``python -m vigstudio.media.export_worker``.

Reads one pickled job from standard input (optionally after a ``{"kind": "prepare", "plan":
ReelPlan, "height": int | None}`` message, on which it starts decoding the reel's first frames)
— ``{"plan": ReelPlan, "out": Path, "height": int |
None}`` renders a reel; ``{"kind": "stills", "requests": [StillRequest], "folder": Path,
"overwrite": bool}`` writes stills — and reports on standard output, one line per message:

* ``progress <done> <total>`` — output frames written so far (at most ~10 per second);
* ``done`` — the file is complete;
* ``error <ErrorClassName>\\t<message>`` — a user-causable failure (a ``vigstudio.errors``
  class name, or ``FFmpegError`` for a file FFmpeg refused).

Any other end (a crash inside FFmpeg, a bug) shows as a non-zero exit without ``done``; the
parent then reports the tail of standard error.
"""

from __future__ import annotations

import pickle
import sys
import time
from typing import TextIO

from vigstudio.safe_write import die_with_parent

if __name__ == "__main__":
    die_with_parent()  # first, before the slow imports: never outlive the app

import av

from vigstudio.errors import VigError
from vigstudio.media.export_render import PreparedReel, render_reel

PROGRESS_INTERVAL = 0.1


def _send(stream: TextIO, line: str) -> None:
    stream.write(line.replace("\n", " ") + "\n")
    stream.flush()


def main() -> int:
    die_with_parent()  # never go on writing after the app was killed
    # Waits here, imports done, until the parent sends a job (our own parent's data). A
    # "prepare" message may come first: the reel's first frames are decoded while waiting.
    prepared: PreparedReel | None = None
    try:
        job = pickle.load(sys.stdin.buffer)
        if job.get("kind") == "prepare":
            prepared = PreparedReel(job["plan"], job["height"])
            job = pickle.load(sys.stdin.buffer)
    except EOFError:
        if prepared is not None:
            prepared.close()
        return 0  # a child started early whose parent ended (or stopped it) without a job
    out_stream = sys.stdout
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= PROGRESS_INTERVAL:
            last = now
            _send(out_stream, f"progress {done} {total}")

    try:
        if job.get("kind") == "stills":
            from vigstudio.media.stills import export_still_png

            requests = job["requests"]
            for done, request in enumerate(requests, start=1):
                export_still_png(request.path, request.info, request.frame,
                                 job["folder"] / request.name, overwrite=job["overwrite"],
                                 marks=request.marks)
                progress(done, len(requests))
        else:
            render_reel(job["plan"], job["out"], height=job["height"], progress=progress,
                        prepared=prepared)
    except VigError as exc:
        _send(out_stream, f"error {type(exc).__name__}\t{exc}")
        return 1
    except av.FFmpegError as exc:
        _send(out_stream, f"error FFmpegError\t{exc}")
        return 1
    _send(out_stream, "done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
