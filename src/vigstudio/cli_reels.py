"""Command-line reel editing and export: item settings, title cards, MP4, stills, sheet."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any


def _fraction(text: str) -> Fraction:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a number or fraction: {text!r}") from None


def _session(path: str) -> Any:
    from vigstudio.app import CaseSession

    return CaseSession.open(Path(path))


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    return {k: v for k, v in {"caption": args.caption, "burn_caption": args.burn_caption,
                              "speed": args.speed, "freeze_last": args.freeze,
                              "hold": args.hold}.items() if v is not None}


def cmd_reel_add(args: argparse.Namespace) -> int:
    with _session(args.project) as session:
        reel = session.reel_by_name(args.reel)
        index = None if args.at is None else args.at - 1
        if args.clip is not None:
            item = session.add_clip_to_reel(reel.id, args.clip, index=index)
        elif args.still is not None:
            item = session.add_still_to_reel(reel.id, args.still, index=index)
        else:
            item = session.add_title_card(reel.id, args.title, index=index)
        settings = _settings(args)
        if settings:
            item = session.update_reel_item(reel.id, item.id, **settings)
        print(item.id)
    return 0


def cmd_reel_set(args: argparse.Namespace) -> int:
    with _session(args.project) as session:
        reel = session.reel_by_name(args.reel)
        settings = _settings(args)
        if args.title is not None:
            settings["title_text"] = args.title
        item = session.update_reel_item(reel.id, args.item, **settings)
        if args.move_to is not None:
            old = [i.id for i in session.reel(reel.id).items].index(item.id)
            session.move_reel_item(reel.id, old, args.move_to - 1)
        print(item.id)
    return 0


def _progress_printer() -> Callable[[float, float | None], None]:
    def show(fraction: float, seconds_left: float | None) -> None:
        left = "" if seconds_left is None else f", about {seconds_left:.0f} s left"
        print(f"\r{fraction * 100:5.1f} %{left}   ", end="", file=sys.stderr, flush=True)
    return show


def cmd_export_reel(args: argparse.Namespace) -> int:
    from vigstudio.media.export import start_worker

    start_worker()  # the export's worker starts up while the case is opened
    from vigstudio.app.reel_export import export_reel_video

    cancel = threading.Event()
    with _session(args.project) as session:
        reel = session.reel_by_name(args.reel)
        try:
            result = export_reel_video(session, reel, Path(args.output), height=args.height,
                                       overwrite=args.overwrite,
                                       progress=None if args.quiet else _progress_printer(),
                                       cancel=cancel)
        except KeyboardInterrupt:
            cancel.set()
            raise
        finally:
            if not args.quiet:
                print(file=sys.stderr)
    print(result.path)
    return 0


def cmd_export_stills(args: argparse.Namespace) -> int:
    from vigstudio.app.reel_export import export_reel_stills

    with _session(args.project) as session:
        paths = export_reel_stills(session, session.reel_by_name(args.reel), Path(args.output),
                                   overwrite=args.overwrite)
    for path in paths:
        print(path)
    return 0


def cmd_export_sheet(args: argparse.Namespace) -> int:
    from vigstudio.gui.export_dialog import write_reel_sheet

    with _session(args.project) as session:
        reel = session.reel_by_name(args.reel)
        print(write_reel_sheet(session, reel.id, Path(args.output), overwrite=args.overwrite))
    return 0


def _item_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--caption", help="a caption or question for the parent")
    p.add_argument("--burn-caption", action=argparse.BooleanOptionalAction, default=None,
                   help="write the caption into the picture")
    p.add_argument("--speed", type=_fraction, help="playback speed of a clip, e.g. 1/2")
    p.add_argument("--freeze", type=_fraction, metavar="SECONDS",
                   help="hold a clip's last frame this long")
    p.add_argument("--hold", type=_fraction, metavar="SECONDS",
                   help="how long a still or title card is shown")


def add_reel_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command("reel-add", cmd_reel_add,
                "add a clip, still or title card to a reel (prints the item id)")
    p.add_argument("project")
    p.add_argument("--reel", required=True, metavar="NAME")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--clip", type=int, metavar="ID")
    what.add_argument("--still", type=int, metavar="ID")
    what.add_argument("--title", metavar="TEXT", help="a title card with this text")
    p.add_argument("--at", type=int, metavar="POSITION", help="1 = first (default: last)")
    _item_options(p)
    p = command("reel-set", cmd_reel_set, "change a reel item's settings or position")
    p.add_argument("project")
    p.add_argument("--reel", required=True, metavar="NAME")
    p.add_argument("--item", type=int, required=True, metavar="ID")
    p.add_argument("--title", metavar="TEXT", help="new text of a title card")
    p.add_argument("--move-to", type=int, metavar="POSITION", help="1 = first")
    _item_options(p)
    for name, func, what_text, out_help in (
            ("export-reel", cmd_export_reel, "export a reel as a frame-exact MP4 (H.264/AAC)",
             "the MP4 file to write"),
            ("export-stills", cmd_export_stills, "export a reel's stills as PNG files",
             "the folder to write them into"),
            ("export-sheet", cmd_export_sheet, "write a reel's printable feedback sheet (PDF)",
             "the PDF file to write")):
        p = command(name, func, what_text)
        p.add_argument("project")
        p.add_argument("--reel", required=True, metavar="NAME")
        p.add_argument("-o", "--output", required=True, help=out_help)
        p.add_argument("--overwrite", action="store_true", help="replace an existing file")
        if name == "export-reel":
            p.add_argument("--height", type=int, choices=(720, 480),
                           help="scale down to this height (default: original size)")
            p.add_argument("--quiet", action="store_true", help="no progress on stderr")


__all__ = ["add_reel_commands"]
