"""A lint session over one bank: what every command and the editor server lint through.

    session = Session(root, selection)            # findings' paths shown from the bank root
    session.lint()                                # the whole bank; files whose results the store
                                                  # holds for the same bytes are not linted again
    session.update(path, text="...")             # an editor's unsaved text: that file, then the
    session.update(path)                          # bank-wide stage; or the file as it is on disk
    session.close(path)                           # drop the unsaved text (back to the disk's)
    session.findings([path, ...])                 # the findings of any subset of files
    session.claims                                # claim verdicts of the last bank-wide stage
    session.bank()                                # full documents (export, stats), texts honoured
    session.shutdown()                            # stop the claims worker the session keeps warm

Claims that never block (an editor server publishes at once; numbers arrive when proven):
`update(..., wait_claims=False)`, `close(..., wait_claims=False)` and `lint(wait_claims=False)` do
not wait for claim verdicts not
known yet. The claim rules judge the claims whose verdicts are known (the same spec proven before,
in this session or in the claims cache); a claim whose verdict is still being computed gets no
finding yet. Then:

    session.claims_pending()          # the last findings lack some claim's verdict
    session.wait_claims(timeout)      # block until the verdicts being computed are in (True) or
                                      # `timeout` s pass (False); it changes no session state, so a
                                      # server calls it on another thread without its lock
    session.finish_claims()           # under the caller's lock: every finding of the session's
                                      # current state, exactly what update(..., wait_claims=True)
                                      # would have returned for the latest update

Contract of finish_claims: it always answers for the latest update, complete. If another update
came after the one the caller waited for, and that one started new claims, finish_claims waits for
them too (it may block; call wait_claims again first to avoid that: when it returned True and no
update came since, finish_claims does not block). Verdicts about the claim (holds, fails, refused)
are kept by spec while some file holds it, so an unchanged claim is never sent to the worker again;
a verdict about the machine (a deadline ran out, the worker crashed or could not start) is shown and
asked again when its file changes or the whole bank is linted. Claims no file holds any more are
dropped from the queue. The worker, started once, stays warm until `shutdown()` (or until the
session is garbage-collected, or the process exits); shutdown also drops the queued claims.

After one file changed, the bank-wide stage (engine/bankwide.py) redoes only the files the change
touches, and findings are kept per file, so `findings(paths)` answers a few files without
touching the rest.

A session holds its own state only (no module globals), so any number can live in one process.
Findings depend on the files, the selection and `display_base` (where paths are shown from: the
bank root unless the caller says otherwise, as the CLI does with the working directory), never on
the current directory.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlbank.bank import Bank, display_path, validator
from mlbank.engine.bankwide import BankWide
from mlbank.engine.claims import ClaimBook
from mlbank.engine.policy import Selection, uses_claims
from mlbank.engine.record import FileResult
from mlbank.engine.runners import run_file_stage
from mlbank.engine.stages import StageInput, file_stage, plan
from mlbank.engine.store import MemoryStore, Store
from mlbank.finding import Finding
from mlbank.loader import Document, load_document
from mlbank.paths import (
    BANK_FILE,
    TOPICS_FILE,
    bank_order,
    is_question_file,
    question_files,
    real_path,
)
from mlbank.source import Source, from_text

if TYPE_CHECKING:
    from mlbank.claims import Verdict
    from mlbank.worked import Located


class Session:
    """The lint state of one bank under one selection."""

    def __init__(
        self,
        root: Path,
        selection: Selection,
        *,
        display_base: Path | None = None,
        claims_cache: Path | None = None,
        store: Store | None = None,
        jobs: int | None = None,
    ) -> None:
        self.root = root
        self.selection = selection
        self.base = display_base if display_base is not None else root
        self.claims_cache = claims_cache
        self._claims = ClaimBook(claims_cache)
        # the warm claims worker dies with the session even when nobody calls shutdown()
        self._shutdown = weakref.finalize(self, self._claims.close)
        self.store: Store = store if store is not None else MemoryStore(selection.key())
        self.jobs = jobs
        self._texts: dict[Path, Source] = {}  # unsaved texts, by the path as the session lists it
        self._given: StageInput | None = None
        self._results: dict[Path, FileResult] = {}  # in bank order
        self._stage = BankWide(selection, self._claims)  # kept between lints: redoes what changed
        self._shown: dict[Path, list[str]] | None = None  # display paths by real path, made on demand
        self._loaded: Bank | None = None  # documents a caller loaded already (Session.of_bank)

    @classmethod
    def of_bank(cls, bank: Bank, selection: Selection, claims_cache: Path | None = None) -> Session:
        """A session over a bank already loaded: its documents are linted as they are."""
        session = cls(bank.root, selection, claims_cache=claims_cache)
        session._loaded = bank
        return session

    # --- linting ------------------------------------------------------------------------------

    def lint(self, *, wait_claims: bool = True) -> list[Finding]:
        """Lint the whole bank: the files the store holds for the same bytes are taken from it."""
        if self._loaded is not None:
            bank = self._loaded
            self._given = StageInput(bank.root, bank.meta, bank.topics, self.selection)
            self._results = dict(
                zip((d.path for d in bank.questions), file_stage(self._given, bank.questions), strict=True)
            )
            return self._bank_stage(wait_claims)
        meta, topics = (
            self._load(self.root / BANK_FILE, "bank"),
            self._load(self.root / TOPICS_FILE, "topics"),
        )
        given = self._given = StageInput(self.root, meta, topics, self.selection)
        self.store.bind(meta, topics)
        files = self._files()
        reused = self._recall(files) if self.store.holds_any else {}
        todo = [f for f in files if f not in reused]
        # The per-file stage forks its workers, which must not happen while a claims thread runs:
        # rather than wait for the claims (they never block), lint the files in this process then.
        jobs = 1 if self._claims.busy() else self.jobs
        if todo and uses_claims(plan(self.selection).bank_wide) and _nothing_cached(self.claims_cache):
            self._claims.warm.prestart()  # sympy imports on its own while the files are linted
        texts = {f: self._texts[f] for f in todo if f in self._texts}
        fresh = dict(zip(todo, run_file_stage(given, todo, self.base, texts, jobs), strict=True))
        for path, found in fresh.items():
            self.store.remember(path, found)
        self._results = {f: reused[f] if f in reused else fresh[f] for f in files}
        findings = self._bank_stage(wait_claims)
        self.store.save()
        return findings

    def update(self, path: Path, text: str | None = None, *, wait_claims: bool = True) -> list[Finding]:
        """Take one changed file (its unsaved `text`, or as it is on disk now), re-lint it, then run
        the bank-wide stage; bank.yaml or topics.yaml changes every file's context: all again.
        `wait_claims`: as in the module's docstring."""
        key = self._key(path)
        if text is not None:
            self._texts[key] = from_text(text)
        if self._given is None or self._loaded is not None or key.parent == self.root:
            return self.lint(wait_claims=wait_claims)
        if not is_question_file(key, self.root):
            return self.findings()
        before = self._results.get(key)
        if key in self._texts or key.exists():
            source = self._texts.get(key)
            texts = {key: source} if source is not None else {}
            (found,) = run_file_stage(self._given, [key], self.base, texts, jobs=1)
            self.store.remember(key, found)
            if before is None:
                self._results = {f: self._results.get(f, found) for f in _ordered([*self._results, key])}
                self._shown = None
            self._results[key] = found
            self._stage.change(found.doc.display, found, wait_claims=wait_claims)
        elif before is not None:
            self.store.forget(key)
            del self._results[key]
            self._shown = None
            self._stage.change(before.doc.display, None, wait_claims=wait_claims)
        self.store.save()
        return self.findings()

    def close(self, path: Path, *, wait_claims: bool = True) -> list[Finding]:
        """Forget a file's unsaved text: it is linted as it is on disk again. `wait_claims`: as in
        the module's docstring."""
        self._texts.pop(self._key(path), None)
        return self.update(path, wait_claims=wait_claims)

    def _bank_stage(self, wait_claims: bool = True) -> list[Finding]:
        assert self._given is not None
        self._stage.full(self._given, list(self._results.values()), wait_claims=wait_claims)
        self._shown = None
        return self._stage.findings()

    # --- claims that arrive later ---------------------------------------------------------------

    def claims_pending(self) -> bool:
        """The last findings lack the verdict of some claim (still being computed)."""
        return not self._stage.complete

    def wait_claims(self, timeout: float | None = None) -> bool:
        """Block until the claim verdicts being computed are in (True), or `timeout` seconds pass
        (False). It only waits: safe to call on another thread without the caller's lock."""
        return self._claims.wait(timeout)

    def finish_claims(self) -> list[Finding]:
        """Every finding of the session's current state with all claim verdicts (waiting for those
        still being computed): what update(..., wait_claims=True) would have returned."""
        self._stage.settle_claims()
        return self.findings()

    def shutdown(self) -> None:
        """Stop the claims worker this session keeps warm and drop the queued claims; after this,
        each batch of new claims starts a worker of its own and stops it when done."""
        self._shutdown()

    # --- answers ------------------------------------------------------------------------------

    def findings(self, paths: Iterable[Path] | None = None) -> list[Finding]:
        """The last lint's findings, sorted; only those of `paths` when given."""
        if self._stage.given is None:
            self.lint()
        if paths is None:
            return self._stage.findings()
        shown = self._by_real_path()
        return self._stage.findings(d for p in paths for d in shown.get(real_path(p), ()))

    def _by_real_path(self) -> dict[Path, list[str]]:
        """Each document's display paths by its real path (a syscall per path part: made once per
        set of files)."""
        if self._shown is None:
            self._shown = {}
            for doc in self._stage.documents():
                self._shown.setdefault(real_path(doc.path), []).append(doc.display)
        return self._shown

    @property
    def claims(self) -> list[tuple[Located, Verdict]]:
        """Every well-formed claim with its verdict (waiting for those still being computed)."""
        if self._stage.given is None:
            self.lint()
        if not uses_claims(plan(self.selection).bank_wide):
            return []
        return self._stage.claims(self._results.values())

    def bank(self, *, questions: bool = True) -> Bank:
        """The bank's full documents (models included), unsaved texts honoured; without its
        questions when `questions` is false (a caller that reads them one at a time: questions())."""
        if self._loaded is not None:
            return self._loaded if questions else replace(self._loaded, questions=())
        meta, topics = (
            self._load(self.root / BANK_FILE, "bank"),
            self._load(self.root / TOPICS_FILE, "topics"),
        )
        return Bank(self.root, meta, topics, tuple(self.questions()) if questions else ())

    def questions(self) -> Iterator[Document]:
        """The question files' full documents in bank order, loaded one at a time as they are asked
        for, so a caller that drops each one (the export) never holds the whole bank's."""
        if self._loaded is not None:
            yield from self._loaded.questions
            return
        for path in self._files():
            doc = self._load(path, "question")
            if doc is not None:
                yield doc

    # --- files --------------------------------------------------------------------------------

    def _files(self) -> list[Path]:
        """The question files: those on disk, and unsaved ones an editor holds."""
        listed = question_files(self.root)
        extra = [p for p in self._texts if is_question_file(p, self.root) and p not in set(listed)]
        return _ordered([*listed, *extra]) if extra else listed

    def _recall(self, files: list[Path]) -> dict[Path, FileResult]:
        found = {}
        for path in files:
            source = self._texts.get(path)
            digest = source.digest if source is not None else self.store.digest(path)
            hit = self.store.recall(path, digest, source.text if source is not None else None)
            if hit is not None:
                found[path] = hit
        return found

    def _load(self, path: Path, kind: str) -> Document | None:
        source = self._texts.get(path)
        if source is None and not path.exists():
            return None
        return load_document(path, display_path(path, self.base), validator(kind), source)

    def _key(self, path: Path) -> Path:
        """The path as this session lists it (root / relative path), however it was spelt."""
        try:
            relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root))
        except ValueError:
            raise ValueError(f"{path} is not in the bank at {self.root}") from None
        return self.root / relative


def _ordered(paths: list[Path]) -> list[Path]:
    """In bank order: as mlbank.paths.question_files sorts."""
    return sorted(paths, key=bank_order)


def _nothing_cached(cache_dir: Path | None) -> bool:
    """No claim verdict can come from the cache, so the claims worker will surely be needed."""
    return cache_dir is None or not cache_dir.is_dir() or not any(cache_dir.iterdir())


def lint_root(
    root: Path,
    selection: Selection,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    store: Store | None = None,
    display_base: Path | None = None,
) -> list[Finding]:
    """Every finding for the bank at `root`, sorted: a one-shot session."""
    session = Session(
        root, selection, display_base=display_base, claims_cache=cache_dir, store=store, jobs=jobs
    )
    try:
        return session.lint()
    finally:
        session.shutdown()
