"""What every rule shares: the Rule shape, the lint Context, and position-correct Finding helpers.

Rules never do position arithmetic and never read severity config: they yield Findings at their
default severity through `report`, and lint.py decides what to keep.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from mlbank import ids
from mlbank.bank import Bank
from mlbank.engine.policy import RuleOptions as RuleOptions
from mlbank.engine.record import Change, ClaimSpecs, DocFacts, FileResult
from mlbank.finding import Finding, Position, Severity
from mlbank.loader import Document, FieldPath, Problem
from mlbank.paths import kind_of

if TYPE_CHECKING:
    from mlbank.claims import Verdict
    from mlbank.review import ReviewState
    from mlbank.suppress import Suppression
    from mlbank.worked import Located


# The prose fields of a question whose text is Markdown shown to learners.
RUBRIC_LEVELS = ("strong_hire", "lean_hire", "no_hire")


class RuleId(NamedTuple):
    """A rule's identity: stable code, kebab-case name and default severity."""

    code: str
    name: str
    severity: Severity


class Rule(Protocol):
    """What the registry holds: a module with RULE, a docstring (the user documentation) and check()."""

    RULE: RuleId
    __doc__: str | None

    def check(self, ctx: Context) -> Iterator[Finding]: ...


def is_bank_wide(rule: Rule) -> bool:
    """A rule whose findings for one file depend on other question files (ids, shared topics, near
    duplicates, claims batched across the bank). Every other rule sees one question file plus
    bank.yaml and topics.yaml, so it can run on any subset of the questions: in a worker process."""
    return bool(getattr(rule, "BANK_WIDE", False))


def keys_read(rule: Rule) -> frozenset[str]:
    """The top-level keys of a question a bank-wide rule declares it reads (READS in its module)."""
    return frozenset(getattr(rule, "READS", frozenset()))


def facts_read(rule: Rule) -> frozenset[str]:
    """The derived facts a bank-wide rule declares it reads (FACTS: mlbank.engine.record's names)."""
    return frozenset(getattr(rule, "FACTS", frozenset()))


class Kept(Protocol):
    """A bank-wide rule's incremental form (the class `Incremental` in its module, optional), with
    state kept between lints of one bank so that a session's re-lint costs what changed. Its findings
    are the module's check()'s, which stays the one definition of the verdict (the property tests in
    tests/test_session_property.py hold them equal)."""

    def check(self, ctx: Context) -> Iterator[Finding]:
        """Every finding over the whole bank, as check() gives them; (re)builds the kept state."""
        ...

    def update(self, ctx: Context, changes: Sequence[Change]) -> dict[str, list[Finding]]:
        """After `changes` to question files since the last call: the complete findings of every
        file whose findings may differ from before, by display path ([] for none now); files not
        named keep theirs. `ctx` holds bank.yaml and topics.yaml (unchanged since check) and no
        questions: the form knows them from its kept state."""
        ...


def question_of(result: FileResult | None) -> tuple[Document, dict[str, Any]] | None:
    """A changed file's question as Context.questions holds it: None when absent or not a mapping."""
    if result is None or not isinstance(result.doc.data, dict):
        return None
    return result.doc, result.doc.data


def kept_forms(rules: Iterable[Rule]) -> dict[str, Kept]:
    """A fresh incremental form of each rule that offers one, by rule code."""
    return {r.RULE.code: r.Incremental() for r in rules if hasattr(r, "Incremental")}


class ClaimVerdicts(Protocol):
    """Claim verdicts the engine computes (in the claims worker) while the rules run."""

    def result(self) -> list[tuple[Located, Verdict]]: ...


