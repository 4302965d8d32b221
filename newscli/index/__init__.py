"""The index: one SQLite database per archive, made and kept current from the archive's
listing, and read by the queries.  It knows the archive and the model, never the terminal."""
