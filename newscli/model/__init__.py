"""The values every stage speaks: an event and its parts, the results commands return, dates
as people type them, words as the index folds them.  Pure: no file, database or terminal."""
