"""The ``vigstudio`` command line: the stable interface for scripts, tests and benchmarks.

Every command works without a window. Errors a user can cause are printed to stderr as one
readable line and exit with status 2; usage errors are argparse's (status 2 as well, with the
usage text).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import json
import os
import sys
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from vigstudio import __version__
from vigstudio.cli_crypto import add_crypto_commands, open_session
from vigstudio.cli_interchange import add_interchange_commands
from vigstudio.cli_privacy import PURPOSES, add_privacy_commands
from vigstudio.cli_reels import add_reel_commands
from vigstudio.cli_review import add_review_commands
from vigstudio.errors import VigError

EXIT_ERROR = 2


# --- JSON ------------------------------------------------------------------------------

def jsonable(value: Any) -> Any:
    """Domain values as JSON: dataclasses as objects, Fractions as exact 'n/d' text."""
    from vigstudio.domain.time import FrameRange, FrameRate

    if isinstance(value, FrameRange):
        return {"start": value.start, "end": value.end}
    if isinstance(value, FrameRate):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def media_json(info: Any) -> dict[str, Any]:
    from vigstudio.app.probing import media_info_json

    data = media_info_json(info)
    data["has_audio"] = info.has_audio
    data["display_size"] = list(info.display_size)
    return data


def case_json(session: Any) -> dict[str, Any]:
    """The whole case as one JSON object (what ``vigstudio info --json`` prints)."""
    from vigstudio.app import CaseSession

    assert isinstance(session, CaseSession)
    recordings = []
    for rec in session.recordings():
        data = jsonable(rec)
        data["info"] = media_json(rec.info)
        data["fingerprint"] = rec.fingerprint.as_text()
        data["media_path"] = str(session.media_path(rec.id or 0))
        data["status"] = session.recording_status(rec.id or 0).value
        recordings.append(data)
    codebook = session.codebook()
    return {
        "format": "vigstudio-case",
        "project": str(session.path),
        "schema_version": session.schema_version,
        "case": jsonable(session.case()),
        "participants": jsonable(session.participants()),
        "helping_questions": jsonable(session.helping_questions()),
        "cycles": jsonable(session.cycles()),
        "recordings": recordings,
        "codebook": {"name": codebook.name, "principles": jsonable(codebook.principles)},
        "moments": jsonable(session.moments()),
        "clips": [{**jsonable(c), "appears_in": list(session.appears_in_clip(c.id or 0))}
                  for c in session.clips()],
        "stills": [{**jsonable(s), "appears_in": list(session.appears_in_still(s.id or 0))}
                   for s in session.stills()],
        "reels": jsonable(session.reels()),
        "shared_reviews": jsonable(session.shared_reviews()),
        "consents": jsonable(session.consents()),
        **_review_json(session),
        "export_log": [{**jsonable(r), "at": r.at.isoformat()} for r in session.export_log()],
    }


def _review_json(session: Any) -> dict[str, Any]:
    """The traject plan, each shared review's summary and the progress across cycles."""
    from vigstudio.app.review import progress_json, review_json

    return {"traject_plan": jsonable(session.traject_plan()),
            "review_summaries": [review_json(session, r.id) for r in session.shared_reviews()],
            "progress": progress_json(session)}


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


# --- commands --------------------------------------------------------------------------

def _session(path: str, *, read_only: bool = False) -> Any:
    session = open_session(path, read_only=read_only)  # asks for an encrypted case's passphrase
    for notice in session.project.notices:
        print(f"vigstudio: {notice}", file=sys.stderr)
    return session


def cmd_gui(args: argparse.Namespace) -> int:
    from vigstudio.gui.app import run

    project = getattr(args, "project", None)
    return int(run(Path(project) if project else None))


def cmd_demo(args: argparse.Namespace) -> int:
    from vigstudio.demo import create_demo

    folder = Path(args.dir) if args.dir else Path.cwd() / "vigstudio-demo"
    print(create_demo(folder))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from vigstudio.app import CaseSession

    if args.encrypt:
        from vigstudio.cli_crypto import cmd_new_encrypted

        return cmd_new_encrypted(args)

    with CaseSession.create(Path(args.project), args.case) as session:
        print(session.path)
    return 0


