"""Writing an export file safely: a temporary file in the target's folder, then a rename.

A crash or a full disk mid-write leaves the old file (or nothing) at the target, never half
a file; an existing file is replaced only when the caller says so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from vigstudio.interchange.errors import InterchangeError, TargetExistsError


def write_atomically(target: Path, data: bytes, *, overwrite: bool = False) -> Path:
    target = Path(target)
    if target.exists() and not overwrite:
        raise TargetExistsError(f"{target} already exists; choose another name or allow "
                                "replacing it (--overwrite).")
    if target.is_dir():
        raise InterchangeError(f"{target} is a folder; choose a file name.")
    if not target.parent.is_dir():
        raise InterchangeError(f"the folder {target.parent} does not exist.")
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if target.exists() and not overwrite:
            raise TargetExistsError(f"{target} appeared while writing; it was left untouched.")
        os.replace(tmp, target)
    except OSError as exc:
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        raise InterchangeError(
            f"could not write {target}: " + ("the disk is full" if full else str(exc))
            + ". Nothing was left behind.") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target
