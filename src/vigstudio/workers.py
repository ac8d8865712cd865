"""The app's child processes: one entry point, ``vigstudio --worker NAME [ARGS]``.

Risky work (probing, export, stills, the self-check) runs in a child process. A frozen
application (the PyInstaller bundle) has no ``python -m MODULE``: its executable *is* the
app. So every child is started through :func:`worker_command`, which gives

* frozen: ``[<the bundle's executable>, "--worker", NAME, *ARGS]``;
* from source or a pip install: ``[sys.executable, "-m", "vigstudio", "--worker", NAME, *ARGS]``;

and both ``python -m vigstudio`` and the ``vigstudio`` command hand ``--worker`` to
:func:`run_worker` before anything else is imported or parsed. Each worker below imports its
module inside the function, so the bundler sees the import and the parent pays for nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

# the command that starts a worker lives in the leaf module ``children`` (media and app use
# it without importing the workers themselves)
from vigstudio.children import WORKER_FLAG, WORKER_NAMES, is_frozen, worker_command

__all__ = ["WORKERS", "WORKER_FLAG", "is_frozen", "run_worker", "worker_command"]



def _probe(args: list[str]) -> int:
    from vigstudio.media.probe import worker_main

    return worker_main(args)


def _export(args: list[str]) -> int:
    from vigstudio.media.export_worker import main

    if args:
        print("the export worker reads its job from standard input", file=sys.stderr)
        return 2
    return main()


def _self_check(args: list[str]) -> int:
    from vigstudio.selfcheck import worker_main

    return worker_main(args)


#: name → function taking the remaining arguments and returning the exit status.
WORKERS: dict[str, Callable[[list[str]], int]] = {
    "probe": _probe,
    "export": _export,
    "self-check": _self_check,
}


def run_worker(argv: Sequence[str]) -> int:
    """Run the worker named by ``argv[0]`` with the rest as its arguments (in this process)."""
    if not argv or argv[0] not in WORKERS:
        got = repr(argv[0]) if argv else "nothing"
        print(f"vigstudio {WORKER_FLAG}: expected one of {', '.join(sorted(WORKERS))}, "
              f"got {got}", file=sys.stderr)
        return 2
    return WORKERS[argv[0]](list(argv[1:]))


assert set(WORKERS) == set(WORKER_NAMES), "children.WORKER_NAMES must list every worker"
