"""The Help menu's windows: About, and the self-check."""
