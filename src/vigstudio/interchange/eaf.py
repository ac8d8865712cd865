"""ELAN annotation files (``.eaf``, EAF 3.0 written; 2.7, 2.8 and 3.0 read).

Written layout (documented for researchers in ``docs/INTERCHANGE.md``):

* one time-aligned tier of moments per participant (``PARTICIPANT`` set) or per principle,
  linguistic type ``vig-moment``, whose values come from the controlled vocabulary
  ``vig-codebook`` (one entry per principle: ``CVE_ID`` the code, value the name);
* dependent tiers (symbolic association, type ``vig-detail``) named ``<tier> · behaviour``,
  ``· working point``, ``· note`` and, per principle, ``· participant``;
* a tier ``VIG clips`` (value: the title; ``VIG clips · caption``) and ``VIG stills``
  (value: the caption);
* the media linked by ``MEDIA_DESCRIPTOR`` (absolute ``file:`` URL and a relative one).

Times are milliseconds chosen by :mod:`.timing`: a moment or still spans its frame's
interval, a clip ``[start, end)`` runs from the time of ``start`` to the time of ``end``.

Reading takes any EAF: tiers written by VIG Studio come back as moments, clips and stills;
every other time-aligned annotation becomes a moment at the frame holding its start time,
with the annotation's value as its code and the tier's participant as its participant.
"""

from __future__ import annotations

import datetime as dt
import itertools
import mimetypes
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vigstudio.domain.media import MediaInfo
from vigstudio.interchange.codes import code_for_label
from vigstudio.interchange.errors import UnreadableTagsError
from vigstudio.interchange.model import (
    CodeDef,
    ImportedTag,
    ImportedTags,
    TagKind,
    TagRow,
    TagSheet,
)
from vigstudio.interchange.timing import frame_of_ms, ms_of_frame

SCHEMA_URL = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CV_ID = "vig-codebook"
MOMENT_TYPE, DETAIL_TYPE, CLIP_TYPE, STILL_TYPE = "vig-moment", "vig-detail", "vig-clip", \
    "vig-still"
CLIP_TIER, STILL_TIER = "VIG clips", "VIG stills"
SEP = " · "
WORKING_POINT = "working point"
LANG = "und"
NO_PARTICIPANT = "Moments (no participant)"


class TierMode:
    PARTICIPANT = "participant"
    PRINCIPLE = "principle"


# --- writing ----------------------------------------------------------------------------

@dataclass
class _Writer:
    info: MediaInfo
    slots: list[int]
    next_annotation: int = 1

    def slot(self, ms: int) -> str:
        self.slots.append(ms)
        return f"ts{len(self.slots)}"

    def annotation_id(self) -> str:
        value = f"a{self.next_annotation}"
        self.next_annotation += 1
        return value


def write_eaf(sheet: TagSheet, target: Path, *, tiers: str = TierMode.PARTICIPANT) -> bytes:
    """The EAF 3.0 document for ``sheet``; ``target`` (the file it will be saved as) gives
    the relative media link."""
    if tiers not in (TierMode.PARTICIPANT, TierMode.PRINCIPLE):
        raise ValueError(f"tiers must be 'participant' or 'principle', not {tiers!r}")
    root = ET.Element("ANNOTATION_DOCUMENT", {
        "AUTHOR": "VIG Studio",
        "DATE": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "FORMAT": "3.0", "VERSION": "3.0",
        "xmlns:xsi": XSI, "xsi:noNamespaceSchemaLocation": SCHEMA_URL})
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    ET.SubElement(header, "MEDIA_DESCRIPTOR", _media_attributes(sheet.media_path, target))
    _property(header, "vigstudio:recording", sheet.recording)
    _property(header, "vigstudio:frames",
              "a moment or still spans its frame; times are the first millisecond inside a "
              "frame; read back, a time names the frame whose interval contains it")
    time_order = ET.SubElement(root, "TIME_ORDER")
    writer = _Writer(sheet.info, [])
    tier_elements = _moment_tiers(sheet, writer, tiers)
    tier_elements += _range_tiers(sheet, writer)
    for i, ms in enumerate(writer.slots, start=1):
        ET.SubElement(time_order, "TIME_SLOT", {"TIME_SLOT_ID": f"ts{i}", "TIME_VALUE": str(ms)})
    root.extend(tier_elements)
    _property(header, "lastUsedAnnotationId", str(writer.next_annotation - 1))
    _types_and_vocabulary(root, sheet)
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")  # much faster than encoding="utf-8"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _media_attributes(media_path: str, target: Path) -> dict[str, str]:
    media = Path(media_path)
    mime = mimetypes.guess_type(media.name)[0] or "video/*"
    attributes = {"MEDIA_URL": media.absolute().as_uri(), "MIME_TYPE": mime}
    try:
        relative = os.path.relpath(media.absolute(), Path(target).absolute().parent)
    except ValueError:  # another drive (Windows): no relative link
        return attributes
    relative = relative.replace(os.sep, "/")
    attributes["RELATIVE_MEDIA_URL"] = relative if relative.startswith(".") else f"./{relative}"
    return attributes


