"""The proof a formatted text must pass before it is written: it loads (by mlbank's loader and by
ruamel's safe loader) to exactly the data fmt means to write (`intended`), and it keeps every comment.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from mlbank.formatter.layout import QUOTED, matches
from mlbank.loader import FieldPath, NodeInfo, parse_yaml
from mlbank.trailing_whitespace import without_trailing_blanks

_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#[^\n]*", re.MULTILINE)


def changed_data(before: str, after: str, kind: str) -> str | None:
    """Why `after` does not load (by both loaders) to the data fmt means to write for `before`, or None."""
    old, nodes, _ = parse_yaml(before)
    new, _, problems = parse_yaml(after)
    if problems:
        return f"the result does not load: {problems[0].message}"
    where = difference(intended(old, nodes, kind), new, ())
    if where is not None:
        return f"mlbank's loader reads {where} differently"
    try:
        safe = YAML(typ="safe")
        old_safe, new_safe = safe.load(before), safe.load(after)
    except YAMLError as exc:
        return f"ruamel's safe loader fails: {exc}"
    where = difference(intended(old_safe, nodes, kind), new_safe, ())
    if where is not None:
        return f"ruamel's safe loader reads {where} differently"
    return None


def intended(value: Any, nodes: Mapping[FieldPath, NodeInfo], kind: str, path: FieldPath = ()) -> Any:
    """The data fmt writes for loaded data: every text without accidental trailing whitespace, and a
    number where text belongs (QUOTED) as the text it was written as (`nodes` hold that text)."""
    if isinstance(value, str):
        return without_trailing_blanks(value)
    if isinstance(value, dict):
        return {k: intended(v, nodes, kind, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [intended(v, nodes, kind, (*path, i)) for i, v in enumerate(value)]
    info = nodes.get(path)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and info is not None and info.style == "" and info.raw and matches(path, QUOTED[kind]):
        return info.raw
    return value


def difference(a: Any, b: Any, path: tuple[Any, ...]) -> str | None:
    """The first path where two loaded values differ, strictly (1, 1.0 and True are different)."""
    where = "/".join(str(p) for p in path) or "the document"
    if type(a) is not type(b):
        return where
    if isinstance(a, dict):
        if set(a) != set(b):
            return where
        return next((d for k in a if (d := difference(a[k], b[k], (*path, k))) is not None), None)
    if isinstance(a, list):
        if len(a) != len(b):
            return where
        pairs = enumerate(zip(a, b, strict=True))
        return next((d for i, (x, y) in pairs if (d := difference(x, y, (*path, i))) is not None), None)
    if isinstance(a, float):
        same = (math.isnan(a) and math.isnan(b)) or repr(a) == repr(b)
        return None if same else where
    return None if a == b else where


def lost_comment(before: str, after: str) -> str | None:
    """A comment of `before` that `after` no longer has, if any."""
    if "#" not in before:
        return None
    missing = Counter(comments_in(before)) - Counter(comments_in(after))
    return next(iter(missing), None)


def comments_in(text: str) -> list[str]:
    """The comments of a YAML text: '#' at a line start or after a space, outside every token
    (a block scalar's token starts after its indicator line)."""
    spans = []
    for token in YAML(typ="safe", pure=True).scan(text):
        start, end = token.start_mark.index, token.end_mark.index
        if getattr(token, "style", None) in ("|", ">"):  # a comment may follow the indicator
            start = text.find("\n", start)
        if end > start >= 0:
            spans.append((start, end))
    starts = [start for start, _ in spans]
    found = []
    for match in _COMMENT.finditer(text):
        i = bisect.bisect_right(starts, match.start()) - 1
        if i < 0 or spans[i][1] <= match.start():
            found.append(match.group().rstrip())
    return found
