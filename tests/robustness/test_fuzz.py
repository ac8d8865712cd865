"""A sample of the mutation fuzzing (THREAT_MODEL.md T9, T10); ``bench/bench_fuzz.py`` runs
300 media files and 300 project files and prints the table."""

from __future__ import annotations

from pathlib import Path

from fuzz import fuzz_media, fuzz_projects, make_media_corpus


def test_mutated_media_never_crash_hang_or_raise_a_traceback(tmp_path: Path) -> None:
    files = make_media_corpus(tmp_path / "media", 8, seed=11)
    work = tmp_path / "work"
    work.mkdir()
    table = fuzz_media(files, work)
    assert sum(table.outcomes.values()) >= len(files)
    assert (table.crashes, table.hangs, table.bugs) == ([], [], [])


def test_mutated_project_files_never_crash_hang_or_get_written(tmp_path: Path) -> None:
    table = fuzz_projects(tmp_path, 60, seed=11)
    assert table.damaged > 10  # the mutations really do damage files
    assert (table.crashes, table.hangs, table.bugs) == ([], [], [])
    assert table.writes_into_damaged == []


def test_fuzz_finding_thumbnails_of_a_file_whose_seek_fails(tmp_path: Path) -> None:
    """Found by bench_fuzz (seed 1, file 233: header bytes of an AVI changed): FFmpeg's seek
    failed with EPERM and the thumbnails raised a raw traceback."""
    files = make_media_corpus(tmp_path / "media", 234, seed=1)
    work = tmp_path / "work"
    work.mkdir()
    table = fuzz_media([files[233]], work, export=False)
    assert table.outcomes["thumbnails ok"] == 1, table
    assert table.bugs == []
