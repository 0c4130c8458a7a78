"""A question's `worked:` claims as the claims engine's input, and where each one sits in the file.

`where:` values are taken from their YAML source text, so `0.10` reaches the engine as written
rather than as the float YAML made of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from mlbank.loader import Document

if TYPE_CHECKING:
    from mlbank.claims import ClaimSpec

FIELDS = ("says", "expr", "equals", "tolerance")


class Located(NamedTuple):
    doc: Document
    item: int  # its place in the worked: list
    spec: ClaimSpec


def located_in(doc: Document, specs: Iterable[tuple[int, ClaimSpec]]) -> list[Located]:
    """A document's well-formed claims (by their place in its worked: list), each with its place."""
    return [Located(doc, item, spec) for item, spec in specs]


def spec_of(doc: Document, index: int, claim: Mapping[str, Any]) -> ClaimSpec | None:
    """The spec for one claim mapping, or None when its shape is wrong (the schema rule says why)."""
    from mlbank.claims import ClaimSpec

    texts = {name: claim.get(name) for name in FIELDS}
    if not isinstance(texts["expr"], str) or any(
        v is not None and not isinstance(v, str) for v in texts.values()
    ):
        return None
    where, domain = claim.get("where", {}), claim.get("domain", {})
    if not isinstance(where, dict) or not isinstance(domain, dict):
        return None
    if not all(isinstance(v, str) for v in domain.values()):
        return None

    def raw(name: str, value: Any) -> str:
        node = doc.nodes.get(("worked", index, "where", name))
        return node.raw if node is not None and node.raw is not None else str(value)

    return ClaimSpec(
        expr=texts["expr"],
        says=texts["says"],
        equals=texts["equals"],
        where=tuple((str(k), raw(str(k), v)) for k, v in where.items()),
        domain=tuple((str(k), v) for k, v in domain.items()),
        tolerance=texts["tolerance"],
    )


def claims_of(doc: Document) -> list[Located]:
    worked = doc.data.get("worked") if isinstance(doc.data, dict) else None
    out = []
    for index, claim in enumerate(worked if isinstance(worked, list) else []):
        if isinstance(claim, dict):
            spec = spec_of(doc, index, claim)
            if spec is not None:
                out.append(Located(doc, index, spec))
    return out