def _property(header: ET.Element, name: str, value: str) -> None:
    ET.SubElement(header, "PROPERTY", {"NAME": name}).text = _clean(value)


def _tier(tier_id: str, type_ref: str, *, parent: str | None = None,
          participant: str = "") -> ET.Element:
    attributes = {"TIER_ID": tier_id, "LINGUISTIC_TYPE_REF": type_ref}
    if parent:
        attributes["PARENT_REF"] = parent
    if participant:
        attributes["PARTICIPANT"] = participant
    return ET.Element("TIER", attributes)


def _aligned(tier: ET.Element, writer: _Writer, span: tuple[int, int], value: str, *,
             cve_ref: str = "") -> str:
    start_ms, end_ms = span
    annotation_id = writer.annotation_id()
    attributes = {"ANNOTATION_ID": annotation_id, "TIME_SLOT_REF1": writer.slot(start_ms),
                  "TIME_SLOT_REF2": writer.slot(end_ms)}
    if cve_ref:
        attributes["CVE_REF"] = cve_ref
    holder = ET.SubElement(ET.SubElement(tier, "ANNOTATION"), "ALIGNABLE_ANNOTATION", attributes)
    ET.SubElement(holder, "ANNOTATION_VALUE").text = _clean(value)
    return annotation_id


def _details(parent_id: str, writer: _Writer,
             rows: list[tuple[str, dict[str, str]]]) -> list[ET.Element]:
    """Dependent tiers ``<parent> · <field>``; ``rows`` pairs each parent annotation id with
    its field values. A tier is made only for fields some annotation has."""
    fields: dict[str, ET.Element] = {}
    for annotation_id, values in rows:
        for name, value in values.items():
            if not value:
                continue
            tier = fields.get(name)
            if tier is None:
                tier = fields[name] = _tier(f"{parent_id}{SEP}{name}", DETAIL_TYPE,
                                            parent=parent_id)
            ref = ET.SubElement(ET.SubElement(tier, "ANNOTATION"), "REF_ANNOTATION", {
                "ANNOTATION_ID": writer.annotation_id(), "ANNOTATION_REF": annotation_id})
            ET.SubElement(ref, "ANNOTATION_VALUE").text = _clean(value)
    return list(fields.values())


def _moment_tiers(sheet: TagSheet, writer: _Writer, mode: str) -> list[ET.Element]:
    moments = [r for r in sheet.rows if r.kind is TagKind.MOMENT]
    groups: dict[str, list[TagRow]] = {}  # by participant, or by principle code
    if mode == TierMode.PARTICIPANT:
        for name in sheet.participants:
            groups.setdefault(name, [])
        for r in moments:
            groups.setdefault(r.participant, []).append(r)
    else:
        for c in sheet.codebook:
            groups.setdefault(c.code, [])
        for r in moments:
            groups.setdefault(r.code, []).append(r)
    used = {CLIP_TIER, STILL_TIER}
    elements: list[ET.Element] = []
    for key, rows in groups.items():
        if mode == TierMode.PARTICIPANT:
            label, participant = key or NO_PARTICIPANT, key
        else:
            label, participant = _principle_tier(sheet, key), ""
        tier_id = _unique(_clean(label), used)
        tier = _tier(tier_id, MOMENT_TYPE, participant=_clean(participant))
        detail_rows = []
        for r in sorted(rows, key=lambda r: r.start):
            annotation_id = _aligned(tier, writer, (ms_of_frame(sheet.info, r.start),
                                                    ms_of_frame(sheet.info, r.end)),
                                     r.principle or r.code, cve_ref=r.code)
            details = {"behaviour": r.behaviour,
                       WORKING_POINT: WORKING_POINT if r.working_point else "", "note": r.note}
            if mode == TierMode.PRINCIPLE:
                details = {"participant": r.participant, **details}
            detail_rows.append((annotation_id, details))
        elements.append(tier)
        elements += _details(tier_id, writer, detail_rows)
    return elements


