"""``python -m vigstudio``: the same as the ``vigstudio`` command.

``--worker NAME`` (a child process of the app, see :mod:`vigstudio.workers`) is handed on
before the command line module is even imported.
"""

import sys

if sys.argv[1:2] == ["--worker"]:
    from vigstudio.workers import run_worker

    raise SystemExit(run_worker(sys.argv[2:]))

from vigstudio.cli import main

raise SystemExit(main())
