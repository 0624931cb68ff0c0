"""The wheel carries the style sheets and the sample library (both live outside the code)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_contains_styles_and_sample(tmp_path: Path) -> None:
    # Without hatchling installed, `build` fetches it into an isolated environment.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-isolation"]
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", *isolation, "--outdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (wheel,) = tmp_path.glob("reader_tui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for style in (ROOT / "styles").glob("*.tcss"):
        assert f"reader/styles/{style.name}" in names
    assert "reader/styles/app.tcss" in names
    assert "reader/sample/_config.yml" in names
    sample_posts = [n for n in names if n.startswith("reader/sample/source/_posts/")]
    expected = list((ROOT / "reader" / "sample" / "source" / "_posts").rglob("*.md"))
    assert len(sample_posts) >= len(expected) > 0


def test_styles_found_in_checkout() -> None:
    from reader.app import css_paths, styles_dir

    assert (styles_dir() / "app.tcss").is_file()
    assert all(Path(path).is_file() for path in css_paths())


def _install_and_test_commands(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "pip install" in line]


def test_readme_and_ci_install_the_pinned_versions() -> None:
    """A fresh install next month gets what CI got: one constraints file, used by both."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m pip install -q -c constraints.txt -e '.[test]' && python3 -m pytest"
    assert test_command in readme
    assert test_command in ci
    for line in _install_and_test_commands(readme) + _install_and_test_commands(ci):
        assert "-c constraints.txt" in line, line
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pins[name.lower().replace("_", "-")] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = project["dependencies"] + project["optional-dependencies"]["test"]
    for requirement in needed:
        name = requirement.split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip()
        assert name.lower().replace("_", "-") in pins, f"{name} is not in constraints.txt"