@dataclass(frozen=True)
class Context:
    """What a rule sees: a loaded bank, the facts the engine computed for it, and indexes several
    rules need, computed once on first use. Rules only read it; the engine builds it."""

    bank: Bank
    options: RuleOptions = field(default_factory=RuleOptions)
    # Per-document facts the per-file stage computed from the full documents, by display path: the
    # bank-wide stage holds slim documents (mlbank.engine.stages).
    known: Mapping[str, DocFacts] = field(default_factory=dict)
    verdicts: ClaimVerdicts | None = None  # None: computed here when a rule first asks
    _memo: _Memo = field(default_factory=lambda: _Memo(), init=False, repr=False, compare=False)

    @cached_property
    def questions(self) -> list[tuple[Document, dict[str, Any]]]:
        """Question documents whose top level is a mapping (others have load findings already)."""
        return [(d, d.data) for d in self.bank.questions if isinstance(d.data, dict)]

    @cached_property
    def meta(self) -> dict[str, Any]:
        doc = self.bank.meta
        return doc.data if doc is not None and isinstance(doc.data, dict) else {}

    @cached_property
    def topic_ids(self) -> list[str]:
        doc = self.bank.topics
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        return ids_of(data.get("topics"))

    @cached_property
    def question_ids(self) -> list[str]:
        return [q["id"] for _, q in self.questions if isinstance(q.get("id"), str)]

    @cached_property
    def section_ids(self) -> list[str]:
        return ids_of(self.meta.get("sections"))

    @cached_property
    def company_ids(self) -> list[str]:
        return ids_of(self.meta.get("companies"))

    @cached_property
    def level_ids(self) -> list[str]:
        return ids_of(self.meta.get("levels"))

    def prose(self, doc: Document) -> list[tuple[FieldPath, str]]:
        """The Markdown texts of a bank file (several rules read them all; list them once)."""
        found = self._memo.prose.get(id(doc))
        if found is None:
            data = doc.data if isinstance(doc.data, dict) else {}
            found = self._memo.prose[id(doc)] = list(prose_fields(data, kind_of(doc.path)))
        return found

    @cached_property
    def prose_documents(self) -> list[Document]:
        """Every file with Markdown text: the questions, and bank.yaml and topics.yaml where this
        context holds them (the per-file stage holds questions only; bank.yaml and topics.yaml are
        checked once, in the bank-wide stage's context for them)."""
        return [d for d in self.bank.documents if isinstance(d.data, dict)]

    def _fact(self, doc: Document) -> DocFacts | None:
        return self.known.get(doc.display)

    def suppressions(self, doc: Document) -> tuple[Suppression, ...]:
        from mlbank.suppress import suppressions

        known = self._fact(doc)
        if known is not None:
            return known.suppressions
        return _once(self._memo.suppressions, doc, lambda: tuple(suppressions(doc)))

    def fingerprints(self, doc: Document) -> tuple[bytes | None, ...]:
        """Near-duplicate fingerprints of the FINGERPRINTED fields (None where not a string)."""
        from mlbank.similarity import fingerprint

        known = self._fact(doc)
        if known is not None and known.fingerprints is not None:
            return known.fingerprints
        data = doc.data if isinstance(doc.data, dict) else {}
        return _once(
            self._memo.fingerprints,
            doc,
            lambda: tuple(
                fingerprint(data[f]) if isinstance(data.get(f), str) else None for f in FINGERPRINTED
            ),
        )

    def review(self, doc: Document) -> ReviewState:
        """The question's review state; four rules read it, and hashing its fields is not free."""
        from mlbank.review import review_state

        data = doc.data if isinstance(doc.data, dict) else {}
        return _once(self._memo.reviews, doc, lambda: review_state(data))

    def claim_specs(self, doc: Document) -> ClaimSpecs:
        """The document's well-formed worked: claims as (index in the list, spec)."""
        from mlbank.worked import claims_of

        known = self._fact(doc)
        if known is not None and known.claims is not None:
            return known.claims
        return _once(self._memo.claim_specs, doc, lambda: tuple((c.item, c.spec) for c in claims_of(doc)))

    def facts(self, doc: Document, *, fingerprints: bool, claims: bool) -> DocFacts:
        """What the bank-wide stage will need of this document, computed from the full document."""
        return DocFacts(
            self.suppressions(doc),
            self.fingerprints(doc) if fingerprints else None,
            self.claim_specs(doc) if claims else None,
        )

    @property
    def claims(self) -> list[tuple[Located, Verdict]]:
        """Every well-formed claim of the bank with its verdict, computed in one worker run."""
        if self.verdicts is not None:
            return self.verdicts.result()
        if self._memo.claims is None:
            from mlbank.claims import check_claims
            from mlbank.worked import located_in

            located = [c for doc, _ in self.questions for c in located_in(doc, self.claim_specs(doc))]
            verdicts = check_claims([c.spec for c in located], None) if located else []
            self._memo.claims = list(zip(located, verdicts, strict=True))
        return self._memo.claims


@dataclass
class _Memo:
    """A Context's caches: derived once per document, never changed after."""

    prose: dict[int, list[tuple[FieldPath, str]]] = field(default_factory=dict)
    suppressions: dict[str, tuple[Suppression, ...]] = field(default_factory=dict)
    fingerprints: dict[str, tuple[bytes | None, ...]] = field(default_factory=dict)
    claim_specs: dict[str, ClaimSpecs] = field(default_factory=dict)
    reviews: dict[str, ReviewState] = field(default_factory=dict)
    claims: list[tuple[Located, Verdict]] | None = None


FINGERPRINTED = ("prompt", "answer")  # the fields MB500 compares across questions
_T = TypeVar("_T")


