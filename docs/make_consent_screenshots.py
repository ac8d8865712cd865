#!/usr/bin/env python3
"""Make the screenshots of docs/CONSENT.md from the real app on the demo case project.

Run under a real X display (e.g. ``xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python
docs/make_consent_screenshots.py``); writes export_check.png and export_log.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from vigstudio.app.reel_export import export_reel_stills
from vigstudio.app.session import CaseSession
from vigstudio.demo import create_demo
from vigstudio.domain.annotations import Sharing
from vigstudio.domain.privacy import Purpose
from vigstudio.gui.app import make_application
from vigstudio.gui.case_record.editors import CaseRecordDialog
from vigstudio.gui.reels.export_dialog import ExportDialog

OUT = Path(__file__).resolve().parent / "images"


def main() -> int:
    app = make_application(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="vigstudio-shots-"))
    with CaseSession.open(create_demo(folder)) as s:
        reel = s.new_reel("For my supervisor", purpose=Purpose.SUPERVISION)
        private = next(c for c in s.clips() if c.sharing is Sharing.PRIVATE)
        s.add_clip_to_reel(reel.id or 0, private.id or 0)
        s.add_still_to_reel(reel.id or 0, s.stills()[0].id or 0)
        export_reel_stills(s, s.reel_by_name("Cycle 1 feedback"), folder / "exports" / "stills")
        export_reel_stills(s, reel.id or 0, folder / "exports" / "supervision stills",
                           override="Supervision on Friday; Sam's form is signed, not filed")
        dialog = ExportDialog(s, reel.id or 0)
        dialog.override.setText("Supervision on Friday; the parent agreed on the phone")
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(OUT / "export_check.png"))
        dialog.close()
        record = CaseRecordDialog(s)
        record.resize(1100, 520)
        record.show_tab("exports")
        record.show()
        app.processEvents()
        record.grab().save(str(OUT / "export_log.png"))
        record.close()
    print(f"wrote {OUT / 'export_check.png'} and {OUT / 'export_log.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
