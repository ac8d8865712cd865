"""``python -m vigstudio``: the same as the ``vigstudio`` command."""

from vigstudio.cli import main

raise SystemExit(main())
