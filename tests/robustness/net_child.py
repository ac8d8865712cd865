"""Child for the no-network test: open a case, play, tag and export, counting network use.

Run as ``unshare --net python net_child.py DIR``: the process (and every process it starts —
the probe and export workers) lives in a new, empty network namespace, so nothing can reach
the network, and the kernel's per-namespace IP counters (``/proc/self/net/snmp`` and
``snmp6``), which start at zero there, show any attempt: a TCP connect, a UDP datagram or a
DNS lookup, from Python or from C code (libVLC, FFmpeg) alike, raises ``Ip:OutNoRoutes``
or ``OutRequests``. A Python audit hook also records every socket call made from Python.
Prints one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import sys
import time
from pathlib import Path
from typing import Any

SOCKET_EVENTS: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event.startswith("socket."):
        family = args[1] if event == "socket.__new__" and len(args) > 1 else None
        if family == socket.AF_UNIX:
            return  # a local pipe, not the network
        SOCKET_EVENTS.append(f"{event} {args[1:]!r}"[:200])


sys.addaudithook(_audit)

from vigstudio.app import CaseSession  # noqa: E402 - after the hook, to see imports too
from vigstudio.app.player import PlayerController, PlayerState  # noqa: E402
from vigstudio.app.reel_export import export_reel_video  # noqa: E402
from vigstudio.domain.project import ConsentScope, Role  # noqa: E402
from vigstudio.media.playback import VlcBackend  # noqa: E402
from vigstudio.testing.synth import make_barcode_video  # noqa: E402

_CONSTANT = {"Ip:Forwarding", "Ip:DefaultTTL", "Tcp:RtoAlgorithm", "Tcp:RtoMin", "Tcp:RtoMax",
             "Tcp:MaxConn"}


def counters() -> dict[str, int]:
    """Non-zero traffic counters of this network namespace."""
    out: dict[str, int] = {}
    lines = Path("/proc/self/net/snmp").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=True):
        prefix = names.split()[0]
        for key, value in zip(names.split()[1:], values.split()[1:], strict=True):
            out[prefix + key] = int(value)
    for line in Path("/proc/self/net/snmp6").read_text().splitlines():
        key, value = line.split()
        out[key] = int(value)
    return {k: v for k, v in out.items() if v and k not in _CONSTANT}


def main(workdir: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"before": counters()}
    video = make_barcode_video(workdir / "family.mp4", width=320, height=180, frames=75)
    project = workdir / "case.vigproj"
    with CaseSession.create(project, "Offline") as session:
        session.import_recording(video)
    with CaseSession.open(project) as session:  # opening a case
        rec = session.recordings()[0]
        assert rec.id is not None
        player = PlayerController(backend_factory=lambda: VlcBackend(audio=False))
        frames: list[int] = []
        player.subscribe_frames(lambda n, _: frames.append(n))
        player.load(session.media_path(rec.id), rec.info)
        player.play()
        until = time.monotonic() + 1.5
        while time.monotonic() < until and player.state is PlayerState.PLAYING:
            player.tick()
            time.sleep(0.02)
        player.pause()
        time.sleep(0.2)
        result["played_to"] = player.position
        result["player_error"] = player.error
        result["exact_frames"] = len(frames)
        here = player.position
        child = session.add_participant("Sam", Role.PERSON)
        session.add_consent(child.id or 0, ConsentScope.FEEDBACK, dt.date(2026, 1, 1))
        moment = session.add_moment(rec.id, here, session.principles()[0].code,  # tagging
                                    participant_id=child.id)
        clip = session.add_clip(rec.id, max(0, here - 10), here + 1, title="attuned")
        reel = session.new_reel("Offline reel")
        session.add_clip_to_reel(reel.id or 0, clip.id or 0)
        player.close()
        backend = player.backend
        if backend is not None:
            backend.close()
        exported = export_reel_video(session, reel.id or 0, workdir / "reel.mp4")
        result["tagged"] = moment.frame
        result["exported_frames"] = exported.frame_count
    result["after"] = counters()
    result["python_socket_calls"] = SOCKET_EVENTS
    return result


def control() -> dict[str, Any]:
    """What the counters and the hook show for a program that does try the network."""
    with_errors: list[str] = []
    try:
        socket.getaddrinfo("example.org", 443)
    except OSError as exc:
        with_errors.append(str(exc))
    try:
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1: never routed
    except OSError as exc:
        with_errors.append(str(exc))
    return {"after": counters(), "python_socket_calls": SOCKET_EVENTS, "errors": with_errors}


if __name__ == "__main__":
    if sys.argv[2:] == ["--control"]:
        print(json.dumps(control()))
    else:
        print(json.dumps(main(Path(sys.argv[1]))))
