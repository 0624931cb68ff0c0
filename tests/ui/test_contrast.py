"""Every text cell of every snapshot scene, in both themes, has WCAG AA contrast (issue 12.3).

The cells are read from what Textual sends to the terminal (the compositor's segments after the
line filters), so a style added later is checked without naming it here. Cells left in the
terminal's default colours are judged on both a dark and a light terminal.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reader import safe
from reader.core.config import Config
from reader.devtools.cells import TERMINALS, Cell, Pen, contrast, from_app, is_text, resolve
from reader.devtools.screenshots import SCENES, Scene, make_app, play
from tests.conftest import sweep
from tests.ui_helpers import PostSpec, async_test, make_site, running_app, settle

AA = 4.5


def _low_contrast(cells: list[Cell]) -> list[str]:
    """One line per pen below AA: its worst ratio, where, and a sample of its text."""
    found: dict[Pen, tuple[float, list[Cell]]] = {}
    for cell in cells:
        if not is_text(cell.char):
            continue
        ratio = min(contrast(*resolve(cell.pen, terminal)) for terminal in TERMINALS)
        if ratio < AA:
            found.setdefault(cell.pen, (ratio, []))[1].append(cell)
    return [
        f"{ratio:.2f}:1 {''.join(c.char for c in group[:16])!r} at {group[0].x},{group[0].y} {pen}"
        for pen, (ratio, group) in sorted(found.items(), key=lambda item: item[1][0])
    ]


@pytest.fixture(autouse=True)
def truecolor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


MORE_SCENES = (
    Scene("search", (120, 40), ("s", *"read")),
    Scene("find", (120, 40), ("G", "k", "k", "enter", "slash", *"the", "enter")),
    Scene("links", (120, 40), ("G", "k", "k", "enter", "l")),
    Scene("open-library", (120, 40), ("ctrl+o",)),
    Scene("palette", (120, 40), ("ctrl+p", *"mark")),
    Scene("export", (120, 40), ("E",)),
    Scene("note", (120, 40), ("enter", "b", "B")),
)
"""Screens beyond the snapshot scenes, with highlights of their own (slow: 14 more runs)."""


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize(
    "scene",
    [
        *sweep(SCENES, ids=lambda scene: scene.name),  # type: ignore[attr-defined]
        *(pytest.param(scene, id=scene.name, marks=pytest.mark.slow) for scene in MORE_SCENES),
    ],
)
@async_test
async def test_every_text_cell_has_aa_contrast(scene: Scene, theme: str, tmp_path: Path) -> None:
    app = make_app(replace(scene, config=replace(scene.config, theme=theme)), tmp_path / "data")
    try:
        async with app.run_test(size=scene.size) as pilot:
            await play(pilot, scene.keys)
            cells = from_app(app)
    finally:
        app.library.close()
    assert sum(is_text(cell.char) for cell in cells) > 100
    problems = _low_contrast(cells)
    assert not problems, "\n".join(problems)


MARKDOWN = """Every Markdown element the reading pane draws:

# Heading one
## Heading two
### Heading three
#### Heading four
##### Heading five
###### Heading six

A paragraph with *emphasis*, **strong text**, ~~struck text~~, `inline code` and
[a link](https://example.org/page).

> A quoted paragraph.

- a bullet
  - a nested bullet
1. a numbered item
2. another

| Header one | Header two |
|------------|-----------:|
| cell       | 42         |

---

```python
@decorator
class Thing(Base):  # a comment
    def run(self, n: int = 42) -> str:
        return f"{n} items" if n and not None else print(len("x"))
```

```diff
- removed line
+ added line
```
"""


@pytest.mark.parametrize("theme", ["dark", "light"])
@async_test
async def test_every_markdown_element_has_aa_contrast(theme: str, tmp_path: Path) -> None:
    """Rich's default Markdown styles (cyan table headers, magenta headings…) must never show."""
    site = make_site(tmp_path / "site", [PostSpec("all.md", "All", "2024-01-01", body=MARKDOWN)])
    config = Config(theme=theme, search_index="on_search")
    async with running_app(site, tmp_path / "data", size=(100, 80), config=config) as (app, pilot):
        await pilot.press("enter")
        await settle(app, pilot)
        cells = from_app(app)
    text = "".join(cell.char for cell in cells)
    assert "decorator" in text and "Headerone" in text.replace(" ", "")
    problems = _low_contrast(cells)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("theme", ["dark", "light"])
@async_test
async def test_notifications_have_aa_contrast(theme: str, tmp_path: Path) -> None:
    app = make_app(
        Scene(
            "toasts", (100, 30), config=Config(theme=theme, search_index="on_search", watch=False)
        ),
        tmp_path / "data",
    )
    try:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await play(pilot, ())  # settled, with the start-up notices cleared
            for severity in ("information", "warning", "error"):
                safe.notify(app, f"A {severity} notice", title=severity, severity=severity)  # type: ignore[arg-type]
            await pilot.pause()
            cells = from_app(app)
    finally:
        app.library.close()
    assert "".join(cell.char for cell in cells).count("notice") == 3
    problems = _low_contrast(cells)
    assert not problems, "\n".join(problems)
