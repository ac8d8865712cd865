"""Kill the app (the ``vigstudio`` command) at a random moment of an export or a copying
import, then check what is on disk (THREAT_MODEL.md T5). Used by ``test_kills.py`` (a few
kills) and ``bench/bench_kills.py`` (100 per operation).

After each kill: no helper process goes on running; every file under a final name is
complete (a playable reel, a valid PNG or PDF, a byte-exact copy of the film); and opening the
case once removes every hidden partial file the kill left.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from vigstudio.app import CaseSession
from vigstudio.cli import main as cli
from vigstudio.errors import ExportError
from vigstudio.safe_write import check_pdf
from vigstudio.testing import synth

SRC = Path(os.environ.get("VIG_KILL_SRC") or Path(__file__).resolve().parents[2] / "src")
OPERATIONS = ("export-reel", "export-stills", "export-sheet", "import-copy")


@dataclass
class KillReport:
    operation: str
    kills: int = 0
    unfinished_final: list[str] = field(default_factory=list)
    children_survived: int = 0
    leftovers_seen: int = 0
    leftovers_after_start: list[str] = field(default_factory=list)


def prepare(workdir: Path) -> tuple[Path, Path]:
    """A case with a reel of a long clip and four stills; returns (project, source film)."""
    film = synth.make_barcode_video(workdir / "source film.mp4", width=480, height=270,
                                    frames=150, audio=True)
    project = workdir / "case" / "family.vigproj"
    project.parent.mkdir()
    with contextlib.redirect_stdout(io.StringIO()):
        for argv in (["new", str(project), "--case", "Family K"],
                     ["import", str(project), str(film)],
                     ["add-clip", str(project), "--recording", "1", "--in", "0", "--out",
                      "150"],
                     ["new-reel", str(project), "--name", "Visit"],
                     ["reel-add", str(project), "--reel", "Visit", "--clip", "1"]):
            assert cli(argv) == 0, argv
        for frame in (10, 40, 80, 120):
            assert cli(["add-still", str(project), "--recording", "1", "--frame",
                        str(frame)]) == 0
            assert cli(["reel-add", str(project), "--reel", "Visit", "--still",
                        str(frame // 40 + 1 if frame != 10 else 1)]) == 0
    return project, film


def _argv(operation: str, project: Path, film: Path) -> list[str]:
    exports = project.parent / "exports"
    exports.mkdir(exist_ok=True)
    if operation == "import-copy":
        return ["import", str(project), str(film), "--copy"]
    target = {"export-reel": exports / "reel.mp4", "export-stills": exports / "stills",
              "export-sheet": exports / "sheet.pdf"}[operation]
    return [operation, str(project), "--reel", "Visit", "-o", str(target), "--overwrite",
            *(["--quiet"] if operation == "export-reel" else [])]


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found += [int(c) for c in text.split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _complete(path: Path, film_digest: str) -> bool:
    try:
        if path.suffix == ".png":
            with Image.open(path) as image:
                image.verify()
            return True
        if path.suffix == ".pdf":
            check_pdf(path)
            return True
        if path.suffix == ".mp4" and path.parent.name == "media":
            return hashlib.sha256(path.read_bytes()).hexdigest() == film_digest
        if path.suffix == ".mp4":
            import av

            with av.open(str(path)) as container:
                return sum(1 for _ in container.decode(video=0)) > 0
        return True
    except (OSError, ExportError, ValueError, SyntaxError):
        return False
    except Exception:  # noqa: BLE001 - PyAV's errors: an unplayable reel
        return False


def _finals_and_hidden(case_dir: Path) -> tuple[list[Path], list[Path]]:
    finals: list[Path] = []
    hidden: list[Path] = []
    for folder in (case_dir / "media", case_dir / "exports", case_dir / "exports" / "stills"):
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if p.is_file():
                (hidden if p.name.startswith(".") else finals).append(p)
    return finals, hidden


def kill_runs(workdir: Path, operation: str, kills: int, *, seed: int = 1,
              max_delay: float = 4.0) -> KillReport:
    project, film = prepare(workdir)
    film_digest = hashlib.sha256(film.read_bytes()).hexdigest()
    rng = random.Random(seed)
    report = KillReport(operation)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p)}
    for n in range(kills):
        proc = subprocess.Popen([sys.executable, "-m", "vigstudio", *_argv(operation, project,
                                                                            film)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # stratified: the kills are spread over the whole run, each at a random point
        delay = 0.3 + (max_delay - 0.3) * (n + rng.random()) / kills
        deadline = time.monotonic() + delay
        children: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None:
            children.update(_children(proc.pid))
            time.sleep(0.02)
        children.update(_children(proc.pid))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        report.kills += 1
        grace = time.monotonic() + 5.0  # a helper still starting up exits on its own
        while time.monotonic() < grace and any(_alive(c) for c in children):
            time.sleep(0.05)
        report.children_survived += sum(_alive(c) for c in children)
        for c in children:  # do not leave them running whatever happened
            with contextlib.suppress(OSError):
                os.kill(c, signal.SIGKILL)
        finals, hidden = _finals_and_hidden(project.parent)
        report.unfinished_final += [p.name for p in finals if not _complete(p, film_digest)]
        report.leftovers_seen += len(hidden)
        CaseSession.open(project).close()  # the next start
        report.leftovers_after_start += [p.name for p in _finals_and_hidden(project.parent)[1]]
        for p in finals:  # start the next round from scratch
            if p.parent.name == "media":
                p.unlink()
    return report
