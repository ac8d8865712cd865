"""The codebook: principles and behaviours as data, editable per project."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


class CodebookError(ValueError):
    """A codebook file or edit that breaks the codebook's rules."""


@dataclass(frozen=True, slots=True)
class Behaviour:
    name: str
    position: int = 0
    id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Principle:
    """A code a moment can be tagged with. ``code`` is a short stable key (e.g. 'receiving')."""

    code: str
    name: str
    colour: str
    shortcut: str = ""
    description: str = ""
    position: int = 0
    behaviours: tuple[Behaviour, ...] = ()
    id: int | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.code):
            raise CodebookError(f"code {self.code!r} must be lower-case letters, digits, - or _")
        if not _COLOUR_RE.match(self.colour):
            raise CodebookError(f"colour {self.colour!r} for {self.code!r} is not #rrggbb")
        if len(self.shortcut) > 1:
            raise CodebookError(f"shortcut {self.shortcut!r} for {self.code!r} must be one key")


@dataclass(frozen=True, slots=True)
class Codebook:
    name: str
    principles: tuple[Principle, ...]

    def __post_init__(self) -> None:
        seen_codes: set[str] = set()
        seen_keys: set[str] = set()
        for p in self.principles:
            if p.code in seen_codes:
                raise CodebookError(f"code {p.code!r} appears twice")
            seen_codes.add(p.code)
            key = p.shortcut.lower()
            if key and key in seen_keys:
                raise CodebookError(f"shortcut {p.shortcut!r} is used by two principles")
            if key:
                seen_keys.add(key)

    def by_code(self, code: str) -> Principle:
        for p in self.principles:
            if p.code == code:
                return p
        known = ", ".join(p.code for p in self.principles)
        raise CodebookError(f"unknown code {code!r}; this codebook has: {known}")

    def by_shortcut(self, key: str) -> Principle | None:
        for p in self.principles:
            if p.shortcut and p.shortcut.lower() == key.lower():
                return p
        return None

    # --- file format (JSON) ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "vigstudio-codebook",
            "version": 1,
            "name": self.name,
            "principles": [
                {
                    "code": p.code,
                    "name": p.name,
                    "colour": p.colour,
                    "shortcut": p.shortcut,
                    "description": p.description,
                    "behaviours": [b.name for b in p.behaviours],
                }
                for p in self.principles
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Codebook:
        if data.get("format") != "vigstudio-codebook":
            raise CodebookError("not a VIG Studio codebook file (missing 'format')")
        if int(data.get("version", 0)) > 1:
            raise CodebookError(
                f"codebook file version {data.get('version')} is newer than this VIG Studio")
        try:
            principles = tuple(
                Principle(
                    code=str(p["code"]),
                    name=str(p["name"]),
                    colour=str(p.get("colour", "#808080")),
                    shortcut=str(p.get("shortcut", "")),
                    description=str(p.get("description", "")),
                    position=i,
                    behaviours=_behaviours(p.get("behaviours", ())),
                )
                for i, p in enumerate(data["principles"])
            )
            return cls(name=str(data["name"]), principles=principles)
        except (KeyError, TypeError) as exc:
            raise CodebookError(f"codebook file is missing a field: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> Codebook:
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as exc:
            raise CodebookError(f"codebook file is not valid JSON: {exc}") from exc


def _behaviours(names: Iterable[str]) -> tuple[Behaviour, ...]:
    return tuple(Behaviour(str(n), position=i) for i, n in enumerate(names))
