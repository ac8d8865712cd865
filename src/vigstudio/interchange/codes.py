"""Turning a label from another program into a principle code of this codebook's form."""

from __future__ import annotations

import re
import unicodedata

IMPORTED_MARK = "imported"  # the description prefix of codebook entries added by an import


def code_for_label(label: str) -> str:
    """A stable code ('Turn taking!' → 'turn-taking') that the codebook accepts."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    if not text:
        digest = sum(ord(ch) * (i + 1) for i, ch in enumerate(label)) % 100000
        text = f"code-{digest}"
    return text[:40]


def as_code(code: str, label: str = "") -> str:
    """``code`` if the codebook accepts it as it is, else one made from it (or the label)."""
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", code):
        return code
    return code_for_label(code or label)


def imported_description(source: str) -> str:
    return f"{IMPORTED_MARK}: from {source}"


def is_imported_description(description: str) -> bool:
    return description.startswith(f"{IMPORTED_MARK}:")
