"""``python -m benchmarks loader-fuzz``: its files, its exit code and its replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import loader_fuzz
from benchmarks.run import main


def test_writes_the_json_and_the_markdown(tmp_path: Path, capsys) -> None:
    code = main(
        ["loader-fuzz", "--mutations", "30", "--seed", "7", "--cli-every", "0",
         "--results-dir", str(tmp_path)]
    )  # fmt: skip
    assert code == 0
    [data] = tmp_path.glob("loader-fuzz-*.json")
    result = json.loads(data.read_text(encoding="utf-8"))
    assert result["mutations"] == 30 and result["seeds"] == [7, 36]
    assert result["command"] == (
        "python -m benchmarks loader-fuzz --mutations 30 --seed 7 --cli-every 0"
    )
    assert sum(result["outcomes"].values()) == 30 and result["failures"] == []
    markdown = (tmp_path / "latest-loader-fuzz.md").read_text(encoding="utf-8")
    assert "- mutations: 30 (seeds 7–36)" in markdown
    assert "## Failures\n\nNone." in markdown
    assert "Bad-input fuzzing of the loader" in capsys.readouterr().out


def test_a_failure_exits_1_and_says_how_to_replay_it(tmp_path: Path, monkeypatch) -> None:
    real = loader_fuzz.load_outcome

    def flaky(mutation, folder):
        if mutation.seed == 3:
            return loader_fuzz.Outcome(mutation, "failure", [], 0, "ValueError: made up")
        return real(mutation, folder)

    monkeypatch.setattr(loader_fuzz, "load_outcome", flaky)
    code = main(
        ["loader-fuzz", "--mutations", "5", "--seed", "1", "--cli-every", "0",
         "--results-dir", str(tmp_path)]
    )  # fmt: skip
    assert code == 1
    result = json.loads(next(tmp_path.glob("loader-fuzz-*.json")).read_text(encoding="utf-8"))
    [failure] = result["failures"]
    assert failure["seed"] == 3 and failure["error"] == "ValueError: made up"
    assert "`python -m benchmarks loader-fuzz --mutations 1 --seed 3`" in (
        tmp_path / "latest-loader-fuzz.md"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [["--mutations", "0"], ["--seed", "-1"], ["--cli-every", "-2"]])
def test_bad_arguments(args: list[str]) -> None:
    with pytest.raises(SystemExit):
        main(["loader-fuzz", *args, "--dry"])
