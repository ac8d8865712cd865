"""Documents drawn with Qt (QtGui only, no widgets): the printable feedback sheet."""
