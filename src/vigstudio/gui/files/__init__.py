"""Opening a case and its files: the welcome page, the questions on opening, the recent
list, adding recordings, finding moved ones, noticing files that appear or vanish."""
