"""Shared fixtures: an isolated cache and environment, the sample, corpora built on demand."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data"
SHARED = REPO.parent / "shared"
BUILD_CORPUS = SHARED / "corpus" / "build_corpus.py"
SEED = SHARED / "seed" / "example_event.md"
WIKITIMES = SHARED / "corpus" / "wikitimes-cep-2015-09.json"
SEED_ID = (
    "2011-06-06/ollanta-humala-is-elected-president-of-peru-in-the-peruvian-general-election-"
    "defeating-opposition-leader-keiko-fujimori"
)

needs_shared = pytest.mark.skipif(
    not BUILD_CORPUS.exists(),
    reason="../shared/corpus is absent (a user's clone): the corpus tests need it",
)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees no user settings and a cache of its own session."""
    monkeypatch.setenv("NEWS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    for name in ("NEWS_DATA_DIR", "NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def build_corpus(out: Path, *args: str) -> Path:
    """Write part of the public archive with the shared script, run by this interpreter."""
    subprocess.run(
        [sys.executable, str(BUILD_CORPUS), str(out), *args],
        check=True, capture_output=True, text=True,
    )
    return out


@pytest.fixture(scope="session")
def year_2011(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not BUILD_CORPUS.exists():
        pytest.skip("../shared/corpus is absent (a user's clone): the corpus tests need it")
    yield build_corpus(tmp_path_factory.mktemp("corpus") / "y2011", "--years", "2011")
