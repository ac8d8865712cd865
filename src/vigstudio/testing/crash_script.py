"""Crash-safety harness: kill a process that is editing a case, and prove nothing was lost.

A *child* process opens a case project and applies an endless, seeded random stream of edits
through :class:`~vigstudio.app.session.CaseSession` (tags, moves, clips, trims including
merged drags, stills, reels, codebook changes, batch deletes, undo and redo). Before each
call it writes ``do N <what>`` and after the call returns ``ack N <what> <state hash>`` to an
acknowledgement file (``write(2)`` straight to the file: what was written survives SIGKILL).

The *parent* (:class:`CrashHarness`) kills the child with SIGKILL at a random moment, then:

1. runs SQLite's ``PRAGMA integrity_check`` on the file as the child left it;
2. opens it with :meth:`CaseSession.open` (the lock must be free, the model must load);
3. compares a canonical dump of every entity with the child's acknowledgements: the state
   must equal the state after the last acknowledged edit, or after that edit plus the one in
   flight (whose commit may have finished just before the kill) — never anything in between.

The state after the edit in flight is found by replaying the same seeded script, in this
process, on a copy of the file taken before the child started (the script is deterministic
given the starting state and the seed). One project file is reused across kills, so every
run starts from what the previous kill left behind.

Children are cheap: by default a *zygote* process (``python -m vigstudio.testing.crash_script
zygote``) imports the application layer once and forks one child per kill; ``spawn=True``
starts a fresh interpreter per kill instead (``python -m vigstudio.testing.crash_script child``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from vigstudio.app.session import CaseSession
from vigstudio.crypto.keys import CaseKeys
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
from vigstudio.domain.project import Role
from vigstudio.domain.time import FrameRate
from vigstudio.errors import VigError
from vigstudio.storage.cipher import CipherDatabaseError, connect

__all__ = [
    "CrashHarness",
    "CrashReport",
    "EditScript",
    "KillOutcome",
    "canonical_dump",
    "prepare_project",
    "replay_hashes",
    "state_hash",
]

FRAMES = 500  # frames in each scripted recording
# an encrypted case's master key (hex) for the children of an encrypted harness (test only)
KEY_ENV = "VIGSTUDIO_CRASH_MASTER_KEY"
_NOTES = ("", "looks up", "smiles — and waits", "Sam 👀 reaches", "x" * 300, "naïve ✓")
_COLOURS = ("#aa3311", "#1188cc", "#33aa55", "#ccbb22", "#8844aa")


# --- the state ------------------------------------------------------------------------------

def canonical_dump(session: CaseSession) -> list[str]:
    """Every entity of the case as one line each, in a fixed order (kind, then id)."""
    lines: list[str] = []
    for kind in sorted(EntityKind, key=lambda k: k.value):
        table = session._cache.get(kind, {})
        for entity_id in sorted(table):
            lines.append(f"{kind.value} {entity_id} {table[entity_id]!r}")
    return lines


def state_hash(session: CaseSession) -> str:
    digest = hashlib.sha256()
    for line in canonical_dump(session):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()[:24]


def _recording(path: str, frames: int) -> Recording:
    info = MediaInfo(container="mp4", video_codec="h264", width=640, height=360, rotation=0,
                     frame_rate=FrameRate(Fraction(25)), variable_frame_rate=False,
                     frame_count=frames, duration=Fraction(frames, 25),
                     time_base=Fraction(1, 12800), start_pts=0, audio_codec="aac",
                     audio_sample_rate=48000, audio_channels=1)
    return Recording(path, Fingerprint(1000 + frames, "a" * 64, "b" * 64), info)


def _env_keys() -> CaseKeys | None:
    text = os.environ.get(KEY_ENV)
    return None if not text else CaseKeys.from_master(bytes.fromhex(text))


def prepare_project(path: Path, keys: CaseKeys | None = None) -> Path:
    """A new case with two recordings (no media needed) and three participants; encrypted
    under ``keys`` if given."""
    with CaseSession.create(Path(path), "Crash harness", keys=keys) as session:
        session.add_recording(_recording("media/first.mp4", FRAMES))
        session.add_recording(_recording("media/second.mp4", FRAMES))
        session.add_participant("Sam", Role.PERSON)
        session.add_participant("Alex", Role.PARTNER)
        session.add_participant("Jo", Role.GUIDER)
    return Path(path)


# --- the scripted edits ---------------------------------------------------------------------

Edit = tuple[str, Callable[[], object]]


class EditScript:
    """A deterministic random stream of edits: the same seed on the same starting state gives
    the same calls. :meth:`next_edit` chooses the next call (it may start or end a merged
    drag, which changes only the undo stack); the caller runs it."""

    def __init__(self, session: CaseSession, seed: int) -> None:
        self.s = session
        self.rng = random.Random(seed)
        self._drag: list[Edit] = []

    def _ids(self, items: list[object]) -> list[int]:
        return [int(getattr(i, "id")) for i in items]  # noqa: B009 - entities of several types

    def _pick(self, items: list[object]) -> int | None:
        ids = self._ids(items)
        return self.rng.choice(ids) if ids else None

    def next_edit(self) -> Edit:
        if self._drag:
            edit = self._drag.pop(0)
            if not self._drag:
                name, call = edit

                def last() -> object:
                    try:
                        return call()
                    finally:
                        self.s.end_merge()
                return name, last
            return edit
        s, r = self.s, self.rng
        moments, clips, stills = s.moments(), s.clips(), s.stills()
        reels, principles = s.reels(), s.principles()
        options: list[tuple[float, Callable[[], Edit | None]]] = [
            (max(2.0, 14 - len(moments) / 4), self._add_moment),
            (len(moments) > 0 and 5, self._move_moment),
            (len(moments) > 0 and 2, self._recode_moment),
            (min(8.0, len(moments) / 6), self._delete_moment),
            (max(1.0, 6 - len(clips) / 3), self._add_clip),
            (len(clips) > 0 and 4, self._trim_clip),
            (len(clips) > 0 and 1.5, self._start_drag),
            (len(clips) > 0 and 2, self._move_clip),
            (len(clips) > 0 and 1, self._title_clip),
            (min(4.0, len(clips) / 4), self._delete_clip),
            (max(1.0, 3 - len(stills) / 3), self._add_still),
            (len(stills) > 0 and 2, self._move_still),
            (min(3.0, len(stills) / 3), self._delete_still),
            (len(reels) < 4 and 1, self._new_reel),
            (len(reels) > 0 and 5, self._reel_item),
            (len(reels) > 0 and 2, self._reel_change),
            (len(moments) + len(clips) > 3 and 1, self._batch_delete),
            (len(principles) < 12 and 1, self._add_principle),
            (2, self._codebook_change),
            (s.can_undo and 8, self._undo),
            (s.can_redo and 4, self._redo),
        ]
        weights = [float(w or 0) for w, _ in options]
        while True:
            make = r.choices([m for _, m in options], weights=weights)[0]
            chosen = make()
            if chosen is not None:
                return chosen

    # each maker draws its random numbers and returns (description, call)

    def _rec(self) -> int:
        return self.rng.choice(self._ids(list(self.s.recordings())))

    def _frame(self) -> int:
        # now and then one frame too far: the edit must be refused and change nothing
        return self.rng.randrange(FRAMES + 3)

    def _add_moment(self) -> Edit:
        rec, frame = self._rec(), self._frame()
        code = self.rng.choice([p.code for p in self.s.principles()])
        who = self.rng.choice([None, *self._ids(list(self.s.participants()))])
        note = self.rng.choice(_NOTES)
        return (f"add_moment {rec} {frame} {code}",
                lambda: self.s.add_moment(rec, frame, code, participant_id=who, note=note))

    def _move_moment(self) -> Edit | None:
        mid = self._pick(list(self.s.moments()))
        frame = self._frame()
        return None if mid is None else (f"move_moment {mid} {frame}",
                                         lambda: self.s.move_moment(mid, frame))

    def _recode_moment(self) -> Edit | None:
        mid = self._pick(list(self.s.moments()))
        code = self.rng.choice([p.code for p in self.s.principles()])
        return None if mid is None else (f"set_moment_code {mid} {code}",
                                         lambda: self.s.set_moment_code(mid, code))

    def _delete_moment(self) -> Edit | None:
        mid = self._pick(list(self.s.moments()))
        return None if mid is None else (f"delete_moment {mid}",
                                         lambda: self.s.delete_moment(mid))

    def _add_clip(self) -> Edit:
        rec = self._rec()
        start = self.rng.randrange(FRAMES - 10)
        end = start + self.rng.randrange(1, 120)
        return (f"add_clip {rec} {start} {end}",
                lambda: self.s.add_clip(rec, start, end, title=f"clip {start}"))

    def _trim_clip(self) -> Edit | None:
        cid = self._pick(list(self.s.clips()))
        if cid is None:
            return None
        frame, which = self._frame(), self.rng.random() < 0.5
        if which:
            return f"trim_clip_start {cid} {frame}", lambda: self.s.trim_clip_start(cid, frame)
        return f"trim_clip_end {cid} {frame}", lambda: self.s.trim_clip_end(cid, frame)

    def _start_drag(self) -> Edit | None:
        """A drag of a clip's end: several trims, one undo step (each trim is its own
        transaction, acknowledged on its own)."""
        cid = self._pick(list(self.s.clips()))
        if cid is None:
            return None
        clip = self.s.clip(cid)
        steps = self.rng.randrange(2, 7)
        ends = [min(FRAMES, max(clip.range.start + 1, clip.range.end + self.rng.randrange(-8, 9)))
                for _ in range(steps)]
        self.s.begin_merge("Trim clip end")
        self._drag = [(f"drag_end {cid} {end}",
                       lambda end=end: self.s.trim_clip_end(cid, end, merge_key="drag"))  # type: ignore[misc]
                      for end in ends]
        return self.next_edit()

    def _move_clip(self) -> Edit | None:
        cid = self._pick(list(self.s.clips()))
        start = self.rng.randrange(FRAMES)
        return None if cid is None else (f"move_clip {cid} {start}",
                                         lambda: self.s.move_clip(cid, start))

    def _title_clip(self) -> Edit | None:
        cid = self._pick(list(self.s.clips()))
        title = self.rng.choice(_NOTES)
        return None if cid is None else (f"set_clip_title {cid}",
                                         lambda: self.s.set_clip_title(cid, title))

    def _delete_clip(self) -> Edit | None:
        cid = self._pick(list(self.s.clips()))
        return None if cid is None else (f"delete_clip {cid}", lambda: self.s.delete_clip(cid))

    def _add_still(self) -> Edit:
        rec, frame = self._rec(), self._frame()
        return f"add_still {rec} {frame}", lambda: self.s.add_still(rec, frame, caption="still")

    def _move_still(self) -> Edit | None:
        sid = self._pick(list(self.s.stills()))
        frame = self._frame()
        return None if sid is None else (f"move_still {sid} {frame}",
                                          lambda: self.s.move_still(sid, frame))

    def _delete_still(self) -> Edit | None:
        sid = self._pick(list(self.s.stills()))
        return None if sid is None else (f"delete_still {sid}",
                                          lambda: self.s.delete_still(sid))

    def _new_reel(self) -> Edit:
        name = f"Reel {self.rng.randrange(10_000)}"
        return f"new_reel {name}", lambda: self.s.new_reel(name)

    def _reel_item(self) -> Edit | None:
        rid = self._pick(list(self.s.reels()))
        if rid is None:
            return None
        what = self.rng.randrange(3)
        if what == 0:
            cid = self._pick(list(self.s.clips()))
            return None if cid is None else (
                f"add_clip_to_reel {rid} {cid}", lambda: self.s.add_clip_to_reel(rid, cid))
        if what == 1:
            sid = self._pick(list(self.s.stills()))
            return None if sid is None else (
                f"add_still_to_reel {rid} {sid}", lambda: self.s.add_still_to_reel(rid, sid))
        return f"add_title_card {rid}", lambda: self.s.add_title_card(rid, "What helps?")

    def _reel_change(self) -> Edit | None:
        rid = self._pick(list(self.s.reels()))
        if rid is None:
            return None
        reel = self.s.reel(rid)
        what = self.rng.randrange(4)
        n = len(reel.items)
        if what == 0 and n > 1:
            a, b = self.rng.randrange(n), self.rng.randrange(n)
            return f"move_reel_item {rid} {a} {b}", lambda: self.s.move_reel_item(rid, a, b)
        if what == 1 and n > 0:
            item = int(self.rng.choice(reel.items).id or 0)
            return (f"remove_reel_item {rid} {item}",
                    lambda: self.s.remove_reel_item(rid, item))
        if what == 2:
            name = f"Reel {self.rng.randrange(10_000)}"
            return f"rename_reel {rid} {name}", lambda: self.s.rename_reel(rid, name)
        return f"delete_reel {rid}", lambda: self.s.delete_reel(rid)

    def _batch_delete(self) -> Edit:
        ms = self._ids(list(self.s.moments()))
        cs = self._ids(list(self.s.clips()))
        some_m = self.rng.sample(ms, min(len(ms), 3))
        some_c = self.rng.sample(cs, min(len(cs), 1))
        return (f"delete_annotations {some_m} {some_c}",
                lambda: self.s.delete_annotations(moments=some_m, clips=some_c))

    def _add_principle(self) -> Edit:
        n = self.rng.randrange(10_000)
        colour = self.rng.choice(_COLOURS)
        return (f"add_principle x{n}",
                lambda: self.s.add_principle(f"x{n}", f"Extra {n}", colour,
                                             behaviours=("looks", "waits")))

    def _codebook_change(self) -> Edit:
        pid = self.rng.choice(self._ids(list(self.s.principles())))
        what = self.rng.randrange(4)
        if what == 0:
            name = f"Code {self.rng.randrange(10_000)}"
            return f"rename_principle {pid}", lambda: self.s.rename_principle(pid, name)
        if what == 1:
            colour = self.rng.choice(_COLOURS)
            return f"recolour_principle {pid}", lambda: self.s.recolour_principle(pid, colour)
        if what == 2:
            index = self.rng.randrange(len(self.s.principles()))
            return (f"reorder_principle {pid} {index}",
                    lambda: self.s.reorder_principle(pid, index))
        return f"delete_principle {pid}", lambda: self.s.delete_principle(pid)

    def _undo(self) -> Edit:
        return "undo", self.s.undo

    def _redo(self) -> Edit:
        return "redo", self.s.redo


def run_step(script: EditScript) -> tuple[str, str]:
    """Choose and apply one edit; (description, outcome) where a refused edit (a VigError:
    the script aims one frame too far now and then) changes nothing."""
    name, call = script.next_edit()
    try:
        call()
    except VigError as exc:
        return name, f"refused:{type(exc).__name__}"
    return name, "done"


def replay_hashes(base: Path, seed: int, steps: int, workdir: Path,
                  keys: CaseKeys | None = None) -> list[str]:
    """State hashes after opening a copy of ``base`` and after each of ``steps`` edits."""
    copy = workdir / "replay.vigproj"
    copy.unlink(missing_ok=True)
    shutil.copyfile(base, copy)
    with CaseSession.open(copy, keys=keys) as session:
        hashes = [state_hash(session)]
        script = EditScript(session, seed)
        for _ in range(steps):
            run_step(script)
            hashes.append(state_hash(session))
    return hashes


# --- the child ----------------------------------------------------------------------------

def child_main(project: Path, ack_path: Path, seed: int) -> None:
    """Edit ``project`` forever, acknowledging each edit in ``ack_path``; never returns."""
    fd = os.open(ack_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)

    def say(line: str) -> None:
        os.write(fd, (line + "\n").encode("utf-8"))

    session = CaseSession.open(project, keys=_env_keys())
    say(f"ack 0 open {state_hash(session)}")
    script = EditScript(session, seed)
    n = 0
    while True:
        n += 1
        name, call = script.next_edit()
        say(f"do {n} {name}")
        outcome = "done"
        try:
            call()
        except VigError as exc:
            outcome = f"refused:{type(exc).__name__}"
        say(f"ack {n} {state_hash(session)} {outcome} {name}")


def _child_entry(project: str, ack: str, seed: str, err: str) -> None:
    """Run :func:`child_main`; on an unexpected error write it down and wait to be killed
    (the parent kills by pid, so the child must not exit and free its pid for reuse)."""
    try:
        child_main(Path(project), Path(ack), int(seed))
    except BaseException:  # noqa: BLE001 - not hidden: written down for the parent to report
        with open(err, "a", encoding="utf-8") as f:
            traceback.print_exc(file=f)
        while True:
            time.sleep(3600)


def zygote_main() -> None:
    """Read ``run PROJECT ACK SEED ERR`` lines; fork a child for each, reply ``pid N``; on
    ``reap`` wait for that child and reply ``status S``; ``quit`` ends."""
    child: int | None = None
    for line in sys.stdin:
        words = line.split("\t")
        words[-1] = words[-1].rstrip("\n")
        if words[0] == "run":
            pid = os.fork()
            if pid == 0:
                devnull = os.open(os.devnull, os.O_RDWR)
                os.dup2(devnull, 0)
                os.dup2(devnull, 1)
                try:
                    _child_entry(*words[1:5])
                finally:
                    os._exit(3)
            child = pid
            print(f"pid {pid}", flush=True)
        elif words[0] == "reap" and child is not None:
            _, status = os.waitpid(child, 0)
            child = None
            print(f"status {status}", flush=True)
        elif words[0] == "quit":
            return


# --- the parent -----------------------------------------------------------------------------

@dataclass
class KillOutcome:
    acked: int  # edits acknowledged by this child (refused ones included)
    in_flight_committed: bool  # the unacknowledged edit was found complete on disk
    lost: int  # acknowledged edits missing from the file (must be 0)
    corrupt: bool  # integrity check failed or the file did not open (must be False)
    half_applied: bool  # state matches neither side of the edit in flight (must be False)
    detail: str = ""
    refused: int = 0  # acknowledged edits that were refused as invalid (changed nothing)


@dataclass
class CrashReport:
    kills: int = 0
    edits_acknowledged: int = 0
    edits_refused: int = 0
    edits_lost: int = 0
    corrupt_files: int = 0
    half_applied: int = 0
    in_flight_committed: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.edits_lost or self.corrupt_files or self.half_applied)

    def summary(self) -> str:
        return (f"kills {self.kills}, edits acknowledged {self.edits_acknowledged} "
                f"({self.edits_refused} refused as invalid), edits lost {self.edits_lost}, "
                f"corrupt files {self.corrupt_files}, half-applied {self.half_applied}, "
                f"in-flight edit found committed {self.in_flight_committed}, "
                f"time {self.seconds:.1f} s")


def _child_env(keys: CaseKeys | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(KEY_ENV, None)
    if keys is not None:
        env[KEY_ENV] = keys.master_key.hex()
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _failed(err: Path) -> bool:
    return err.exists() and err.stat().st_size > 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_until_open(ack: Path, alive: Callable[[], bool], limit: float = 30.0) -> None:
    """Until the child has written that the case is open (``ack 0 open``), it has ended, or
    ``limit`` seconds have passed."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and alive():
        with contextlib.suppress(OSError):
            if b"ack 0 " in ack.read_bytes()[:4096]:
                return
        time.sleep(0.002)


