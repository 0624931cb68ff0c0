"""Syntax colours for code blocks, from the reading pane's style sheet.

Rich's `ansi_dark`/`ansi_light` code themes fall below 4.5:1 on our backgrounds (strings
2.5:1 on the light theme, keywords 4.3:1 on the dark one), and in 16 colours their bright and
yellow tokens vanish on a light terminal. So each kind of token has a component class
(`article--code-<kind>` in styles/article.tcss) coloured with the theme's own text colours.
"""

from __future__ import annotations

from collections.abc import Callable

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
    _TokenType,
)
from rich.style import Style
from rich.syntax import ANSISyntaxTheme, SyntaxTheme

TOKEN_CLASSES: dict[_TokenType, str] = {
    Comment: "comment",
    Keyword: "keyword",
    Keyword.Type: "name",
    Operator.Word: "keyword",
    Name.Builtin: "name",
    Name.Function: "name",
    Name.Class: "name",
    Name.Namespace: "name",
    Name.Exception: "error",
    Name.Decorator: "decorator",
    Name.Tag: "keyword",
    Name.Attribute: "name",
    String: "string",
    Number: "number",
    Generic.Deleted: "error",
    Generic.Inserted: "string",
    Generic.Subheading: "decorator",
    Generic.Error: "error",
    Error: "error",
}
"""Pygments token type -> the <kind> of its component class `article--code-<kind>`."""

COMPONENT_CLASSES = {f"article--code-{kind}" for kind in TOKEN_CLASSES.values()}


def code_theme(style_of: Callable[[str], Style]) -> SyntaxTheme:
    """A syntax theme whose token styles are `style_of(component class)`."""
    styles: dict[_TokenType, Style] = {Token: Style(), Generic.Heading: Style(bold=True)}
    for token, kind in TOKEN_CLASSES.items():
        styles[token] = style_of(f"article--code-{kind}")
    return ANSISyntaxTheme(styles)
