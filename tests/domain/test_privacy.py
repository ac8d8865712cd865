"""The privacy rules: consent by use, given/expiry/withdrawal on the day, sharing decisions by
purpose, who appears, and the check every exit runs."""

from __future__ import annotations

import datetime as dt

import pytest

from vigstudio.domain.annotations import Moment, Sharing
from vigstudio.domain.privacy import (
    ItemToCheck,
    Purpose,
    Standing,
    appearing,
    check_items,
    consent_needed,
    holds_on,
    missing_consent,
    proposed_participants,
    sharing_allows,
    standing,
    still_window,
    valid_consent,
)
from vigstudio.domain.project import Consent, ConsentScope, Participant, Role
from vigstudio.domain.time import FrameRange

D = dt.date
SAM = Participant("Sam", Role.PERSON, id=1)
ALEX = Participant("Alex", Role.PARTNER, id=2)
JO = Participant("Jo", Role.GUIDER, id=3)
PEOPLE = {p.id or 0: p for p in (SAM, ALEX, JO)}


def test_each_purpose_needs_its_own_consent() -> None:
    assert consent_needed(Purpose.FAMILY) is ConsentScope.FEEDBACK
    assert consent_needed(Purpose.SUPERVISION) is ConsentScope.SUPERVISION
    assert consent_needed(Purpose.TRAINING) is ConsentScope.TRAINING


def test_consent_holds_from_given_to_expiry_until_withdrawn() -> None:
    c = Consent(1, ConsentScope.FEEDBACK, D(2026, 1, 10), expires_on=D(2026, 6, 30))
    assert standing(c, D(2026, 1, 9)) is Standing.NOT_YET_GIVEN
    assert standing(c, D(2026, 1, 10)) is Standing.VALID  # the day it is given
    assert standing(c, D(2026, 6, 30)) is Standing.VALID  # the expiry day still holds
    assert standing(c, D(2026, 7, 1)) is Standing.EXPIRED
    w = Consent(1, ConsentScope.FEEDBACK, D(2026, 1, 10), withdrawn_on=D(2026, 3, 1))
    assert holds_on(w, D(2026, 2, 28))
    assert standing(w, D(2026, 3, 1)) is Standing.WITHDRAWN  # the withdrawal day does not
    assert not w.is_valid_on(D(2026, 3, 1)) and w.is_valid_on(D(2026, 2, 28))


def test_valid_consent_is_per_participant_and_use() -> None:
    consents = [Consent(1, ConsentScope.FEEDBACK, D(2026, 1, 1), id=10),
                Consent(2, ConsentScope.SUPERVISION, D(2026, 1, 1), id=11),
                Consent(2, ConsentScope.SUPERVISION, D(2026, 2, 1), withdrawn_on=D(2026, 3, 1),
                        id=12)]
    day = D(2026, 4, 1)
    assert valid_consent(1, ConsentScope.FEEDBACK, consents, day) == consents[0]
    assert valid_consent(1, ConsentScope.SUPERVISION, consents, day) is None
    assert valid_consent(2, ConsentScope.SUPERVISION, consents, day) == consents[1]
    # the guider never needs consent; the others are named when they lack it
    assert missing_consent((SAM, ALEX, JO), ConsentScope.SUPERVISION, consents, day) == [SAM]


@pytest.mark.parametrize(("sharing", "family", "supervision", "training"), [
    (Sharing.UNDECIDED, True, False, False),  # undecided: not beyond the family
    (Sharing.PRIVATE, True, False, False),
    (Sharing.SUPERVISION, True, True, False),
    (Sharing.SHARED, True, True, True),
])
def test_sharing_decision_by_purpose(sharing: Sharing, family: bool, supervision: bool,
                                     training: bool) -> None:
    assert sharing_allows(sharing, Purpose.FAMILY) is family
    assert sharing_allows(sharing, Purpose.SUPERVISION) is supervision
    assert sharing_allows(sharing, Purpose.TRAINING) is training


def test_who_appears_is_proposed_from_moments_inside_the_range() -> None:
    moments = [Moment(1, 5, 1, 2), Moment(1, 10, 1, 1), Moment(1, 12, 1, 2),
               Moment(1, 20, 1, 3),  # at the end frame: outside the half-open range
               Moment(2, 11, 1, 3),  # another recording
               Moment(1, 11, 1, None)]  # a moment about no one
    assert proposed_participants(moments, 1, FrameRange(5, 20)) == (2, 1)
    assert proposed_participants(moments, 1, FrameRange(6, 20)) == (1, 2)
    assert proposed_participants(moments, 1, FrameRange(13, 20)) == ()
    # the practitioner's confirmed list wins, even when it is empty
    assert appearing(None, (2, 1)) == (2, 1)
    assert appearing((3,), (2, 1)) == (3,)
    assert appearing((), (2, 1)) == ()
    assert still_window(10, 25, 100) == FrameRange(0, 36)
    assert still_window(90, 25, 100) == FrameRange(65, 100)


def test_check_names_participant_item_and_what_is_missing() -> None:
    day = D(2026, 5, 1)
    consents = [Consent(1, ConsentScope.FEEDBACK, D(2026, 1, 1), id=1),
                Consent(2, ConsentScope.FEEDBACK, D(2026, 1, 1), expires_on=D(2026, 4, 30),
                        id=2),
                Consent(2, ConsentScope.SUPERVISION, D(2026, 1, 1), withdrawn_on=D(2026, 4, 1),
                        id=3)]
    clip = ItemToCheck("clip “Turn after turn” (item 2)", (1, 2, 3), True, Sharing.PRIVATE)
    card = ItemToCheck("title card (item 1)", (), True, pictures=False)
    family = check_items([card, clip], Purpose.FAMILY, day, PEOPLE, consents)
    assert [str(p) for p in family.problems] == [
        "clip “Turn after turn” (item 2): Alex: consent to feedback to the family expired on "
        "2026-04-30"]
    assert [c.id for c in family.consents] == [1]
    sup = check_items([clip], Purpose.SUPERVISION, day, PEOPLE, consents)
    texts = [str(p) for p in sup.problems]
    assert texts[0] == ("clip “Turn after turn” (item 2): the parent's decision is “private "
                        "(the family only)”, which does not allow supervision")
    assert "Sam: no consent to supervision is recorded" in texts[1]
    assert "Alex: consent to supervision was withdrawn on 2026-04-01" in texts[2]
    assert len(texts) == 3 and not sup.clear  # the guider (Jo) needs none
    nobody = check_items([ItemToCheck("still 4 (frame 9)", (), False)], Purpose.FAMILY, day,
                         PEOPLE, consents)
    assert "nobody is recorded as appearing" in str(nobody.problems[0])
    ok = check_items([ItemToCheck("still", (1,), True)], Purpose.FAMILY, day, PEOPLE,
                     consents)
    assert ok.clear and ok.overridable
    locked = check_items([ItemToCheck("family clip", (1,), True, Sharing.PRIVATE,
                                      overridable=False)], Purpose.SUPERVISION, day, PEOPLE,
                         consents)
    assert not locked.overridable
