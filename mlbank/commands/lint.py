"""`mlbank lint`: resolve which bank(s) and files to check, lint (or reuse the cache), and render.

Imports of the linting machinery are deferred: a warm cache answers with the standard library only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from mlbank import exit_codes
from mlbank.commands import CommandResult
from mlbank.config import Config, find_config
from mlbank.engine.policy import RuleOptions, Selection
from mlbank.finding import Finding, Severity
from mlbank.workspace import Target, resolve_targets

if TYPE_CHECKING:
    from mlbank.engine.session import Session


class LintOptions(NamedTuple):
    fmt: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    statistics: bool = False
    strict: bool = False
    fix: bool = False
    cache: bool = True
    jobs: int | None = None  # processes for a large bank; None: one per core


def selection_from(config: Config, options: LintOptions) -> Selection:
    select = options.select or config.select
    return Selection(
        select=frozenset((*select, *config.extend_select)) if select else frozenset(),
        ignore=frozenset((*config.ignore, *options.ignore)),
        severity={k: Severity(v) for k, v in config.severity.items()},
        per_file_ignores=tuple((glob, frozenset(codes)) for glob, codes in config.per_file_ignores.items()),
        root=config.root,
        options=RuleOptions(review_max_age=config.review_max_age, today=_today(config)),
    )


def _today(config: Config) -> date | None:
    """The day reviews are aged against: only read when reviews can expire, so the selection's key
    changes with the date only then."""
    return date.today() if config.review_max_age is not None else None


def run_lint(paths: list[Path], options: LintOptions) -> CommandResult:
    config = find_config(Path.cwd())
    findings: list[Finding] = []
    notes: list[str] = []
    for target in resolve_targets(paths, config):
        if options.fix:
            notes += fix_target(target)
        findings.extend(_only(lint_target(target.bank, config, options), target.only))
    strict = options.strict or config.strict
    failing = [f for f in findings if f.severity is Severity.ERROR or strict]
    code = exit_codes.FINDINGS if failing else exit_codes.OK
    return CommandResult(code, "\n".join([*notes, render(findings, options)]))


def lint_target(bank_root: Path, config: Config, options: LintOptions) -> list[Finding]:
    """Findings for the whole bank: from the cache when nothing changed, and when something did,
    linting again only the question files that changed (plus the bank-wide rules)."""
    return lint_session(bank_root, config, options).findings


class LintRun(NamedTuple):
    findings: list[Finding]
    session: Session | None  # None: the whole-bank cache answered, nothing was loaded


def lint_session(bank_root: Path, config: Config, options: LintOptions) -> LintRun:
    """Lint one bank as the CLI does: paths shown from the working directory (made here, at the
    edge), the whole-bank cache first, then a session whose store is on disk."""
    from mlbank.cache import LintCache, cache_dir_for

    base = Path.cwd()
    directory = cache_dir_for(config.root)
    selection = selection_from(config, options)
    key = selection.key()
    cache = LintCache(directory, bank_root, key, base) if options.cache else None
    if cache is not None:
        hit = cache.lookup()
        if hit is not None:
            return LintRun(hit, None)
    session = open_session(
        bank_root, config, options, cache.digests() if cache is not None else None, selection
    )
    findings = session.lint()
    if cache is not None:
        cache.store(findings)
    return LintRun(findings, session)


def open_session(
    bank_root: Path,
    config: Config,
    options: LintOptions,
    digests: dict[str, str] | None = None,
    selection: Selection | None = None,
) -> Session:
    """The CLI's session for a bank: its store and claims cache on disk unless --no-cache."""
    from mlbank.cache import cache_dir_for
    from mlbank.engine.session import Session
    from mlbank.engine.store import DiskStore

    base = Path.cwd()
    directory = cache_dir_for(config.root)
    selection = selection or selection_from(config, options)
    store = DiskStore(directory, bank_root, selection.key(), digests, base) if options.cache else None
    return Session(
        bank_root,
        selection,
        display_base=base,
        claims_cache=directory / "claims" if options.cache else None,
        store=store,
        jobs=options.jobs,
    )


def _only(findings: list[Finding], only: tuple[Path, ...] | None) -> list[Finding]:
    if only is None:
        return findings
    from mlbank.paths import real_path

    wanted = {real_path(p) for p in only}
    return [f for f in findings if real_path(Path(f.path)) in wanted]


def fix_target(target: Target) -> list[str]:
    """Apply the safe fixes (only to the requested files), and say what was done."""
    from dataclasses import replace

    from mlbank.bank import load_bank, real_path
    from mlbank.fixes import fix_bank

    bank = load_bank(target.bank)
    if target.only is not None:
        wanted = {real_path(p) for p in target.only}
        meta, topics = (
            d if d is not None and real_path(d.path) in wanted else None for d in (bank.meta, bank.topics)
        )
        bank = replace(
            bank,
            meta=meta,
            topics=topics,
            questions=tuple(d for d in bank.questions if real_path(d.path) in wanted),
        )
    result = fix_bank(bank)
    return [*result.messages, f"Fixed {result.fixed} problem(s)."] if result.fixed or result.messages else []


def render(findings: list[Finding], options: LintOptions) -> str:
    from mlbank import reporters

    if options.statistics:
        return reporters.statistics(findings) + "\n" + reporters.summary(findings)
    return reporters.REPORTERS[options.fmt](findings)