def _once(table: dict[str, _T], doc: Document, compute: Callable[[], _T]) -> _T:
    """A per-document fact from `table` (primed by a worker, or computed earlier), else computed now."""
    found = table.get(doc.display)
    if found is None:
        found = table[doc.display] = compute()
    return found


def ids_of(items: Any) -> list[str]:
    """The string `id`s of a list of mappings, ignoring malformed entries (the schema rule reports them)."""
    if not isinstance(items, list):
        return []
    return [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)]


def report(rule: RuleId, doc: Document, path: FieldPath, message: str, *, key: bool = False) -> Finding:
    """A finding at the value (or key) of `path` in `doc`."""
    return at(rule, doc, doc.position(path, key=key), message)


def at(rule: RuleId, doc: Document, where: Position, message: str) -> Finding:
    return Finding(doc.display, where.line, where.column, rule.code, rule.name, rule.severity, message)


def problem_findings(rule: RuleId, ctx: Context, kind: Problem) -> Iterator[Finding]:
    """Findings for the loader's problems of one kind (the loader finds them; the rule owns the code)."""
    for doc in ctx.bank.documents:
        for problem in doc.problems:
            if problem.kind is kind:
                yield at(rule, doc, problem.position, problem.message)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when something close exists, else ''.

    A numbered id (q2, qf07) is matched by the id scheme, never by spelling: `q2` means q02, and
    q42 or q20, however close as text, are other questions, so no suggestion beats a wrong one.
    """
    choices = list(choices)
    if ids.parse(value) is not None and any(ids.parse(c) is not None for c in choices):
        close = [same] if (same := ids.same_question(value, choices)) else []
    else:
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def dotted(path: FieldPath) -> str:
    """A field path as people write it: rubric.lean_hire, worked[2].says."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


# What a field left empty should hold, by its key; any other key is named as it is ("the title").
_WHAT_TO_WRITE = {
    "says": "the number as the text states it",
    "expr": "the expression that computes it",
    "expects": "what this company looks for in the answer",
    "by": "who reviewed",
    "on": "the day, YYYY-MM-DD",
}


def what_to_write(path: FieldPath) -> str:
    """What belongs in the field at `path`: 'the title', 'the number as the text states it'."""
    key = _key(path)
    return _WHAT_TO_WRITE.get(key, f"the {key.replace('_', ' ')}")


def _key(path: FieldPath) -> str:
    """The innermost key of a field path (worked[0].says -> says)."""
    return next((p for p in reversed(path) if isinstance(p, str)), "")


def _bank_prose(data: dict[str, Any]) -> Iterator[tuple[FieldPath, str]]:
    yield from _texts(data, ("description",))
    yield from _texts(data, ("sections", "*", "description"))
    yield from _texts(data, ("framework", "*", "text"))
    yield from _texts(data, ("practice", "method", "*"))
    yield from _texts(data, ("practice", "plan", "*", "tasks", "*", "text"))


def _texts(node: Any, pattern: tuple[str, ...], path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """The strings at `pattern` ("*" for every item of a list) below `node`, with their paths."""
    if not pattern:
        if isinstance(node, str):
            yield path, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*" and isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, rest, (*path, i))
    elif head != "*" and isinstance(node, dict) and head in node:
        yield from _texts(node[head], rest, (*path, head))


def empty_value(path: FieldPath, *, typed_after_key: bool = False) -> str:
    """'title is empty: write the title'. With `typed_after_key`, where to type it too (nothing
    follows the key's colon yet)."""
    where = f" after '{_key(path)}: '" if typed_after_key else ""
    return f"{dotted(path)} is empty: write {what_to_write(path)}{where}"


def prose_fields(data: dict[str, Any], kind: str = "question") -> Iterator[tuple[FieldPath, str]]:
    """Every Markdown text of a bank file (a question, bank.yaml or topics.yaml) with its field path:
    what the exporters render, so what the math rules check."""
    if kind == "bank":
        yield from _bank_prose(data)
        return
    if kind == "topics":
        yield from _texts(data, ("topics", "*", "summary"))
        return
    for name in ("title", "prompt", "answer"):
        if isinstance(data.get(name), str):
            yield (name,), data[name]
    rubric = data.get("rubric")
    if isinstance(rubric, dict):
        for level in RUBRIC_LEVELS:
            if isinstance(rubric.get(level), str):
                yield ("rubric", level), rubric[level]
    companies = data.get("companies")
    if isinstance(companies, list):
        for i, note in enumerate(companies):
            if isinstance(note, dict) and isinstance(note.get("expects"), str):
                yield ("companies", i, "expects"), note["expects"]
