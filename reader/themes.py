"""The app's own themes: WCAG AA text on every colour system, and readable in 16 colours.

Textual's built-in themes fall short of 4.5:1 in places (the light theme's orange accent on
grey is 1.4:1, its muted text 2.3:1; the dark theme's blue links 4:1). In 16 colours the
background is the terminal's own, dark or light, which the app cannot know: the ANSI themes
keep text in the terminal's default colour, and use for accents only ANSI colours readable on
both (red and magenta; yellow, cyan and green vanish on white, blue on black).

The light theme's colours are picked so that their nearest 256-colour palette entries keep
4.5:1 as well (the first orange, #A34700, rounded to one at 3.7:1).
"""

from __future__ import annotations

from typing import TypedDict

from textual.theme import Theme


class _Colours(TypedDict):
    """Theme's own colour fields, as each truecolor theme sets them."""

    primary: str
    secondary: str
    accent: str
    warning: str
    error: str
    success: str
    foreground: str
    background: str
    surface: str
    panel: str


def _truecolor(
    name: str,
    *,
    dark: bool,
    colours: _Colours,
    muted: str,
    disabled: str,
    cursor: str,
    footer_key: str,
) -> Theme:
    """A theme from its base `colours` (Theme's own fields) and the few variables that differ
    between dark and light; cursors keep the text colour, a blurred cursor the panel's."""
    foreground, panel = colours["foreground"], colours["panel"]
    return Theme(
        name=name,
        dark=dark,
        **colours,
        variables={
            "text-muted": muted,
            "text-disabled": disabled,
            "block-cursor-foreground": foreground,
            "block-cursor-background": cursor,
            "block-cursor-blurred-foreground": foreground,
            "block-cursor-blurred-background": panel,
            "footer-key-foreground": footer_key,
            "footer-description-foreground": foreground,
        },
    )


READER_DARK = _truecolor(
    "reader-dark",
    dark=True,
    colours={
        "primary": "#5CA8F0",
        "secondary": "#B79CF2",
        "accent": "#FEA62B",
        "warning": "#FEA62B",
        "error": "#FF7A8A",
        "success": "#4EBF71",
        "foreground": "#E0E0E0",
        "background": "#121212",
        "surface": "#1E1E1E",
        "panel": "#262A30",
    },
    muted="#A8A8A8",
    disabled="#A0A0A0",
    cursor="#1F3A5A",
    footer_key="#FEA62B",
)

READER_LIGHT = _truecolor(
    "reader-light",
    dark=False,
    colours={
        "primary": "#0B57A4",
        "secondary": "#6A3D9A",
        "accent": "#7A3D00",
        "warning": "#8A4B00",
        "error": "#B0002A",
        "success": "#1E6B34",
        "foreground": "#1A1A1A",
        "background": "#FAFAFA",
        "surface": "#EDEDED",
        "panel": "#E2E2E2",
    },
    muted="#555555",
    disabled="#5E5E5E",
    cursor="#CFE0F3",
    footer_key="#0B57A4",
)


def _ansi(name: str, *, dark: bool) -> Theme:
    return Theme(
        name=name,
        ansi=True,
        primary="ansi_magenta",
        secondary="ansi_magenta",
        accent="ansi_magenta",
        warning="ansi_red",
        error="ansi_red",
        success="ansi_magenta",
        foreground="ansi_default",
        background="ansi_default",
        surface="ansi_default",
        panel="ansi_default",
        boost="ansi_default",
        dark=dark,
        variables={
            "ansi-background": "ansi_default",
            "ansi-foreground": "ansi_default",
            "footer-key-foreground": "ansi_magenta",
            "footer-description-foreground": "ansi_default",
            "block-cursor-foreground": "ansi_default",
            "block-cursor-background": "ansi_magenta",
            "input-cursor-background": "ansi_magenta",
            "input-cursor-foreground": "ansi_default",
            "input-selection-background": "ansi_magenta",
            "input-selection-foreground": "ansi_default",
            "screen-selection-background": "ansi_magenta",
            "screen-selection-foreground": "ansi_default",
            "border-blurred": "ansi_default",
            # Textual darkens the panel colour for the scrollbar track: black on any terminal
            "scrollbar-background": "ansi_default",
            "scrollbar-background-hover": "ansi_default",
            "scrollbar-background-active": "ansi_default",
            "scrollbar-corner-color": "ansi_default",
            "scrollbar": "ansi_magenta",
            "scrollbar-hover": "ansi_magenta",
            "scrollbar-active": "ansi_magenta",
        },
    )


READER_ANSI_DARK = _ansi("reader-ansi-dark", dark=True)
READER_ANSI_LIGHT = _ansi("reader-ansi-light", dark=False)
THEMES = (READER_DARK, READER_LIGHT, READER_ANSI_DARK, READER_ANSI_LIGHT)

SIXTEEN_COLOURS = frozenset({"standard", "windows"})
"""Rich's names of the colour systems with 16 colours."""


def theme_name(wanted: str | None, colour_system: str | None) -> str:
    """The theme for the config's `theme` ("dark", "light", a Textual theme's name or None)
    on a terminal with Rich's `colour_system`."""
    mode = wanted or "dark"
    if mode not in ("dark", "light"):
        return mode
    if colour_system in SIXTEEN_COLOURS:
        return f"reader-ansi-{mode}"
    return f"reader-{mode}"