def _unique(tier_id: str, used: set[str]) -> str:
    """ELAN needs every tier id once: a second 'Guiding' becomes 'Guiding (2)'."""
    candidate, n = tier_id, 1
    while candidate in used:
        n += 1
        candidate = f"{tier_id} ({n})"
    used.add(candidate)
    return candidate


_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """Text without the control characters XML 1.0 cannot hold (they would make the file
    unreadable for ELAN)."""
    return _NOT_XML.sub("", text)


def _principle_tier(sheet: TagSheet, code: str) -> str:
    for c in sheet.codebook:
        if c.code == code:
            return c.name or code
    return code


def _range_tiers(sheet: TagSheet, writer: _Writer) -> list[ET.Element]:
    elements: list[ET.Element] = []
    clips = _tier(CLIP_TIER, CLIP_TYPE)
    stills = _tier(STILL_TIER, STILL_TYPE)
    clip_details = []
    for r in sorted(sheet.rows, key=lambda r: (r.start, r.end)):
        start, end = ms_of_frame(sheet.info, r.start), ms_of_frame(sheet.info, r.end)
        if r.kind is TagKind.CLIP:
            annotation_id = _aligned(clips, writer, (start, end), r.title)
            clip_details.append((annotation_id, {"caption": r.caption}))
        elif r.kind is TagKind.STILL:
            _aligned(stills, writer, (start, end), r.caption)
    elements.append(clips)
    elements += _details(CLIP_TIER, writer, clip_details)
    elements.append(stills)
    return elements


def _types_and_vocabulary(root: ET.Element, sheet: TagSheet) -> None:
    ET.SubElement(root, "LINGUISTIC_TYPE", {
        "LINGUISTIC_TYPE_ID": MOMENT_TYPE, "TIME_ALIGNABLE": "true",
        "GRAPHIC_REFERENCES": "false", "CONTROLLED_VOCABULARY_REF": CV_ID})
    ET.SubElement(root, "LINGUISTIC_TYPE", {
        "LINGUISTIC_TYPE_ID": DETAIL_TYPE, "TIME_ALIGNABLE": "false",
        "CONSTRAINTS": "Symbolic_Association", "GRAPHIC_REFERENCES": "false"})
    for type_id in (CLIP_TYPE, STILL_TYPE):
        ET.SubElement(root, "LINGUISTIC_TYPE", {
            "LINGUISTIC_TYPE_ID": type_id, "TIME_ALIGNABLE": "true",
            "GRAPHIC_REFERENCES": "false"})
    ET.SubElement(root, "LANGUAGE", {"LANG_ID": LANG, "LANG_LABEL": "undetermined (und)"})
    ET.SubElement(root, "CONSTRAINT", {
        "STEREOTYPE": "Symbolic_Association",
        "DESCRIPTION": "1-1 association with a parent annotation"})
    vocabulary = ET.SubElement(root, "CONTROLLED_VOCABULARY", {"CV_ID": CV_ID})
    ET.SubElement(vocabulary, "DESCRIPTION", {"LANG_REF": LANG}).text = _clean(
        sheet.codebook_name or "VIG Studio codebook")
    for c in sheet.codebook:
        entry = ET.SubElement(vocabulary, "CV_ENTRY_ML", {"CVE_ID": c.code})
        ET.SubElement(entry, "CVE_VALUE", {"LANG_REF": LANG,
                                           "DESCRIPTION": _clean(c.description)}
                      ).text = _clean(c.name or c.code)


# --- reading ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Tier:
    id: str
    type_ref: str
    parent: str
    participant: str
    element: ET.Element