class CrashHarness:
    """Kill editing children at random moments and check the project file each time.

    ``workdir`` holds the project (created if missing), acknowledgement files and a copy for
    replays. ``max_life``: each child is killed after a random 0–``max_life`` seconds.
    ``keys``: run on an encrypted case (SQLCipher) under these keys.
    """

    def __init__(self, workdir: Path, *, seed: int = 1, spawn: bool = False,
                 max_life: float = 0.3, keys: CaseKeys | None = None) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.project = self.workdir / "crash.vigproj"
        self.keys = keys
        if not self.project.exists():
            prepare_project(self.project, keys)
        self.rng = random.Random(seed)
        self.spawn = spawn
        self.max_life = max_life
        self._zygote: subprocess.Popen[str] | None = None

    def __enter__(self) -> CrashHarness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        zygote, self._zygote = self._zygote, None
        if zygote is not None and zygote.stdin is not None:
            with contextlib.suppress(OSError):
                zygote.stdin.write("quit\n")
                zygote.stdin.flush()
            try:
                zygote.wait(timeout=5)
            except subprocess.TimeoutExpired:
                zygote.kill()
                zygote.wait()

    def _ask(self, line: str) -> str:
        if self._zygote is None:
            self._zygote = subprocess.Popen(
                [sys.executable, "-m", "vigstudio.testing.crash_script", "zygote"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                env=_child_env(self.keys))
        assert self._zygote.stdin is not None and self._zygote.stdout is not None
        self._zygote.stdin.write(line + "\n")
        self._zygote.stdin.flush()
        reply = self._zygote.stdout.readline().strip()
        if not reply:
            raise RuntimeError("the crash-test zygote process ended unexpectedly")
        return reply

    def run(self, kills: int, *, progress: Callable[[int, CrashReport], None] | None = None
            ) -> CrashReport:
        report = CrashReport()
        started = time.monotonic()
        for i in range(kills):
            outcome = self.kill_once()
            report.kills += 1
            report.edits_acknowledged += outcome.acked
            report.edits_refused += outcome.refused
            report.edits_lost += outcome.lost
            report.corrupt_files += outcome.corrupt
            report.half_applied += outcome.half_applied
            report.in_flight_committed += outcome.in_flight_committed
            if outcome.detail:
                report.problems.append(f"kill {i + 1}: {outcome.detail}")
            if progress is not None:
                progress(i + 1, report)
        report.seconds = time.monotonic() - started
        return report

    def kill_once(self, *, tamper: Callable[[Path, Path], None] | None = None) -> KillOutcome:
        """Start a child on the project, kill it at a random moment, check the file.

        ``tamper(project, base)`` (for testing the checker itself) runs after the kill and
        before the check; ``base`` is the copy taken before the child started."""
        seed = self.rng.randrange(1 << 30)
        base = self.workdir / "base.vigproj"
        shutil.copyfile(self.project, base)  # the file is closed and clean here
        ack = self.workdir / "acks.txt"
        err = self.workdir / "child-errors.txt"
        ack.unlink(missing_ok=True)
        life = self.rng.uniform(0.0, self.max_life)
        # half the kills count their moment from the start (they hit opening and recovery
        # too), half from the case being open (they hit editing however slow the machine is)
        from_open = self.rng.random() < 0.5
        args = [str(self.project), str(ack), str(seed), str(err)]
        if self.spawn:
            proc = subprocess.Popen(
                [sys.executable, "-m", "vigstudio.testing.crash_script", "child", *args],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                env=_child_env(self.keys))
            if from_open:
                _wait_until_open(ack, lambda: proc.poll() is None and not _failed(err))
            time.sleep(life)
            proc.send_signal(signal.SIGKILL)
            status = proc.wait()
            killed = status == -signal.SIGKILL
        else:
            pid = int(self._ask("run\t" + "\t".join(args)).split()[1])
            if from_open:
                _wait_until_open(ack, lambda: _alive(pid) and not _failed(err))
            time.sleep(life)
            os.kill(pid, signal.SIGKILL)  # our own child's pid: it cannot exit by itself
            raw_status = int(self._ask("reap").split()[1])
            killed = os.WIFSIGNALED(raw_status) and os.WTERMSIG(raw_status) == signal.SIGKILL
        if not killed:
            return KillOutcome(0, False, 0, False, False, "the child exited by itself")
        if err.exists() and err.stat().st_size:
            text = err.read_text(encoding="utf-8")
            err.unlink()
            return KillOutcome(0, False, 0, False, False, f"the child failed:\n{text}")
        if tamper is not None:
            tamper(self.project, base)
        return self.check(base, ack, seed)

    def check(self, base: Path, ack: Path, seed: int) -> KillOutcome:
        acks: dict[int, str] = {}
        refused = 0
        for line in ack.read_text(encoding="utf-8").splitlines() if ack.exists() else []:
            words = line.split(" ")
            if words[0] == "ack" and len(words) >= 3:
                if words[1] == "0":
                    acks[0] = words[3]
                else:
                    acks[int(words[1])] = words[2]
                    refused += len(words) > 3 and words[3].startswith("refused")
        last = max(acks, default=-1)
        outcome = self._verify(base, seed, acks, last)
        outcome.refused = refused
        return outcome

    def _verify(self, base: Path, seed: int, acks: dict[int, str], last: int) -> KillOutcome:
        acked = max(0, last)
        try:
            raw = connect(self.project, key=None if self.keys is None
                          else self.keys.database_key)
            try:
                result = [str(r[0]) for r in raw.execute("PRAGMA integrity_check").fetchall()]
            finally:
                raw.close()
            if result != ["ok"]:
                return KillOutcome(acked, False, 0, True, False, f"integrity: {result}")
            with CaseSession.open(self.project, keys=self.keys) as session:
                problems = session.project.integrity_check()
                if problems:
                    return KillOutcome(acked, False, 0, True, False, f"integrity: {problems}")
                now = state_hash(session)
        except (VigError, sqlite3.DatabaseError, CipherDatabaseError) as exc:
            return KillOutcome(acked, False, 0, True, False, f"does not open: {exc!r}")
        if last >= 0 and now == acks[last]:
            return KillOutcome(acked, False, 0, False, False)
        # not the acknowledged state: it must be the acknowledged one plus the edit in flight
        if last < 0:  # killed before it had even opened the case: nothing may have changed
            same = now == replay_hashes(base, seed, 0, self.workdir, self.keys)[0]
            return KillOutcome(0, False, 0, False, not same,
                               "" if same else "changed before the child opened the case")
        replay = replay_hashes(base, seed, last + 1, self.workdir, self.keys)
        mismatched = [n for n, h in acks.items() if replay[n] != h]
        if mismatched:
            return KillOutcome(acked, False, 0, False, False,
                               f"replay differs from the child at edits {mismatched[:5]}")
        if now == replay[last + 1]:
            return KillOutcome(acked, True, 0, False, False)
        earlier = [n for n in range(last) if replay[n] == now]
        if earlier:
            return KillOutcome(acked, False, last - earlier[-1], False, False,
                               f"{last - earlier[-1]} acknowledged edits lost")
        return KillOutcome(acked, False, 0, False, True,
                           f"state after edit {last} matches no whole edit (half-applied)")


def main(argv: list[str]) -> int:
    if argv[:1] == ["zygote"]:
        zygote_main()
        return 0
    if argv[:1] == ["child"] and len(argv) == 5:
        _child_entry(*argv[1:5])
        return 0
    print("usage: python -m vigstudio.testing.crash_script zygote | child PROJECT ACK SEED ERR",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
