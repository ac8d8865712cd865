"""The codebook: the panel of principles, the editor, and one-key tagging."""
