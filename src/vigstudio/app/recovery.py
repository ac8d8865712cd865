"""Recovering a damaged case project: what can be read is copied into a new file (the one
door from the GUI and the command line to ``storage.recover``). An encrypted case is read
with its keys; the recovered file is encrypted under the same key and gets its own key file.
"""

from __future__ import annotations

from pathlib import Path

from vigstudio.crypto.keys import CaseKeys, copy_key_file, key_path_for
from vigstudio.storage.cipher import connect
from vigstudio.storage.identity import read_identity
from vigstudio.storage.recover import RecoveryReport
from vigstudio.storage.recover import recover as _recover

__all__ = ["RecoveryReport", "recover"]


def recover(damaged: Path, dest: Path, *, keys: CaseKeys | None = None) -> RecoveryReport:
    """Copy what can be read from ``damaged`` into a new project file at ``dest``."""
    if keys is None:
        return _recover(damaged, dest)
    report = _recover(damaged, dest, key=keys.database_key)
    conn = connect(dest, key=keys.database_key, read_only=True)
    try:
        identity = read_identity(conn)
    finally:
        conn.close()
    copy_key_file(key_path_for(Path(damaged)), key_path_for(Path(dest)),
                  identity[0] if identity else "")
    return report
