"""Edits made through the app layer survive SIGKILL right after they return.

A child process applies a stream of edits (tags, trims, undo) and acknowledges each one once
its method returns; the parent kills it with SIGKILL, reopens the file and checks that every
acknowledged edit is there and nothing is half-applied. (The long, randomised run belongs to
the crash-safety harness; this is the short version for the suite.)
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from vigstudio.app import CaseSession
from vigstudio.domain.media import Recording

CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from vigstudio.app import CaseSession
    session = CaseSession.open(Path(sys.argv[1]))
    rec = int(sys.argv[2])
    clip = session.add_clip(rec, 0, 10)
    print("clip", clip.id, 0, flush=True)
    for i in range(1, 10_000):
        m = session.add_moment(rec, i % 250, "attentive", note=str(i))
        print("moment", m.id, i, flush=True)
        session.trim_clip_end(clip.id, 11 + i % 200)
        print("trim", 11 + i % 200, i, flush=True)
        if i % 4 == 0:
            session.undo()
            print("undo", 0, i, flush=True)
""")


def test_acknowledged_edits_survive_sigkill(
        tmp_path: Path, fake_recording: Callable[..., Recording]) -> None:
    for run, wanted in enumerate((5, 18, 31)):
        path = tmp_path / f"run{run}.vigproj"
        with CaseSession.create(path, "Crash test") as session:
            rec = session.add_recording(fake_recording())
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(rec.id)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        acks = [child.stdout.readline().split() for _ in range(wanted)]
        child.send_signal(signal.SIGKILL)
        child.wait()
        clip_id = int(acks[0][1])
        acked_moments: set[int] = set()
        ends = [10]
        for kind, value, _ in acks[1:]:
            if kind == "moment":
                acked_moments.add(int(value))
            elif kind == "trim":
                ends.append(int(value))
            else:
                ends.pop()
        kind, _, step = acks[-1]
        i = int(step)
        allowed = {ends[-1]}
        if kind == "moment":
            allowed.add(11 + i % 200)  # the trim in flight may have committed
        elif kind == "trim" and i % 4 == 0:
            allowed.add(ends[-2])  # the undo in flight may have committed
        with CaseSession.open(path) as again:
            assert again.project.integrity_check() == []
            mine = {m.id for m in again.moments() if m.id is not None}
            assert acked_moments <= mine and len(mine - acked_moments) <= 1
            assert again.clip(clip_id).range.end in allowed