def read_eaf(data: bytes, info: MediaInfo, *, source: str = "the file") -> ImportedTags:
    """Read an EAF 2.7, 2.8 or 3.0 document into tags of a recording described by ``info``."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UnreadableTagsError(f"{source} is not a readable ELAN file: {exc}") from None
    if root.tag != "ANNOTATION_DOCUMENT":
        raise UnreadableTagsError(f"{source} is not an ELAN annotation file "
                                  f"(its root element is {root.tag!r})")
    header = root.find("HEADER")
    if header is not None and header.get("TIME_UNITS", "milliseconds") != "milliseconds":
        raise UnreadableTagsError(f"{source} counts time in {header.get('TIME_UNITS')}; only "
                                  "milliseconds are supported")
    vocab = _vocabularies(root)
    cv_of_type = {t.get("LINGUISTIC_TYPE_ID", ""): t.get("CONTROLLED_VOCABULARY_REF", "")
                  for t in root.iter("LINGUISTIC_TYPE")}
    tiers = [_Tier(t.get("TIER_ID", ""), t.get("LINGUISTIC_TYPE_REF", ""),
                   t.get("PARENT_REF", ""), t.get("PARTICIPANT", "") or "", t)
             for t in root.iter("TIER")]
    given = _time_slots(root)
    slots = _interpolated(tiers, given)
    result = ImportedTags()
    for cv_id, entries in vocab.items():  # names and descriptions for codes new to a case
        for entry_id, (value, description) in entries.items():
            code = entry_id if cv_id == CV_ID else code_for_label(value)
            if value and code not in result.codes:
                result.codes[code] = CodeDef(code, value, description)
    children = _detail_values(tiers)
    skips = _Skips()
    placed = 0
    for tier in tiers:
        if tier.parent and tier.type_ref == DETAIL_TYPE:
            continue
        for ann in tier.element.iter("ALIGNABLE_ANNOTATION"):
            ends = (ann.get("TIME_SLOT_REF1", ""), ann.get("TIME_SLOT_REF2", ""))
            if _read_aligned(ann, tier, slots, cv=cv_of_type.get(tier.type_ref, ""),
                             vocab=vocab, children=children, info=info, result=result,
                             skips=skips) and \
                    any(given.get(end) is None for end in ends):
                placed += 1
        refs = sum(1 for _ in tier.element.iter("REF_ANNOTATION"))
        if refs:
            result.skipped.append(f"{refs} annotations on tier {tier.id!r} have no times of "
                                  "their own (symbolic)")
    result.skipped[:0] = skips.lines()
    if placed:
        result.notes.append(
            f"{placed} annotations begin or end at a time the file leaves open (an unaligned "
            "time slot in a subdivided tier); they are placed where ELAN shows them, spaced "
            "evenly between the nearest given times before and after.")
    return result


class _Skips:
    """Annotations left out, grouped by tier and reason so that a file of thousands of
    annotations gives a short report."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], list[str]] = {}

    def add(self, tier: str, reason: str, one: str) -> None:
        """``one`` is the line used when the group has a single member."""
        self._groups.setdefault((tier, reason), []).append(one)

    def lines(self) -> list[str]:
        out = []
        for (tier, reason), members in self._groups.items():
            out.append(members[0] if len(members) == 1 else
                       f"{len(members)} annotations on tier {tier!r} {reason} (the first: "
                       f"{members[0]})")
        return out


def _interpolated(tiers: Iterable[_Tier], slots: dict[str, int | None]) -> dict[str, int | None]:
    """The time slots with the unaligned ones given the times ELAN shows for them: along each
    chain of annotations that share their boundaries (a time subdivision), the open slots
    between two given times are spaced evenly. Slots with no given time on one side stay
    open."""
    filled = dict(slots)
    for tier in tiers:
        following: dict[str, str] = {}
        for ann in tier.element.iter("ALIGNABLE_ANNOTATION"):
            following[ann.get("TIME_SLOT_REF1", "")] = ann.get("TIME_SLOT_REF2", "")
        starts = set(following) - set(following.values())
        for first in starts:
            chain = [first]
            while chain[-1] in following and len(chain) <= len(following):
                chain.append(following[chain[-1]])
            known = [i for i, slot in enumerate(chain) if slots.get(slot) is not None]
            for lo, hi in itertools.pairwise(known):
                t0, t1 = slots[chain[lo]], slots[chain[hi]]
                assert t0 is not None and t1 is not None
                for i in range(lo + 1, hi):
                    filled[chain[i]] = t0 + (t1 - t0) * (i - lo) // (hi - lo)
    return filled


def _time_slots(root: ET.Element) -> dict[str, int | None]:
    slots: dict[str, int | None] = {}
    for slot in root.iter("TIME_SLOT"):
        value = slot.get("TIME_VALUE")
        slots[slot.get("TIME_SLOT_ID", "")] = int(value) if value not in (None, "") else None
    return slots


