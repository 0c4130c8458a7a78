"""`mlbank rules` and `mlbank rule`: every rule, with the severity this project's configuration gives it.

A rule's docstring states its default severity; `[tool.mlbank]` (select, ignore, severity, strict)
can change what a finding does to a commit, so both are shown, with the setting that decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from mlbank import exit_codes
from mlbank.bank import display_path
from mlbank.commands import CommandResult
from mlbank.commands.lint import LintOptions, selection_from
from mlbank.config import Config, find_config
from mlbank.exit_codes import UsageError
from mlbank.finding import Severity
from mlbank.lint import Selection
from mlbank.rules import RULES, lookup, summary
from mlbank.rules.base import Rule

OFF = "off"


class Standing(NamedTuple):
    """What the configuration makes of one rule."""

    default: Severity
    here: str  # "error", "warning" or "off"
    why: str  # the setting that made `here` differ from `default`; "" when none did


def run_rules_list() -> CommandResult:
    config = find_config(Path.cwd())
    selection = selection_from(config, LintOptions())
    lines = [f"{'code':<5}  {'name':<22} {'default':<8} {'here':<8} summary"]
    for code, rule in RULES.items():
        s = standing(rule, config, selection)
        lines.append(f"{code}  {rule.RULE.name:<22} {s.default.value:<8} {s.here:<8} {summary(rule)}")
    lines.append(f"\nhere: {_source(config)}")
    return CommandResult(exit_codes.OK, "\n".join(lines))


def run_rule(code_or_name: str) -> CommandResult:
    rule = lookup(code_or_name)
    if rule is None:
        raise UsageError(f"no rule '{code_or_name}'; `mlbank rules` lists {len(RULES)} rules")
    config = find_config(Path.cwd())
    s = standing(rule, config, selection_from(config, LintOptions()))
    return CommandResult(
        exit_codes.OK,
        f"{rule.RULE.code} [{rule.RULE.name}] ({_said(s, config)})\n\n{(rule.__doc__ or '').strip()}",
    )


def standing(rule: Rule, config: Config, selection: Selection) -> Standing:
    default, source = rule.RULE.severity, _file(config)
    if not selection.is_active(rule.RULE.code):
        selected = Selection(select=selection.select).is_active(rule.RULE.code)
        return Standing(
            default, OFF, f"{source} ignores it" if selected else f"{source}'s select leaves it out"
        )
    override = selection.severity_of(rule.RULE.code, rule.RULE.name)
    if override is not None and override is not default:
        return Standing(default, override.value, f"{source} {_table(config, 'severity')} sets it")
    return Standing(default, default.value, "")


def _said(s: Standing, config: Config) -> str:
    """'(warning)', '(error here: ... sets it; warning by default)', '(warning by default; off here: ...)'."""
    if s.here == OFF:
        return f"{s.default.value} by default; off here: {s.why}"
    if s.why:
        return f"{s.here} here: {s.why}; {s.default.value} by default"
    if s.here == Severity.WARNING.value and config.strict:
        return f"warning; strict = true in {_file(config)} fails the run on warnings too"
    return s.here


def _file(config: Config) -> str:
    return config.source.name if config.source is not None else "the configuration"


def _table(config: Config, key: str) -> str:
    """Where a key sits: [tool.mlbank.KEY] in pyproject.toml, [KEY] in mlbank.toml."""
    return f"[tool.mlbank.{key}]" if _file(config) == "pyproject.toml" else f"[{key}]"


def _source(config: Config) -> str:
    if config.source is None:
        return "no [tool.mlbank] configuration was found from here up, so every rule runs at its default"
    strict = "; strict = true: warnings fail the run too" if config.strict else ""
    shown = display_path(config.source, Path.cwd())
    return f"the severity {shown} gives each rule (select, ignore, severity){strict}"
