"""Command-line reel editing and export: item settings, title cards, MP4, stills, sheet."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from vigstudio.cli_privacy import add_override


def _fraction(text: str) -> Fraction:
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError, OverflowError):
        raise argparse.ArgumentTypeError(f"not a number or fraction: {text!r}") from None
    if not -10**6 <= value <= 10**6 or value.denominator > 10**6:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range")
    return value


def _seconds(text: str) -> Fraction:
    """A duration in seconds: 0 to 10 minutes, checked before anything is opened."""
    from vigstudio.domain.reels import MAX_HOLD_SECONDS

    value = _fraction(text)
    if not 0 <= value <= MAX_HOLD_SECONDS:
        raise argparse.ArgumentTypeError(
            f"{text} seconds is outside 0–{MAX_HOLD_SECONDS} seconds")
    return value


def _speed(text: str) -> Fraction:
    value = _fraction(text)
    if not Fraction(1, 8) <= value <= 4:
        raise argparse.ArgumentTypeError(f"speed {text} is outside 1/8–4")
    return value


def _session(path: str, *, read_only: bool = False) -> Any:
    from vigstudio.cli import _session as open_session

    return open_session(path, read_only=read_only)


def _snapshot(path: str) -> Any:
    """The case an export reads. It is opened for writing: every export is written in the
    case's export log (docs/CONSENT.md), so an export cannot run on a read-only snapshot while
    the case is open in a window."""
    return _session(path)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    return {k: v for k, v in {"caption": args.caption, "burn_caption": args.burn_caption,
                              "speed": args.speed, "freeze_last": args.freeze,
                              "hold": args.hold}.items() if v is not None}


def cmd_reel_add(args: argparse.Namespace) -> int:
    from vigstudio.app.session_core import domain_edit
    from vigstudio.domain.reels import ItemKind, ReelItem

    with _session(args.project) as session:
        reel = session.reel_by_name(args.reel)
        index = None if args.at is None else args.at - 1
        if args.clip is not None:
            kind, what = ItemKind.CLIP, {"clip_id": args.clip}
        elif args.still is not None:
            kind, what = ItemKind.STILL, {"still_id": args.still}
        else:
            kind, what = ItemKind.TITLE, {"title_text": args.title}
        # the whole item, settings included, is checked before anything is saved: one edit
        item = domain_edit(ReelItem, kind, **what, **_settings(args))
        item = session.add_reel_item(reel.id, item, index)
        print(item.id)
    return 0


def cmd_reel_set(args: argparse.Namespace) -> int:
    from vigstudio.errors import InvalidEditError

    with _session(args.project) as session:
        reel = session.reel_by_name(args.reel)
        settings = _settings(args)
        if args.title is not None:
            settings["title_text"] = args.title
        if args.move_to is not None and not 1 <= args.move_to <= len(reel.items):
            raise InvalidEditError(f"position {args.move_to} is outside the reel "
                                   f"(1–{len(reel.items)}); nothing was changed")
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
    from vigstudio.app.warmup import warm_export_worker

    # first thing: the export's worker imports FFmpeg while this process imports the
    # application and opens the case
    warm_export_worker()
    from vigstudio.app.reel_export import export_reel_video

    cancel = threading.Event()
    with _snapshot(args.project) as session:
        reel = session.reel_by_name(args.reel)
        try:
            result = export_reel_video(session, reel, Path(args.output), height=args.height,
                                       overwrite=args.overwrite,
                                       progress=None if args.quiet else _progress_printer(),
                                       cancel=cancel, override=args.override)
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

    with _snapshot(args.project) as session:
        paths = export_reel_stills(session, session.reel_by_name(args.reel), Path(args.output),
                                   overwrite=args.overwrite, override=args.override)
    for path in paths:
        print(path)
    return 0


def cmd_export_sheet(args: argparse.Namespace) -> int:
    from vigstudio.app.reel_export import export_feedback_sheet
    from vigstudio.render.sheet_pdf import write_sheet  # Qt's PDF writer, no GUI package

    with _snapshot(args.project) as session:
        reel = session.reel_by_name(args.reel)
        print(export_feedback_sheet(
            session, reel, Path(args.output), overwrite=args.overwrite, override=args.override,
            render=lambda path, sheet, replace: write_sheet(path, sheet, overwrite=replace)))
    return 0


def _item_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--caption", help="a caption or question for the parent")
    p.add_argument("--burn-caption", action=argparse.BooleanOptionalAction, default=None,
                   help="write the caption into the picture")
    p.add_argument("--speed", type=_speed, help="playback speed of a clip, 1/8 to 4, e.g. 1/2")
    p.add_argument("--freeze", type=_seconds, metavar="SECONDS",
                   help="hold a clip's last frame this long (up to 600)")
    p.add_argument("--hold", type=_seconds, metavar="SECONDS",
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
        add_override(p)
        if name == "export-reel":
            p.add_argument("--height", type=int, choices=(720, 480),
                           help="scale down to this height (default: original size)")
            p.add_argument("--quiet", action="store_true", help="no progress on stderr")


__all__ = ["add_reel_commands"]
