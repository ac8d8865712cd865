"""Command line for encrypted cases (docs/ENCRYPTION.md): the one place where every command
opens a case project, and ``new --encrypt``, ``passphrase``, ``encrypt``, ``delete-case``.

Secrets are never taken as arguments (they would show in the process list and the shell
history): the passphrase comes from ``VIGSTUDIO_PASSPHRASE`` or a prompt that does not echo
(on a terminal); the recovery key, asked for with ``--recovery-key`` (before the command)
or ``passphrase --recovery-key``, from ``VIGSTUDIO_RECOVERY_KEY`` or such a prompt; a new
passphrase from ``VIGSTUDIO_NEW_PASSPHRASE`` or a prompt typed twice.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vigstudio.errors import EncryptionError

PASSPHRASE_ENV = "VIGSTUDIO_PASSPHRASE"
NEW_PASSPHRASE_ENV = "VIGSTUDIO_NEW_PASSPHRASE"
RECOVERY_KEY_ENV = "VIGSTUDIO_RECOVERY_KEY"


class _Options:
    use_recovery_key = False  # the global --recovery-key flag (set by cli.main)


options = _Options()


def _secret(env: str, prompt: str, what: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise EncryptionError(f"this case is encrypted: give the {what} in {env}, or run the "
                              "command in a terminal to be asked for it")
    return getpass.getpass(prompt)


def _new_passphrase() -> str:
    value = os.environ.get(NEW_PASSPHRASE_ENV) or os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise EncryptionError(f"give the new passphrase in {NEW_PASSPHRASE_ENV} (or "
                              f"{PASSPHRASE_ENV}), or run the command in a terminal")
    from vigstudio.app.case_crypto import check_new_passphrase

    first = getpass.getpass("New passphrase: ")
    check_new_passphrase(first, getpass.getpass("The same passphrase again: "))
    return first


def _unlock_args(path: Path, *, recovery: bool | None = None) -> dict[str, str]:
    use_recovery = options.use_recovery_key if recovery is None else recovery
    if use_recovery or (RECOVERY_KEY_ENV in os.environ and PASSPHRASE_ENV not in os.environ):
        return {"recovery_key": _secret(RECOVERY_KEY_ENV, f"Recovery key for {path.name}: ",
                                        "recovery key")}
    return {"passphrase": _secret(PASSPHRASE_ENV, f"Passphrase for {path.name}: ",
                                  "passphrase")}


def open_session(path: str | Path, *, read_only: bool = False) -> Any:
    """Open a case project for a command, plain or encrypted (asking for the passphrase)."""
    from vigstudio.app.case_crypto import is_encrypted, open_case

    path = Path(path)
    if not is_encrypted(path):
        return open_case(path, read_only=read_only)
    return open_case(path, read_only=read_only, **_unlock_args(path))


def unlock_keys(path: str | Path, *, verify: bool = True) -> Any:
    """The keys of an encrypted case (None for a plain one), for commands that need them
    without opening a session here (present; recover, with ``verify=False`` as the file may
    be damaged)."""
    from vigstudio.app.case_crypto import is_encrypted, unlock

    path = Path(path)
    if not is_encrypted(path):
        return None
    return unlock(path, verify=verify, **_unlock_args(path))


def _print_recovery_key(key: str, to_file: str | None) -> None:
    if to_file:
        from vigstudio.app.case_crypto import save_recovery_key

        print(f"recovery key written to {save_recovery_key(Path(to_file), key)}")
        return
    print(f"recovery key: {key}")
    print("  Print it or write it down now and keep it in the service's safe: it is shown "
          "only this once, and without it a forgotten passphrase loses the case.")


def cmd_new_encrypted(args: argparse.Namespace) -> int:
    from vigstudio.app.case_crypto import create_encrypted_case

    made = create_encrypted_case(Path(args.project), args.case, _new_passphrase())
    with made.session as session:
        print(session.path)
    _print_recovery_key(made.recovery_key, args.recovery_key_file)
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    from vigstudio.app.case_crypto import change_passphrase

    path = Path(args.project)
    unlock = _unlock_args(path, recovery=args.recovery_key or None)
    new = os.environ.get(NEW_PASSPHRASE_ENV)
    if new is None:
        if not sys.stdin.isatty():
            raise EncryptionError(f"give the new passphrase in {NEW_PASSPHRASE_ENV}, or run "
                                  "the command in a terminal")
        new = getpass.getpass("New passphrase: ")
        change_passphrase(path, new, confirm=getpass.getpass("The same passphrase again: "),
                          passphrase=unlock.get("passphrase"),
                          recovery_key=unlock.get("recovery_key"))
    else:
        change_passphrase(path, new, passphrase=unlock.get("passphrase"),
                          recovery_key=unlock.get("recovery_key"))
    print(f"the passphrase of {path.name} was changed (the old one no longer opens it)")
    return 0


def cmd_encrypt(args: argparse.Namespace) -> int:
    from vigstudio.app.case_crypto import encrypt_case

    report = encrypt_case(Path(args.project), _new_passphrase())
    for line in report.lines():
        print(line)
    _print_recovery_key(report.recovery_key, args.recovery_key_file)
    return 0


def cmd_delete_case(args: argparse.Namespace) -> int:
    from vigstudio.app.case_crypto import delete_case

    path = Path(args.project)
    if not args.yes:
        if not sys.stdin.isatty():
            raise EncryptionError("delete-case asks for confirmation in a terminal; add --yes "
                                  "to delete without asking")
        answer = input(f"Delete {path.name} and everything in the case for good (its key, "
                       "project, copied recordings and caches)? Type yes: ")
        if answer.strip().lower() != "yes":
            print("nothing was deleted")
            return 1
    for removed in delete_case(path):
        print(f"removed {removed}")
    return 0


def add_crypto_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command("passphrase", cmd_passphrase,
                "change the passphrase of an encrypted case (asks for the current one, or "
                "the recovery key with --recovery-key); nothing else is re-encrypted")
    p.add_argument("project")
    p.add_argument("--recovery-key", action="store_true",
                   help="unlock with the recovery key (a forgotten passphrase)")
    p = command("encrypt", cmd_encrypt,
                "encrypt a plain case project (crash-safe); prints the recovery key once")
    p.add_argument("project")
    p.add_argument("--recovery-key-file", metavar="FILE",
                   help="write the recovery key to this new file instead of printing it")
    p = command("delete-case", cmd_delete_case,
                "delete a case for good: its key first, then the project, copied recordings "
                "and caches (prints what was removed)")
    p.add_argument("project")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")


__all__ = ["add_crypto_commands", "cmd_new_encrypted", "open_session", "options",
           "unlock_keys"]
