"""The language of the practice, in pure Python: no I/O, no Qt, no database."""
