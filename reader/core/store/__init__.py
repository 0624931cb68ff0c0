"""SQLite stores: index.db (disposable cache per library) and state.db (precious)."""
