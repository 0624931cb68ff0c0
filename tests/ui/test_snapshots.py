"""SVG snapshots of the screens the README shows (same scenes as reader.devtools.screenshots).

Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from reader.devtools.screenshots import SCENES, Scene, make_app, play
from tests.conftest import sweep


@pytest.mark.parametrize("scene", sweep(SCENES, fast=2, ids=[scene.name for scene in SCENES]))
def test_scene(scene: Scene, snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(scene, tmp_path / "data")

    async def run_before(pilot: Pilot[int]) -> None:
        await play(pilot, scene.keys)

    try:
        assert snap_compare(app, terminal_size=scene.size, run_before=run_before)
    finally:
        app.library.close()
