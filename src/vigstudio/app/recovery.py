"""Recovering a damaged case project: what can be read is copied into a new file (the one
door from the GUI and the command line to ``storage.recover``). An encrypted case is read
with its keys; the recovered file is encrypted under the same key and gets its own key file,
written first under its pending name (as a new case's, see :mod:`vigstudio.app.case_crypto`):
a kill at any moment leaves no recovered file, or one whose key file opens it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from vigstudio.crypto.keys import CaseKeys, key_file_first, key_path_for, read_key_file
from vigstudio.storage.recover import RecoveryReport
from vigstudio.storage.recover import recover as _recover

__all__ = ["RecoveryReport", "recover"]


def recover(damaged: Path, dest: Path, *, keys: CaseKeys | None = None) -> RecoveryReport:
    """Copy what can be read from ``damaged`` into a new project file at ``dest``."""
    if keys is None:
        return _recover(damaged, dest)
    dest = Path(dest)
    key_file = read_key_file(key_path_for(Path(damaged)))  # before anything is written
    case_uuid = str(uuid.uuid4())
    with key_file_first(dest, key_file.with_case_id(case_uuid)):
        return _recover(damaged, dest, key=keys.database_key, case_uuid=case_uuid)
