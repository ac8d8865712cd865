"""Many entities written at once (``Writer.put_many`` / ``delete_many``, what an import of
thousands of tags and its undo and redo use) give exactly what writing them one by one gives:
the same entities, the same ids, the same file, and nothing at all when one of them fails.
Real project files in tmp_path."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from sql_statements import statements
from vigstudio.domain.annotations import Clip, Mark, MarkKind, Moment, Sharing, Still, Valence
from vigstudio.domain.codebook import Behaviour, Codebook, Principle
from vigstudio.domain.entities import Entity
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
from vigstudio.domain.project import Case, Participant, Role
from vigstudio.domain.reels import ItemKind, Reel, ReelItem
from vigstudio.domain.time import FrameRange, FrameRate
from vigstudio.storage import EntityKind, ProjectFile

K = EntityKind
CODEBOOK = Codebook("Test book", (
    Principle("attentive", "Being attentive", "#4E9A8C", "1",
              behaviours=(Behaviour("Turning towards"), Behaviour("Waiting", 1))),
    Principle("receiving", "Receiving initiatives", "#D9705A", "2", position=1),
))


def _recording() -> Recording:
    info = MediaInfo(container="mp4", video_codec="h264", width=640, height=360, rotation=0,
                     frame_rate=FrameRate(Fraction(25)), variable_frame_rate=False,
                     frame_count=500, duration=Fraction(20), time_base=Fraction(1, 12800),
                     start_pts=0)
    return Recording("media/family.mp4", Fingerprint(1234, "a" * 64, "b" * 64), info)


def _case(path: Path, key: bytes | None = None) -> tuple[ProjectFile, int]:
    """A project with two participants, a recording and a moment already in it."""
    pf = ProjectFile.create(path, Case("Family Rivers", dt.date(2026, 1, 5)), CODEBOOK,
                            key=key)
    with pf.transaction() as w:
        w.put(Participant("Sam", Role.PERSON))
        w.put(Participant("Alex", Role.PARTNER))
        rec = w.put(_recording())
        w.put(Moment(rec.id or 0, 1, 1, 1))
    return pf, rec.id or 0


def _batch(rec: int, attentive: Principle) -> list[Entity]:
    """Everything an import brings, with the awkward cases between: an update of a stored
    principle (a new behaviour), explicit ids as a redo gives them (past the last id), a
    reel (written one by one), clips and stills with and without confirmed participants,
    behaviours listed out of position order, marks."""
    grown = replace(attentive, behaviours=(*attentive.behaviours, Behaviour("Nodding", 2)))
    return [
        Participant("Zoë", Role.OTHER),
        Participant("Kim", Role.OTHER, "#123456"),
        Principle("peekaboo", "Peek-a-boo", "#9e9e9e", description="imported: from x.eaf",
                  position=2, behaviours=(Behaviour("finding", 1), Behaviour("hiding", 0))),
        grown,
        Principle("turns", "Taking turns", "#9e9e9e", "t", "", 3),
        Principle("redone", "Redone code", "#9e9e9e", position=4,
                  behaviours=(Behaviour("again", 0, id=40),), id=30),
        *[Moment(rec, i % 500, 1 + i % 2, (1, 2, None)[i % 3], None, f"note {i} — ü",
                 Valence.WORKING_POINT if i % 4 else Valence.STRENGTH) for i in range(60)],
        Moment(rec, 7, 1, None, 1, "", id=900),
        Moment(rec, 8, 2, 2, None, "after a given id"),
        Clip(rec, FrameRange(0, 12), "Turn taking", "What helped here?"),
        Clip(rec, FrameRange(5, 31), "Fun", sharing=Sharing.SHARED, appears=(2, 1)),
        Clip(rec, FrameRange(40, 50), appears=()),
        Still(rec, 3, "Eye contact", appears=(1,),
              marks=(Mark(MarkKind.ARROW, 10, 20, 30, 40), Mark(MarkKind.TEXT, 5, 5, text="Ja"))),
        Still(rec, 4),
        Reel("Cycle 1", None, (ReelItem(ItemKind.TITLE, 0, title_text="Fun"),)),
        *[Moment(rec, i, 2, None, None, f"last {i}") for i in range(20)],
    ]


def _sequence(pf: ProjectFile) -> dict[str, int]:
    return dict(pf._raw.execute("SELECT name, seq FROM sqlite_sequence").fetchall())


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "sqlcipher"])
def test_put_many_is_put_one_by_one(tmp_path: Path, encrypted: bool) -> None:
    key = os.urandom(32) if encrypted else None
    one, rec = _case(tmp_path / "one.vigproj", key)
    many, _ = _case(tmp_path / "many.vigproj", key)
    assert many.encrypted is encrypted
    attentive = one.get(K.PRINCIPLE, 1)
    assert isinstance(attentive, Principle)
    batch = _batch(rec, attentive)
    with one.transaction() as w:
        singly = [w.put(e) for e in batch]
    with many.transaction() as w:
        together = w.put_many(batch)
    assert together == singly  # the same ids, behaviours in load order, appears, marks
    assert many.snapshot() == one.snapshot()  # what the session holds is what is stored
    assert _sequence(many) == _sequence(one)  # the next ids will be the same too
    ids = [e.id for e in together if isinstance(e, Moment)]
    assert 900 in ids and ids[ids.index(900) + 1] == 901  # after a given id, as SQLite does
    with one.transaction() as w:
        next_one = w.put(Moment(rec, 9, 1))
    with many.transaction() as w:
        next_many = w.put_many([Moment(rec, 9, 1)])[0]
    assert next_many == next_one
    assert many.integrity_check() == []
    one.close()
    many.close()


def test_put_many_writes_each_table_once(tmp_path: Path) -> None:
    pf, rec = _case(tmp_path / "case.vigproj")
    counts = []
    for n in (10, 300):
        with statements() as seen, pf.transaction() as w:
            w.put_many([Moment(rec, i % 500, 1, 1, None, f"n{i}") for i in range(n)]
                       + [Clip(rec, FrameRange(i % 400, i % 400 + 10), appears=(1,))
                          for i in range(n)])
        counts.append(seen)
    assert counts[0] == counts[1]  # not one INSERT per row: one per table
    assert counts[1]["INSERT"] == 3  # moments, clips, their appearances
    pf.close()


def test_delete_many_is_delete_one_by_one(tmp_path: Path) -> None:
    one, rec = _case(tmp_path / "one.vigproj")
    many, _ = _case(tmp_path / "many.vigproj")
    attentive = one.get(K.PRINCIPLE, 1)
    assert isinstance(attentive, Principle)
    with one.transaction() as w:
        stored = w.put_many(_batch(rec, attentive))
    with many.transaction() as w:
        w.put_many(_batch(rec, attentive))
    gone = {kind: [e.id or 0 for e in stored if isinstance(e, typ)]
            for kind, typ in ((K.MOMENT, Moment), (K.CLIP, Clip), (K.STILL, Still))}
    gone[K.PRINCIPLE] = [30]  # its behaviour goes with it
    with one.transaction() as w:
        for kind, ids in gone.items():
            assert all(w.delete(kind, i) for i in ids)
    with many.transaction() as w:  # principle 30 first: its moments go before it anyway
        targets = [(kind, i) for kind, ids in reversed(gone.items()) for i in ids]
        assert w.delete_many([*targets, (K.MOMENT, 99999)]) == len(targets)  # 1 not there
    assert many.snapshot() == one.snapshot()
    assert many._raw.execute("SELECT count(*) FROM appearance").fetchone() == (0,)
    assert many._raw.execute("SELECT count(*) FROM behaviour WHERE id = 40").fetchone() == (0,)
    assert many.integrity_check() == []
    one.close()
    many.close()


def test_put_many_is_all_or_nothing(tmp_path: Path) -> None:
    """One bad row among thousands (a code that is not in the file) and nothing is
    written: the edit's transaction holds every row."""
    path = tmp_path / "case.vigproj"
    pf, rec = _case(path)
    before = pf.snapshot()
    sequence = _sequence(pf)
    batch: list[Entity] = [Participant("Zoë", Role.OTHER),
                           *[Moment(rec, i % 500, 1, None, None, f"n{i}") for i in range(2000)],
                           Moment(rec, 3, 777),  # no principle 777
                           *[Moment(rec, i % 500, 2) for i in range(1000)]]
    with pytest.raises(IntegrityError), pf.transaction() as w:
        w.put_many(batch)
    with pytest.raises(IntegrityError), pf.transaction() as w:
        w.delete_many([(K.PRINCIPLE, 1)])  # still in use by a moment: refused
    assert pf.snapshot() == before
    assert _sequence(pf) == sequence
    pf.close()
    again = ProjectFile.open(path)
    assert again.snapshot() == before
    again.close()
