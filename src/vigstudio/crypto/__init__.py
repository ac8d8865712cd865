"""Encryption of a case: keys (``keys.py``) and the chunked file format (``chunked.py``)."""