def _vocabularies(root: ET.Element) -> dict[str, dict[str, tuple[str, str]]]:
    """CV id → entry id → (value, description), for the 2.7 (``CV_ENTRY``) and the 2.8+
    (``CV_ENTRY_ML`` with ``CVE_VALUE``) layouts."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for cv in root.iter("CONTROLLED_VOCABULARY"):
        entries: dict[str, tuple[str, str]] = {}
        for i, entry in enumerate(cv.iter("CV_ENTRY")):
            text = (entry.text or "").strip()
            entries[entry.get("CVE_ID") or f"entry-{i}"] = (text, entry.get("DESCRIPTION", ""))
        for entry in cv.iter("CV_ENTRY_ML"):
            value = entry.find("CVE_VALUE")
            if value is not None:
                entries[entry.get("CVE_ID", "")] = ((value.text or "").strip(),
                                                    value.get("DESCRIPTION", ""))
        found[cv.get("CV_ID", "")] = entries
    return found


def _detail_values(tiers: Iterable[_Tier]) -> dict[str, dict[str, str]]:
    """Parent annotation id → {field: value} from VIG Studio's ``<tier> · field`` tiers."""
    values: dict[str, dict[str, str]] = {}
    for tier in tiers:
        if not (tier.parent and tier.type_ref == DETAIL_TYPE and SEP in tier.id):
            continue
        name = tier.id.rsplit(SEP, 1)[1]
        for ref in tier.element.iter("REF_ANNOTATION"):
            parent = ref.get("ANNOTATION_REF", "")
            values.setdefault(parent, {})[name] = _value(ref)
    return values


def _value(annotation: ET.Element) -> str:
    value = annotation.find("ANNOTATION_VALUE")
    return (value.text or "").strip() if value is not None else ""


def _read_aligned(ann: ET.Element, tier: _Tier, slots: dict[str, int | None], *, cv: str,
                  vocab: dict[str, dict[str, tuple[str, str]]],
                  children: dict[str, dict[str, str]], info: MediaInfo,
                  result: ImportedTags, skips: _Skips) -> bool:
    """Add the tag ``ann`` stands for; False when it is left out (the reason in ``skips``)."""
    start_ms = slots.get(ann.get("TIME_SLOT_REF1", ""))
    end_ms = slots.get(ann.get("TIME_SLOT_REF2", ""))
    value = _value(ann)
    where = f"tier {tier.id!r} at {start_ms} ms" if start_ms is not None else f"tier {tier.id!r}"
    if start_ms is None or (end_ms is None and tier.type_ref == CLIP_TYPE):
        skips.add(tier.id, "have no time (an unaligned time slot)",
                  f"annotation {value!r} on {where} has no time (an unaligned time slot)")
        return False
    start = frame_of_ms(info, start_ms)
    end = start + 1 if end_ms is None else max(frame_of_ms(info, end_ms), start + 1)
    if start >= info.frame_count:
        skips.add(tier.id, "lie after the end of the recording",
                  f"annotation {value!r} on {where} lies after the end of the recording")
        return False
    end = min(end, info.frame_count)
    details = children.get(ann.get("ANNOTATION_ID", ""), {})
    if tier.type_ref == CLIP_TYPE:
        result.tags.append(ImportedTag(TagKind.CLIP, start, end, title=value,
                                       caption=details.get("caption", "")))
        return True
    if tier.type_ref == STILL_TYPE:
        result.tags.append(ImportedTag(TagKind.STILL, start, start + 1, caption=value))
        return True
    if not value and not ann.get("CVE_REF"):
        skips.add(tier.id, "are empty", f"empty annotation on {where}")
        return False
    code, label = _code_of(ann, value, vocab.get(cv, {}), ours=cv == CV_ID)
    if tier.type_ref == MOMENT_TYPE:
        participant = details.get("participant") or tier.participant
        result.tags.append(ImportedTag(
            TagKind.MOMENT, start, start + 1, participant=participant, code=code,
            code_label=label, behaviour=details.get("behaviour", ""),
            working_point=bool(details.get(WORKING_POINT)), note=details.get("note", "")))
        return True
    span = f"{start_ms / 1000:.3f}" + ("" if end_ms is None else f"–{end_ms / 1000:.3f}")
    note = f"ELAN tier {tier.id}, {span} s"
    result.tags.append(ImportedTag(TagKind.MOMENT, start, start + 1,
                                   participant=tier.participant, code=code, code_label=label,
                                   note=note))
    return True


def _code_of(ann: ET.Element, value: str, entries: dict[str, tuple[str, str]], *,
             ours: bool) -> tuple[str, str]:
    """(code, label). ``entries`` is the vocabulary of the annotation's tier (through its
    linguistic type): entry ids are only unique within one vocabulary (ELAN numbers each
    from ``cveid0``). In our own vocabulary the entry id is the code; anything else is named
    by its value."""
    ref = ann.get("CVE_REF", "")
    if ref and ref in entries:
        if ours:
            return ref, entries[ref][0] or value
        value = entries[ref][0] or value
    return code_for_label(value), value
