"""Child-process entry point of :func:`vigstudio.media.probe.probe` (prints JSON on stdout)."""

from __future__ import annotations

import sys

from vigstudio.media.probe import worker_main

if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
