"""The command line, through click's runner: exit codes, formats, and no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import invoke

from mlbank.cli import main

Q = "questions/screening/q01-log-loss.yaml"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    result = invoke(*args, cwd=cwd)
    return result.exit_code, result.output


def test_clean_bank_exits_0(minibank: Path) -> None:
    code, out = run("lint", str(minibank))
    assert code == 0 and "All checks passed." in out


def test_default_bank_is_found_from_cwd(minibank: Path) -> None:
    code, out = run("lint", cwd=minibank.parent)
    assert code == 0, out


def test_bank_from_pyproject(minibank: Path) -> None:
    renamed = minibank.parent / "content"
    minibank.rename(renamed)
    (renamed.parent / "pyproject.toml").write_text('[tool.mlbank]\nbank = "content"\n')
    code, out = run("lint", cwd=renamed.parent)
    assert code == 0, out


def test_defect_exits_1_with_text_and_json(minibank: Path) -> None:
    path = minibank / Q
    path.write_text(path.read_text().replace("topics: [loss-functions]", "topics: [loss-function]"))
    code, out = run("lint", str(minibank))
    assert code == 1
    assert f"{Q}:7:10: MB200 [unknown-topic]" in out.replace(str(minibank) + "/", "")
    assert "did you mean 'loss-functions'" in out
    code, out = run("lint", "--format", "json", str(minibank))
    found = json.loads(out)
    assert code == 1 and found[0]["code"] == "MB200" and found[0]["line"] == 7 and found[0]["column"] == 10
    assert set(found[0]) == {"path", "line", "column", "code", "name", "severity", "message"}


def test_file_argument_reports_only_that_file_but_sees_the_bank(minibank: Path) -> None:
    other = minibank / "questions/quick-fire/qf01-bias.yaml"
    other.write_text(other.read_text().replace("title: Bias", "title: 2024"))
    code, out = run("lint", str(minibank / Q))  # q01 references qf01, which must still resolve
    assert code == 0, out
    code, out = run("lint", str(other))
    assert code == 1 and "MB105" in out


def test_warnings_pass_unless_strict(minibank: Path) -> None:
    qf = minibank / "questions/quick-fire/qf01-bias.yaml"
    qf.write_text(qf.read_text().replace("topics: [bias-variance]", "topics: [loss-functions]"))
    code, out = run("lint", str(minibank))
    # the retagged question's review is stale too (MB601): a warning as well
    assert code == 0 and "MB203" in out and "MB601" in out and "2 warnings" in out
    code, _ = run("lint", "--strict", str(minibank))
    assert code == 1


def test_select_and_ignore(minibank: Path) -> None:
    path = minibank / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    assert run("lint", "--ignore", "MB105", str(minibank))[0] == 0
    assert run("lint", "--select", "MB2", str(minibank))[0] == 0
    assert run("lint", "--select", "unquoted-value", str(minibank))[0] == 1


def test_statistics(minibank: Path) -> None:
    path = minibank / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    code, out = run("lint", "--statistics", str(minibank))
    assert code == 1 and "    1  MB105  unquoted-value" in out


@pytest.mark.parametrize(
    "args", [("lint", "/nonexistent/bank"), ("lint", "--format", "xml"), ("rule", "MB999")]
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    code, out = run(*args)
    assert code == 2 and "Traceback" not in out


def test_no_bank_here_exits_2(tmp_path: Path) -> None:
    code, out = run("lint", cwd=tmp_path)
    assert code == 2 and "no bank found" in out


def test_broken_config_exits_2(minibank: Path) -> None:
    (minibank.parent / "pyproject.toml").write_text("[tool.mlbank]\nbank = 3\n")
    code, out = run("lint", cwd=minibank.parent)
    assert code == 2 and "must be a string" in out


def test_unreadable_toml_exits_2_only_when_it_is_ours(minibank: Path) -> None:
    project = minibank.parent / "pyproject.toml"
    project.write_text("[tool.mlbank\nbank = 'bank'\n")  # an unclosed table header
    code, out = run("lint", cwd=minibank.parent)
    assert code == 2 and "cannot read the configuration" in out
    project.write_text("[project\nname = 'x'\n")  # broken, but says nothing to mlbank: not ours
    code, out = run("lint", cwd=minibank.parent)
    assert code == 0, out


def test_rules_and_rule() -> None:
    code, out = run("rules")
    assert code == 0 and "MB102  rubric" in out
    code, out = run("rule", "rubric")
    assert code == 0 and "Bad::" in out and "Good::" in out


def test_hostile_files_never_traceback(minibank: Path) -> None:
    folder = minibank / "questions/screening"
    (folder / "q02-tag.yaml").write_text("a: !!python/object/apply:os.system ['true']\n")
    (folder / "q03-bin.yaml").write_bytes(b"\x00\xff\xfe")
    (folder / "q04-deep.yaml").write_text("a: " + "[" * 20000 + "]" * 20000)
    (folder / "q05-list.yaml").write_text("- 1\n")
    code, out = run("lint", str(minibank))
    assert code == 1 and "Traceback" not in out
    for code_seen in ("MB004", "MB002", "MB006", "MB010"):
        assert code_seen in out


def test_main_turns_unexpected_errors_into_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import mlbank.commands.lint as lint_command

    def boom(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(lint_command, "run_lint", boom)
    with pytest.raises(SystemExit) as exit_info:
        main(["lint"])
    assert exit_info.value.code == 2
    assert "internal error: RuntimeError: boom" in capsys.readouterr().err


def test_config_ignores_severity_and_per_file_ignores(minibank: Path) -> None:
    path = minibank / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    project = minibank.parent / "pyproject.toml"
    project.write_text(
        '[tool.mlbank]\nbank = "bank"\n[tool.mlbank.per-file-ignores]\n"bank/questions/screening/*" = ["MB105"]\n'
    )
    assert run("lint", cwd=minibank.parent)[0] == 0
    project.write_text('[tool.mlbank]\nbank = "bank"\n[tool.mlbank.severity]\nMB105 = "warning"\n')
    code, out = run("lint", cwd=minibank.parent)
    assert code == 0 and "MB105" in out and "2 warnings" in out  # and MB601: the title changed since review
    project.write_text('[tool.mlbank]\nbank = "bank"\nignore = ["unquoted-value"]\n')
    assert run("lint", cwd=minibank.parent)[0] == 0


def test_inline_suppression_silences_only_its_node(minibank: Path) -> None:
    path = minibank / Q
    text = path.read_text().replace(
        "title: Log loss", "title: 2024  # mlbank: ignore[MB105] the year is the title"
    )
    path.write_text(text)
    assert run("lint", str(minibank))[0] == 0
    path.write_text(text.replace('level: "L4"\ntime', "level: 4\ntime"))
    code, out = run("lint", str(minibank))
    assert code == 1 and ":5:8: MB105" in out


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (("-log(0.01)", "--says", "4.6"), 0, "holds"),
        (("-log(0.01)", "--says", "4.60"), 1, "rounds to 4.61"),
        (("1 - (1 - 2*eps)^d", "--says", "78%", "--where", "eps=0.01", "--where", "d=100"), 1, "fails"),
        (
            (
                "rho*s + (1 - rho)*s/M",
                "--equals",
                "(M*s + M*(M - 1)*rho*s)/M^2",
                "--domain",
                "rho=[0, 1]",
                "--domain",
                "s=(0, 10]",
                "--domain",
                "M=integer [1, 50]",
            ),
            0,
            "holds",
        ),
        (("open('/etc/passwd')",), 2, "invalid"),
        (("x + 1", "--says", "2"), 2, "unbound"),
    ],
)
def test_calc(args: tuple[str, ...], code: int, text: str) -> None:
    got, out = run("calc", *args)
    assert got == code and text in out, out
