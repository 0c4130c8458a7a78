"""What the per-file stage gives for one question file, and its one serialisation.

A FileResult holds the file's per-file findings (before suppressions and severities are applied), a
slim copy of its document (the top-level keys the bank-wide rules declare they read, and its text)
and its DocFacts (the derived facts the bank-wide rules declare they read, plus its suppression
comments). Worker processes send it back pickled; the disk store keeps it as JSON through
`to_json`/`from_json`, checked field by field when read: a malformed entry is linted again, never
trusted.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mlbank.cache import finding_from
from mlbank.finding import Finding
from mlbank.loader import Document, Reparsed

if TYPE_CHECKING:
    from mlbank.claims import ClaimSpec
    from mlbank.suppress import Suppression

ClaimSpecs = tuple[tuple[int, "ClaimSpec"], ...]  # a question's claims: (index in worked:, spec)

# The derived facts a bank-wide rule can declare it reads (FACTS in its module).
FINGERPRINTS = "fingerprints"
CLAIMS = "claims"


class DocFacts(NamedTuple):
    """What the bank-wide stage needs of a document beyond its slim copy (Document.slim)."""

    suppressions: tuple[Suppression, ...]
    fingerprints: tuple[bytes | None, ...] | None  # None: no active rule reads them
    claims: ClaimSpecs | None  # None: no active rule reads them


class FileResult(NamedTuple):
    """One question file's results from the per-file stage."""

    findings: list[Finding]
    doc: Document  # the slim copy (Document.slim)
    facts: DocFacts

    def to_json(self) -> dict[str, Any]:
        doc, facts = self.doc, self.facts
        return {
            "digest": doc.digest,
            "display": doc.display,
            "findings": [f.as_dict() for f in self.findings],
            "data": doc.data,
            "suppressions": [
                [s.line, s.column, list(s.codes), s.reason, s.first, s.last] for s in facts.suppressions
            ],
            "fingerprints": None if facts.fingerprints is None else [_b64(p) for p in facts.fingerprints],
            "claims": None if facts.claims is None else [_spec_row(i, spec) for i, spec in facts.claims],
        }

    @classmethod
    def from_json(cls, path: Path, raw: Any, text: str | None = None) -> FileResult:
        """A stored result, or TypeError/ValueError/KeyError/IndexError when it is malformed. Its
        document holds no text: positions are parsed again from `text` (an unsaved buffer) or from
        the file, only if a bank-wide rule reports on it."""
        from mlbank.suppress import Suppression

        _expect(raw, dict)
        display = _str(raw["display"])
        data = raw["data"]
        if data is not None:
            _expect(data, dict)
        facts = DocFacts(
            tuple(
                Suppression(display, _int(s[0]), _int(s[1]), _strs(s[2]), _str(s[3]), _int(s[4]), _int(s[5]))
                for s in _list(raw["suppressions"])
            ),
            None
            if raw["fingerprints"] is None
            else tuple(None if p is None else _unb64(p) for p in _list(raw["fingerprints"])),
            None if raw["claims"] is None else _specs(raw["claims"]),
        )
        findings = [finding_from(f) for f in _list(raw["findings"])]
        if any(f.path != display for f in findings):
            raise ValueError("a remembered finding names another file")
        nodes = (Reparsed(text) if text is not None else Reparsed(path=path)) if data is not None else {}
        return cls(findings, Document(path, display, "", data, nodes, digest=_str(raw["digest"])), facts)


class Change(NamedTuple):
    """One question file as the bank-wide stage saw it before and sees it now (None: absent)."""

    display: str
    before: FileResult | None
    after: FileResult | None


def survives_json(data: Any) -> bool:
    """Slim data comes back from JSON unchanged: same types all the way down (NaN, infinity or a
    non-string key would not)."""
    try:
        return _same(json.loads(json.dumps(data, allow_nan=False)), data)
    except (TypeError, ValueError, RecursionError):
        return False


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _spec_row(item: int, spec: ClaimSpec) -> list[Any]:
    return [
        item,
        spec.expr,
        spec.says,
        spec.equals,
        [list(w) for w in spec.where],
        [list(d) for d in spec.domain],
        spec.tolerance,
    ]


def _specs(rows: Any) -> ClaimSpecs:
    from mlbank.claims import ClaimSpec

    out = []
    for row in _list(rows):
        item, expr, says, equals, where, domain, tolerance = _list(row)
        spec = ClaimSpec(
            expr=_str(expr),
            says=_opt_str(says),
            equals=_opt_str(equals),
            where=tuple((_str(k), _str(v)) for k, v in map(_list, _list(where))),
            domain=tuple((_str(k), _str(v)) for k, v in map(_list, _list(domain))),
            tolerance=_opt_str(tolerance),
        )
        out.append((_int(item), spec))
    return tuple(out)


def _b64(blob: bytes | None) -> str | None:
    return None if blob is None else base64.b64encode(blob).decode("ascii")


def _unb64(text: Any) -> bytes:
    blob = base64.b64decode(_str(text), validate=True)
    if len(blob) % 8:
        raise ValueError("a fingerprint is a whole number of 8-byte hashes")
    return blob


def _expect(value: Any, kind: type) -> Any:
    if type(value) is not kind:
        raise TypeError(f"expected {kind.__name__}")
    return value


def _int(value: Any) -> int:
    return int(_expect(value, int))


def _str(value: Any) -> str:
    return str(_expect(value, str))


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError("expected list")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(_str(v) for v in _list(value))
