"""Presenter mode, the practitioner's notes pane, the review summary and the case overview."""
