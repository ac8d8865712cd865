"""The case record: one dialog (tabs for the case, participants, questions, cycles and
reviews, consent and sharing, who appears, the export log), its forms, and the case panel."""
