"""Child-process entry point of :func:`vigstudio.media.probe.probe` (prints JSON on stdout)."""

from __future__ import annotations

import sys

from vigstudio.media.probe import worker_main
from vigstudio.safe_write import die_with_parent

if __name__ == "__main__":
    die_with_parent()  # a probe never outlives the app (THREAT_MODEL.md T5)
    sys.exit(worker_main(sys.argv[1:]))
