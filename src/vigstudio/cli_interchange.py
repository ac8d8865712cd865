"""Command-line interchange: tags to and from ELAN, BORIS and spreadsheets; counts; OTIO."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _session(path: str) -> Any:
    from vigstudio.cli_crypto import open_session

    return open_session(path)


def cmd_export_tags(args: argparse.Namespace) -> int:
    from vigstudio.app.tag_transfer import export_tags

    with _session(args.project) as session:
        print(export_tags(session, args.recording, Path(args.output), args.format,
                          tiers=args.tiers, overwrite=args.overwrite))
    return 0


def cmd_import_tags(args: argparse.Namespace) -> int:
    from vigstudio.app.tag_transfer import import_tags

    with _session(args.project) as session:
        report = import_tags(session, args.recording, Path(args.file), args.format)
        print(report)
    return 0


def cmd_export_counts(args: argparse.Namespace) -> int:
    from vigstudio.app.tag_transfer import export_counts

    with _session(args.project) as session:
        print(export_counts(session, Path(args.output), flavour=args.flavour,
                            overwrite=args.overwrite))
    return 0


def cmd_export_timeline(args: argparse.Namespace) -> int:
    from vigstudio.app.tag_transfer import export_timeline

    with _session(args.project) as session:
        print(export_timeline(session, args.reel, Path(args.output), overwrite=args.overwrite,
                              override=args.override))
    return 0


def add_interchange_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command("export-tags", cmd_export_tags,
                "write a recording's moments, clips and stills for ELAN (eaf), BORIS or a "
                "spreadsheet (csv, tsv, xlsx-csv)")
    p.add_argument("project")
    p.add_argument("--recording", type=int, required=True, metavar="ID")
    p.add_argument("--format", required=True,
                   choices=("eaf", "csv", "tsv", "xlsx-csv", "boris"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--tiers", choices=("participant", "principle"), default="participant",
                   help="ELAN: one tier of moments per participant (default) or per principle")
    p.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    p = command("import-tags", cmd_import_tags,
                "add the tags of an ELAN, BORIS or spreadsheet file to a recording (one undo "
                "step; prints what was done)")
    p.add_argument("project")
    p.add_argument("--recording", type=int, required=True, metavar="ID")
    p.add_argument("file")
    p.add_argument("--format", choices=("eaf", "csv", "boris"),
                   help="default: from the file's name and content")
    p = command("export-counts", cmd_export_counts,
                "write moments counted per cycle, principle and participant (a CSV for "
                "spreadsheets)")
    p.add_argument("project")
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    p.add_argument("--flavour", choices=("xlsx-csv", "csv", "tsv"), default="xlsx-csv")
    p.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    p = command("export-timeline", cmd_export_timeline,
                "write a reel as an OpenTimelineIO timeline (.otio) for video editors")
    p.add_argument("project")
    p.add_argument("--reel", required=True, metavar="NAME")
    p.add_argument("-o", "--output", required=True, metavar="FILE.otio")
    p.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    p.add_argument("--override", metavar="REASON",
                   help="write it although the consent check failed, for this written reason")
