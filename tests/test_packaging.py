"""A non-editable install ships the sample, and `news` finds it there.

Building a wheel takes too long for the suite, so this reads pyproject.toml instead and
checks that where the wheel puts the sample is where `default_data_dir` looks for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, SAMPLE

from newscli.archive import location

tomllib = pytest.importorskip("tomllib")  # Python 3.11+


@pytest.fixture(scope="module")
def hatch() -> dict[str, dict[str, object]]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]["hatch"]["build"]["targets"]  # type: ignore[no-any-return]


def test_the_wheel_force_includes_the_sample_inside_the_package(hatch: dict[str, dict[str, object]]) -> None:
    wheel = hatch["wheel"]
    package = Path(location.__file__).resolve().parent.parent.name
    assert wheel["packages"] == [package]
    assert wheel["force-include"] == {"sample_data": f"{package}/sample_data"}
    assert (REPO / "sample_data" / "news").is_dir()


def test_the_sdist_carries_the_sample(hatch: dict[str, dict[str, object]]) -> None:
    assert "sample_data" in hatch["sdist"]["include"]  # type: ignore[operator]


def test_installed_package_uses_the_sample_inside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = tmp_path / "site-packages" / "newscli"
    (installed / "sample_data" / "news").mkdir(parents=True)
    monkeypatch.setattr(location, "__file__", str(installed / "archive" / "location.py"))
    assert location.default_data_dir() == installed / "sample_data"


def test_a_checkout_uses_the_sample_beside_the_package() -> None:
    assert location.default_data_dir() == SAMPLE
