"""Command-line participants, consent, clip decisions and who appears; the supervision
package. The exports' ``--override`` lives with each export command."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROLES = ("person", "partner", "guider", "other")
USES = ("feedback", "supervision", "training", "sharing")
SHARING = ("undecided", "private", "supervision", "shared")
PURPOSES = ("family", "supervision", "training")


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _session(path: str) -> Any:
    from vigstudio.cli_crypto import open_session

    return open_session(path)


def _people(session: Any, names: str) -> list[int]:
    return [session.participant_by_name(n).id for n in names.split(",") if n.strip()]


def cmd_add_participant(args: argparse.Namespace) -> int:
    from vigstudio.domain.project import Role

    with _session(args.project) as session:
        print(session.add_participant(args.name, Role(args.role)).id)
    return 0


def cmd_consent(args: argparse.Namespace) -> int:
    from vigstudio.domain.project import ConsentScope

    with _session(args.project) as session:
        who = session.participant_by_name(args.participant)
        consent = session.add_consent(who.id, ConsentScope(args.use), args.given,
                                      expires_on=args.expires, note=args.note)
        print(consent.id)
    return 0


def cmd_withdraw_consent(args: argparse.Namespace) -> int:
    from vigstudio.domain.project import ConsentScope
    from vigstudio.errors import NotFoundError

    on = args.on or dt.date.today()
    with _session(args.project) as session:
        who = session.participant_by_name(args.participant)
        open_ = [c for c in session.consents(who.id)
                 if c.scope is ConsentScope(args.use) and c.withdrawn_on is None]
        if not open_:
            raise NotFoundError(f"{who.pseudonym} has no consent to {args.use} that is not "
                                "already withdrawn")
        with session.merged("Withdraw consent"):
            for c in open_:
                print(session.withdraw_consent(c.id, on).id)
    return 0


def cmd_set_clip(args: argparse.Namespace) -> int:
    from vigstudio.domain.annotations import Sharing

    with _session(args.project) as session:
        clip = session.clip(args.clip)
        if args.sharing is not None:
            clip = session.set_clip_sharing(clip.id, Sharing(args.sharing))
        if args.appears is not None:
            clip = session.set_clip_appears(clip.id, _people(session, args.appears))
        print(clip.id)
    return 0


def cmd_set_still(args: argparse.Namespace) -> int:
    with _session(args.project) as session:
        print(session.set_still_appears(args.still, _people(session, args.appears)).id)
    return 0


def cmd_export_supervision(args: argparse.Namespace) -> int:
    from vigstudio.app.supervision import export_supervision_package

    with _session(args.project) as session:
        package = export_supervision_package(
            session, args.review, Path(args.output), clip_ids=args.clip or None,
            working_point_ids=args.working_point or (), reflection=args.reflection,
            overwrite=args.overwrite, override=args.override)
    for path in package.files:
        print(path)
    return 0


def add_override(p: argparse.ArgumentParser) -> None:
    p.add_argument("--override", metavar="REASON",
                   help="export even though the consent check fails; the reason is recorded "
                        "in the case's export log")


def add_privacy_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command("add-participant", cmd_add_participant,
                "add a participant by pseudonym and role (prints the id)")
    p.add_argument("project")
    p.add_argument("--name", required=True, help="a pseudonym, never a real name")
    p.add_argument("--role", required=True, choices=ROLES)
    p = command("consent", cmd_consent, "record a participant's consent to one use "
                                        "(prints the id)")
    p.add_argument("project")
    p.add_argument("--participant", required=True, metavar="NAME")
    p.add_argument("--use", required=True, choices=USES)
    p.add_argument("--given", required=True, type=day, metavar="YYYY-MM-DD")
    p.add_argument("--expires", type=day, metavar="YYYY-MM-DD")
    p.add_argument("--note", default="", help="e.g. 'signed form in the case file'")
    p = command("withdraw-consent", cmd_withdraw_consent,
                "record that a consent was withdrawn (the record is kept, with the date)")
    p.add_argument("project")
    p.add_argument("--participant", required=True, metavar="NAME")
    p.add_argument("--use", required=True, choices=USES)
    p.add_argument("--on", type=day, metavar="YYYY-MM-DD", help="default: today")
    p = command("set-clip", cmd_set_clip,
                "record the parent's decision about a clip and who appears in it")
    p.add_argument("project")
    p.add_argument("--clip", type=int, required=True, metavar="ID")
    p.add_argument("--sharing", choices=SHARING)
    p.add_argument("--appears", metavar="NAME,...",
                   help="everyone who appears in the clip, by pseudonym ('' = nobody)")
    p = command("set-still", cmd_set_still, "record who appears in a still")
    p.add_argument("project")
    p.add_argument("--still", type=int, required=True, metavar="ID")
    p.add_argument("--appears", required=True, metavar="NAME,...")
    p = command("export-supervision", cmd_export_supervision,
                "export the supervision package of a filmed shared review into a folder")
    p.add_argument("project")
    p.add_argument("--review", type=int, required=True, metavar="ID",
                   help="the shared review whose filmed recording is looked at")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    p.add_argument("--clip", type=int, action="append", metavar="ID",
                   help="a clip to include (repeat; default: every clip of the review film)")
    p.add_argument("--working-point", type=int, action="append", metavar="MOMENT_ID",
                   help="a working point to include (repeat)")
    p.add_argument("--reflection", default="", help="the guider's own reflection")
    p.add_argument("--overwrite", action="store_true", help="replace existing files")
    add_override(p)


__all__ = ["PURPOSES", "add_override", "add_privacy_commands", "day"]
