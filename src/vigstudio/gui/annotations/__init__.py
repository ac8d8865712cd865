"""Moments, clips and stills: the list, the right-click menu, naming, deleting, marks."""
