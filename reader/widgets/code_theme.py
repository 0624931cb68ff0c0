"""Syntax colours for code blocks, taken from the app's theme.

Rich's `ansi_dark`/`ansi_light` code themes fall below 4.5:1 on our backgrounds (strings
2.6:1 on the light theme, keywords 4:1 on the dark one), and in 16 colours their bright and
yellow tokens vanish on a light terminal. The theme's own text colours are chosen for its
backgrounds, so code is drawn with them.
"""

from __future__ import annotations

from collections.abc import Mapping

from pygments.token import (
    Comment,
    Error,
    Generic,
    Keyword,
    Name,
    Number,
    Operator,
    String,
    Token,
)
from rich.style import Style
from rich.syntax import ANSISyntaxTheme, SyntaxTheme
from textual.color import Color


def code_theme(variables: Mapping[str, str]) -> SyntaxTheme:
    """A syntax theme from a Textual theme's variables (`App.theme_variables`)."""

    def colour(
        name: str, *, bold: bool = False, italic: bool = False, underline: bool = False
    ) -> Style:
        rich_colour = Color.parse(variables[name]).rich_color
        return Style(color=rich_colour, bold=bold, italic=italic, underline=underline)

    return ANSISyntaxTheme(
        {
            Token: Style(),
            Comment: colour("text-muted", italic=True),
            Keyword: colour("primary", bold=True),
            Keyword.Type: colour("secondary"),
            Operator.Word: colour("primary"),
            Name.Builtin: colour("secondary"),
            Name.Function: colour("secondary"),
            Name.Class: colour("secondary", underline=True),
            Name.Namespace: colour("secondary"),
            Name.Exception: colour("error"),
            Name.Decorator: colour("accent"),
            Name.Tag: colour("primary"),
            Name.Attribute: colour("secondary"),
            String: colour("success"),
            Number: colour("warning"),
            Generic.Deleted: colour("error"),
            Generic.Inserted: colour("success"),
            Generic.Heading: Style(bold=True),
            Generic.Subheading: colour("accent", bold=True),
            Generic.Error: colour("error"),
            Error: colour("error", underline=True),
        }
    )
