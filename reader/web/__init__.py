"""`reader serve`: the app in a web page, through textual-serve (the `web` extra)."""
