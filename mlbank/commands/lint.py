"""`mlbank lint`: resolve which bank(s) and files to check, lint, and render the findings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from mlbank import reporters
from mlbank.bank import BANK_FILE, find_bank, load_bank
from mlbank.config import Config, ConfigError, find_config
from mlbank.finding import Finding, Severity
from mlbank.lint import Selection, lint_bank


@dataclass(frozen=True)
class LintOptions:
    fmt: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    statistics: bool = False
    strict: bool = False
    fix: bool = False


@dataclass(frozen=True)
class Target:
    bank: Path
    only: tuple[Path, ...] | None  # None: the whole bank


def resolve_targets(paths: list[Path], config: Config) -> list[Target]:
    """Which banks to load and which of their files to report on."""
    if not paths:
        return [Target(default_bank(config), None)]
    targets: dict[Path, list[Path] | None] = {}
    for path in paths:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or directory")
        if path.is_dir() and (path / BANK_FILE).is_file():
            targets[path.resolve()] = None
            continue
        bank = find_bank(path)
        if bank is None:
            raise ConfigError(f"{path}: not inside a bank (no {BANK_FILE} in it or any folder above)")
        files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
        if targets.get(bank, []) is not None:
            targets.setdefault(bank, []).extend(files)  # type: ignore[union-attr]
    return [Target(b, None if o is None else tuple(o)) for b, o in targets.items()]


def default_bank(config: Config) -> Path:
    candidates = [config.bank] if config.bank is not None else [Path("bank"), Path(".")]
    for candidate in candidates:
        if candidate is not None and (candidate / BANK_FILE).is_file():
            return candidate.resolve()
    where = config.bank if config.bank is not None else Path("bank")
    raise ConfigError(f"no bank found: {where / BANK_FILE} does not exist; pass the bank directory")


def selection_from(config: Config, options: LintOptions) -> Selection:
    select = options.select or config.select
    return Selection(
        select=frozenset((*select, *config.extend_select)) if select else frozenset(),
        ignore=frozenset((*config.ignore, *options.ignore)),
        severity={k: Severity(v) for k, v in config.severity.items()},
        per_file_ignores=tuple((glob, frozenset(codes)) for glob, codes in config.per_file_ignores.items()),
        root=config.root,
    )


def run_lint(paths: list[Path], options: LintOptions) -> tuple[int, str]:
    config = find_config(Path.cwd())
    selection = selection_from(config, options)
    findings: list[Finding] = []
    notes: list[str] = []
    for target in resolve_targets(paths, config):
        if options.fix:
            notes += fix_target(target)
        findings.extend(lint_bank(load_bank(target.bank), selection, target.only))
    strict = options.strict or config.strict
    failing = [f for f in findings if f.severity is Severity.ERROR or strict]
    return (1 if failing else 0), "\n".join([*notes, render(findings, options)])


def fix_target(target: Target) -> list[str]:
    """Apply the safe fixes (only to the requested files), and say what was done."""
    from mlbank.fixes import fix_bank

    bank = load_bank(target.bank)
    if target.only is not None:
        wanted = {p.resolve() for p in target.only}
        bank = replace(bank, questions=tuple(d for d in bank.questions if d.path.resolve() in wanted))
    result = fix_bank(bank)
    return [*result.messages, f"Fixed {result.fixed} problem(s)."] if result.fixed or result.messages else []


def render(findings: list[Finding], options: LintOptions) -> str:
    if options.statistics:
        return reporters.statistics(findings) + "\n" + reporters.summary(findings)
    return reporters.REPORTERS[options.fmt](findings)
