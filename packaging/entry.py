"""The bundled application's entry point (PyInstaller's script).

Exactly what the ``vigstudio`` command does: ``--worker NAME`` runs a child process's job,
``--self-check`` checks the installation, a subcommand runs it, and nothing starts the app.
"""

import sys

from vigstudio.cli import main

if __name__ == "__main__":
    sys.exit(main())
