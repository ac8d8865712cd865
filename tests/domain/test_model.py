"""The case model's own rules: codebook validity and file format, reels, consent."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from vigstudio.domain.annotations import Clip
from vigstudio.domain.codebook import Codebook, CodebookError, Principle
from vigstudio.domain.project import Consent, ConsentScope
from vigstudio.domain.reels import ItemKind, ReelItem, reordered
from vigstudio.domain.time import FrameRange


def _principle(code: str, key: str = "") -> Principle:
    return Principle(code=code, name=code.title(), colour="#112233", shortcut=key)


def test_codebook_json_round_trip() -> None:
    book = Codebook("Test", (_principle("attentive", "1"), _principle("receiving", "2")))
    again = Codebook.from_json(book.to_json())
    assert [p.code for p in again.principles] == ["attentive", "receiving"]
    assert again.by_shortcut("2") is not None and again.by_shortcut("2").code == "receiving"


def test_codebook_rejects_duplicates_and_bad_values() -> None:
    with pytest.raises(CodebookError, match="twice"):
        Codebook("x", (_principle("a"), _principle("a")))
    with pytest.raises(CodebookError, match="shortcut"):
        Codebook("x", (_principle("a", "1"), _principle("b", "1")))
    with pytest.raises(CodebookError, match="colour"):
        Principle(code="a", name="A", colour="red")
    with pytest.raises(CodebookError, match="unknown code"):
        Codebook("x", (_principle("a"),)).by_code("zzz")
    with pytest.raises(CodebookError, match="not a VIG Studio codebook"):
        Codebook.from_json('{"name": "x"}')
    with pytest.raises(CodebookError, match="newer"):
        Codebook.from_json('{"format": "vigstudio-codebook", "version": 9, "name": "x"}')


def test_clip_needs_a_frame() -> None:
    with pytest.raises(ValueError):
        Clip(recording_id=1, range=FrameRange(5, 5))


def test_reel_item_rules_and_reorder() -> None:
    with pytest.raises(ValueError):
        ReelItem(ItemKind.CLIP)
    with pytest.raises(ValueError):
        ReelItem(ItemKind.CLIP, clip_id=1, speed=Fraction(8))
    items = [ReelItem(ItemKind.TITLE, title_text=t, position=i) for i, t in enumerate("abc")]
    moved = reordered(items, 2, 0)
    assert [i.title_text for i in moved] == ["c", "a", "b"]
    assert [i.position for i in moved] == [0, 1, 2]


def test_consent_validity_window() -> None:
    c = Consent(1, ConsentScope.SUPERVISION, dt.date(2026, 1, 1),
                expires_on=dt.date(2026, 12, 31), withdrawn_on=dt.date(2026, 6, 1))
    assert not c.is_valid_on(dt.date(2025, 12, 31))
    assert c.is_valid_on(dt.date(2026, 5, 31))
    assert not c.is_valid_on(dt.date(2026, 6, 1))
