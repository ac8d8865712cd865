"""Reels: the reel editor, previewing a reel in the player, and exporting it."""
