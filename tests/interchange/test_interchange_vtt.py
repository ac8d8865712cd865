"""WebVTT from the SubRip cues the reel export writes."""

from __future__ import annotations

from vigstudio.interchange.vtt import srt_to_vtt


def test_srt_cues_become_webvtt_cues() -> None:
    srt = ("1\n00:00:02,000 --> 00:00:05,480\nWhat helped Sam here?\n\n"
           "2\n00:01:00,040 --> 00:01:04,040\nTwo lines,\nan arrow --> here\n")
    assert srt_to_vtt(srt) == (
        "WEBVTT\n\n"
        "1\n00:00:02.000 --> 00:00:05.480\nWhat helped Sam here?\n\n"
        "2\n00:01:00.040 --> 00:01:04.040\nTwo lines,\nan arrow → here\n")


def test_no_cues_is_an_empty_webvtt_file() -> None:
    assert srt_to_vtt("") == "WEBVTT\n"
