"""The domain layer: scan, parse, convert, store, library, export. Never imports Textual."""