def cmd_probe(args: argparse.Namespace) -> int:
    from vigstudio.app.probing import probe_file

    info = probe_file(Path(args.media), timeout=args.timeout)
    if args.json:
        _print_json(media_json(info))
    else:
        w, h = info.display_size
        audio = (f"{info.audio_codec} {info.audio_sample_rate} Hz" if info.has_audio
                 else "no audio")
        rate = "variable" if info.variable_frame_rate else "constant"
        print(f"{args.media}: {info.container}, {info.video_codec} {w}×{h}, "
              f"{info.frame_rate} ({rate}), {info.frame_count} frames, "
              f"{float(info.duration):.3f} s, {audio}"
              + (", TRUNCATED" if info.truncated else ""))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from vigstudio.app.case_media import COPIED_IN_NOTE

    with _session(args.project) as session:
        # None: an encrypted case copies in (encrypted), a plain one refers to the files
        report = session.import_recordings([Path(m) for m in args.media],
                                           copy=args.copy or None)
        encrypted = session.media_key is not None
    for _media, rec in report.imported:
        print(rec.id)
    if encrypted and report.imported:
        print("vigstudio: " + COPIED_IN_NOTE.format(count=len(report.imported)).replace(
            "\n\n", " "), file=sys.stderr)
    for media, reason in report.failed:
        print(f"vigstudio: {media.name} not added: {reason}", file=sys.stderr)
    return 2 if report.failed else 0


def cmd_info(args: argparse.Namespace) -> int:
    with _session(args.project, read_only=True) as session:
        data = case_json(session)
    if args.json:
        _print_json(data)
        return 0
    case = data["case"]
    print(f"Case {case['name']!r} (created {case['created_on']}) — {data['project']}")
    for key in ("participants", "helping_questions", "cycles", "recordings", "moments",
                "clips", "stills", "reels", "shared_reviews", "consents", "export_log"):
        print(f"  {key.replace('_', ' ')}: {len(data[key])}")
    for rec in data["recordings"]:
        info = rec["info"]
        print(f"  recording {rec['id']}: {rec['path']} ({info['frame_count']} frames, "
              f"{rec['status']})")
    return 0


def cmd_add_moment(args: argparse.Namespace) -> int:
    with _session(args.project) as session:
        participant = (session.participant_by_name(args.participant).id
                       if args.participant else None)
        moment = session.add_moment(args.recording, args.frame, args.code,
                                    participant_id=participant, note=args.note)
        print(moment.id)
    return 0


def cmd_add_clip(args: argparse.Namespace) -> int:
    with _session(args.project) as session:
        clip = session.add_clip(args.recording, args.in_frame, args.out_frame, title=args.title)
        print(clip.id)
    return 0


def cmd_add_still(args: argparse.Namespace) -> int:
    with _session(args.project) as session:
        still = session.add_still(args.recording, args.frame, caption=args.caption)
        print(still.id)
    return 0


def cmd_new_reel(args: argparse.Namespace) -> int:
    with _session(args.project) as session:
        print(session.new_reel(args.name, purpose=args.purpose).id)
    return 0


def cmd_save_copy(args: argparse.Namespace) -> int:
    from vigstudio.app.export_target import check_copy_target

    with _session(args.project, read_only=True) as session:
        check_copy_target(session, Path(args.dest))
        print(session.save_copy(Path(args.dest), overwrite=args.overwrite))
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from vigstudio.app.recovery import recover
    from vigstudio.cli_crypto import unlock_keys

    keys = unlock_keys(args.project, verify=False)  # the damaged file may not check out
    report = recover(Path(args.project), Path(args.new), keys=keys)
    for table, rows in report.rows.items():
        if rows:
            print(f"  {table}: {rows}")
    for lost in report.lost:
        print(f"vigstudio: lost: {lost}", file=sys.stderr)
    print(report.path)
    return 0


# --- parser ----------------------------------------------------------------------------

