"""Issue 15 acceptance: the fidelity checker finds nothing on any post of ../shared/corpus."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.devtools import fidelity

pytestmark = pytest.mark.slow  # every post converted and parsed twice: several seconds


def test_every_corpus_post_is_clean(corpus: Path) -> None:
    sites = sorted(path for path in corpus.iterdir() if path.is_dir())
    out = io.StringIO()
    status = fidelity.run(sites, out)
    report = out.getvalue()
    assert status == 0, report
    clean, total = report.splitlines()[-1].split()[0].split("/")
    assert clean == total and int(total) > 0
