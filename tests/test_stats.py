"""`mlbank stats` counts what the bank holds."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mlbank.cli_commands import cli


def test_stats_json_counts_minibank(minibank: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", str(minibank), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["sections"]["screening"]["topics"] == {"loss-functions": 1}
    assert data["sections"]["quick-fire"]["questions"] == 1
    assert data["sections"]["screening"]["budget_minutes"] == 2
    assert data["companies"] == {"google": 1}
    assert data["levels"] == {"L4": 1}
    assert data["uncovered_topics"] == []


def test_stats_text_shows_gaps(minibank: Path) -> None:
    qf = minibank / "questions/quick-fire/qf01-bias.yaml"
    qf.write_text(qf.read_text().replace("topics: [bias-variance]", "topics: [loss-functions]"))
    result = CliRunner().invoke(cli, ["stats", str(minibank)])
    assert result.exit_code == 0
    assert "Topics no question covers: bias-variance" in result.output
    assert "Practice time per section" in result.output


def test_stats_without_bank_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", str(tmp_path)])
    assert result.exit_code == 2