def _frame(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a frame number: {text!r}") from None
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigstudio",
        description="VIG Studio: video micro-analysis for Video Interaction Guidance. "
                    "Without a command, starts the app.")
    parser.add_argument("--version", action="version", version=f"vigstudio {__version__}")
    parser.add_argument("--self-check", action="store_true",
                        help="check that libVLC, PyAV, the project file and Qt work here, "
                             "print a report (exit status 1 if anything failed)")
    parser.add_argument("--recovery-key", action="store_true",
                        help="open encrypted cases with the recovery key (from "
                             "VIGSTUDIO_RECOVERY_KEY or asked) instead of the passphrase")
    parser.set_defaults(func=cmd_gui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, func: Callable[[argparse.Namespace], int],
                help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = command("open", cmd_gui, "open a case project in the app")
    p.add_argument("project")
    p = command("demo", cmd_demo, "write the demo case project (or reuse it) and print its path")
    p.add_argument("dir", nargs="?", help="folder for the demo (default: ./vigstudio-demo)")
    p = command("new", cmd_new, "create an empty case project")
    p.add_argument("project")
    p.add_argument("--case", required=True, help="the family's pseudonym")
    p.add_argument("--encrypt", action="store_true",
                   help="an encrypted case (passphrase from VIGSTUDIO_PASSPHRASE or asked)")
    p.add_argument("--recovery-key-file", metavar="FILE",
                   help="with --encrypt: write the recovery key to this new file")
    p = command("probe", cmd_probe, "show what VIG Studio reads from a media file")
    p.add_argument("media")
    p.add_argument("--json", action="store_true")
    p.add_argument("--timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    p = command("import", cmd_import, "add recordings to a case (prints their ids)")
    p.add_argument("project")
    p.add_argument("media", nargs="+")
    p.add_argument("--copy", action="store_true",
                   help="copy the files into the media/ folder beside the project (an "
                   "encrypted case always copies them in, encrypted)")
    p = command("save-copy", cmd_save_copy,
                "write a consistent copy of a case project (e.g. for a USB stick)")
    p.add_argument("project")
    p.add_argument("dest", help="the copy to write")
    p.add_argument("--overwrite", action="store_true", help="replace an older copy")
    p = command("recover", cmd_recover,
                "copy what can be read from a damaged case project into a new file")
    p.add_argument("project")
    p.add_argument("new", help="the new project file to write")
    p = command("info", cmd_info, "show the whole case")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    _add_edit_commands(command)
    return parser


def _add_edit_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command("add-moment", cmd_add_moment, "tag a moment (prints its id)")
    p.add_argument("project")
    p.add_argument("--recording", type=int, required=True, metavar="ID")
    p.add_argument("--frame", type=_frame, required=True, metavar="N")
    p.add_argument("--code", required=True, help="principle code, e.g. receiving")
    p.add_argument("--participant", metavar="NAME", help="who the moment is about")
    p.add_argument("--note", default="")
    p = command("add-clip", cmd_add_clip,
                "select a clip of frames [in, out) (prints its id); out is the first frame "
                "not in the clip")
    p.add_argument("project")
    p.add_argument("--recording", type=int, required=True, metavar="ID")
    p.add_argument("--in", dest="in_frame", type=_frame, required=True, metavar="N")
    p.add_argument("--out", dest="out_frame", type=_frame, required=True, metavar="N")
    p.add_argument("--title", default="")
    p = command("add-still", cmd_add_still, "select a still frame (prints its id)")
    p.add_argument("project")
    p.add_argument("--recording", type=int, required=True, metavar="ID")
    p.add_argument("--frame", type=_frame, required=True, metavar="N")
    p.add_argument("--caption", default="")
    p = command("new-reel", cmd_new_reel, "start a feedback reel (prints its id)")
    p.add_argument("project")
    p.add_argument("--name", required=True)
    p.add_argument("--purpose", choices=PURPOSES, default="family",
                   help="what the reel is for (default: family feedback); its exports are "
                        "checked against the consent for it")
    add_reel_commands(command)
    add_interchange_commands(command)
    add_review_commands(command)
    add_privacy_commands(command)
    add_crypto_commands(command)


def _say(message: str) -> None:
    """Print to stderr even when a file name is not valid text in this terminal's encoding."""
    encoding = sys.stderr.encoding or "utf-8"
    print(message.encode(encoding, "backslashreplace").decode(encoding), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:  # a child process of the app (vigstudio.workers)
        from vigstudio.workers import run_worker

        return run_worker(argv[1:])
    args = build_parser().parse_args(argv)
    if args.self_check:
        from vigstudio.selfcheck import main as self_check

        return self_check()
    func: Callable[[argparse.Namespace], int] = args.func
    from vigstudio.cli_crypto import options

    options.use_recovery_key = args.recovery_key
    try:
        return func(args)
    except VigError as exc:
        _say(f"vigstudio: {exc}")
        return EXIT_ERROR
    except OSError as exc:  # a name too long, a folder that vanished: a sentence, not a trace
        name = f" {os.fsdecode(exc.filename)!r}" if exc.filename else ""
        _say(f"vigstudio: cannot use{name}: {exc.strerror or exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("vigstudio: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
