"""A verdict cache on disk: one JSON file per claim, named by a hash of everything that decides it.

The key covers a cache format number, mlbank's version and the whole spec, so a new release or a
changed claim never reads an old answer. Only holds/fails are stored: "invalid" may be a timeout
that a faster run would settle. An entry is trusted only when it parses and repeats the exact spec
it answers; anything else (corrupt, truncated, foreign, unreadable) is ignored and recomputed.
Writes go to a temporary file first and are moved in with os.replace, so a reader never sees half.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import mlbank
from mlbank.claims.spec import ClaimSpec, Verdict, spec_to_json, verdict_from_json, verdict_to_json

CACHE_FORMAT = 1


def _version() -> str:
    return str(getattr(mlbank, "__version__", "unknown"))


def cache_key(spec: ClaimSpec) -> str:
    text = json.dumps([CACHE_FORMAT, _version(), spec_to_json(spec)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def read_cached(cache_dir: Path, spec: ClaimSpec) -> Verdict | None:
    key = cache_key(spec)
    try:
        data: Any = json.loads((cache_dir / f"{key}.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        if data.get("spec") != spec_to_json(spec):
            return None
        verdict = verdict_from_json(data.get("verdict"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return verdict if verdict.status in ("holds", "fails") else None


def write_cached(cache_dir: Path, spec: ClaimSpec, verdict: Verdict) -> None:
    """Store a settled verdict; a cache that cannot be written only costs speed, so say nothing."""
    if verdict.status not in ("holds", "fails"):
        return
    key = cache_key(spec)
    entry = {
        "format": CACHE_FORMAT,
        "version": _version(),
        "key": key,
        "spec": spec_to_json(spec),
        "verdict": verdict_to_json(verdict),
    }
    with contextlib.suppress(OSError):
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache_dir, prefix=f".{key[:12]}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream, sort_keys=True)
            os.replace(temporary, cache_dir / f"{key}.json")
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
