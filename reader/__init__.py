"""reader: a keyboard-first terminal reader for archives of blog posts."""

__version__ = "0.1.0"
