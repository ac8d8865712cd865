"""Command-line shared review: presenter mode and the printable review summary."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def cmd_present(args: argparse.Namespace) -> int:
    from vigstudio.cli_crypto import unlock_keys
    from vigstudio.gui.presenter.launch import run_present

    return run_present(Path(args.project), args.reel, args.screen, args.override,
                       keys=unlock_keys(args.project))


def cmd_export_review(args: argparse.Namespace) -> int:
    from vigstudio.app.review import export_review_summary, review_for_cycle
    from vigstudio.cli_crypto import open_session
    from vigstudio.render.review_pdf import write_review_pdf  # Qt's PDF writer, no GUI

    with open_session(args.project) as session:
        review = review_for_cycle(session, args.cycle)
        assert review.id is not None
        print(export_review_summary(
            session, review.id, Path(args.output), overwrite=args.overwrite,
            override=args.override,
            render=lambda path, sheet, replace: write_review_pdf(path, sheet,
                                                                 overwrite=replace)))
    return 0


def add_review_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command("present", cmd_present,
                "show a reel full screen for the shared review (Escape ends it)")
    p.add_argument("project")
    p.add_argument("--reel", required=True, metavar="NAME")
    p.add_argument("--screen", type=int, metavar="N",
                   help="the screen to present on, 1 = the first (default: the second "
                        "screen when there is one)")
    p.add_argument("--override", metavar="REASON",
                   help="present although the consent check failed, for this written reason")
    p = command("export-review", cmd_export_review,
                "write the printable summary (PDF) of a cycle's shared review")
    p.add_argument("project")
    p.add_argument("--cycle", type=int, required=True, metavar="N")
    p.add_argument("-o", "--output", required=True, help="the PDF file to write")
    p.add_argument("--overwrite", action="store_true", help="replace an existing file")
    p.add_argument("--override", metavar="REASON",
                   help="write it although the consent check failed, for this written reason")


__all__ = ["add_review_commands"]
