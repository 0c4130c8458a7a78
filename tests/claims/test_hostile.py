"""Hostile texts: every one refused quickly, by reading alone, and nothing it asks for ever happens.

Each would-be side effect targets a marker file; the marker must still be absent afterwards. The
texts go through every field that reads user text and through the worker's own entry point.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mlbank.claims import ClaimError, ClaimSpec, check_claims, parse_expression, validate_claim


def _corpus(marker: Path) -> list[str]:
    return [
        "import os",
        f"__import__('os').system('touch {marker}')",
        f"__import__('pathlib').Path('{marker}').touch()",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__",
        "__builtins__",
        "lambda: 1",
        "(lambda: 1)()",
        "open('/etc/passwd')",
        f"open('{marker}', 'w')",
        "eval('1')",
        "exec('1')",
        "9**9**9**9",
        "2^2^2^2^2",
        "factorial(10**8)",
        "factorial(100000)",
        "exp(exp(exp(10)))",
        "(" * 5000 + "1" + ")" * 5000,
        "1+" * 50_000 + "1",
        "\u0664.\u0666",
        "\u0664 + 1",
        f'f\'{{open("{marker}", "w")}}\'',
        "(x := 1)",
        "[x for x in range(10**9)]",
        "{x: 1 for x in y}",
        "(x for x in y)",
        "x if y else z",
        "a[0]",
        "a[1:2]",
        "await x",
        "*x",
        "'a' * 10**9",
        "b'bytes'",
        "...",
        "\x00",
        "1\n+ 1",
        "log(x, base=2)",
        "getattr(x, 'y')",
        "globals()",
        "sympify('1')",
    ]


def test_every_hostile_expression_is_refused_quickly_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    for text in _corpus(marker):
        started = time.monotonic()
        with pytest.raises(ClaimError):
            parse_expression(text)
        assert time.monotonic() - started < 2, text[:60]
    assert not marker.exists()


def test_hostile_text_in_every_field_is_an_invalid_claim(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    specs: list[ClaimSpec] = []
    for text in _corpus(marker):
        specs += [
            ClaimSpec(text, says="1"),
            ClaimSpec("x", says="1", where=(("x", text),)),
            ClaimSpec("x", equals=text, domain=(("x", "[0, 1]"),)),
            ClaimSpec("1", says=text),
            ClaimSpec("1", says="1", tolerance=text),
            ClaimSpec("x", equals="x", domain=(("x", text),)),
            ClaimSpec("1", says="1", where=((text, "1"),)),
        ]
    started = time.monotonic()
    verdicts = check_claims(specs)  # all invalid: no worker starts, so nothing could run there either
    assert time.monotonic() - started < 2
    assert all(verdict.status == "invalid" for verdict in verdicts)
    assert all(validate_claim(spec) for spec in specs)
    assert not marker.exists()


def test_the_worker_entry_point_refuses_them_too(tmp_path: Path) -> None:
    """evaluate_claim re-validates, so even a spec that skipped validate_claim cannot run code."""
    from mlbank.claims.evaluate import evaluate_claim

    marker = tmp_path / "executed"
    for text in _corpus(marker):
        assert evaluate_claim(ClaimSpec(text, says="1")).status == "invalid"
        assert evaluate_claim(ClaimSpec("x", says="1", where=(("x", text),))).status == "invalid"
    assert not marker.exists()


@pytest.mark.parametrize(
    "spec",
    [
        ClaimSpec("2^n", says="1", where=(("n", "100000"),)),
        ClaimSpec("factorial(n)", says="1", where=(("n", "10^8"),)),
        ClaimSpec("exp(x)", says="1", where=(("x", "exp(exp(10))"),)),
        ClaimSpec("2^n", equals="n", domain=(("n", "integer [0, 100000]"),)),
        ClaimSpec("factorial(n)", equals="n", domain=(("n", "integer [0, 5000]"),)),
        ClaimSpec("a", says="1", where=(("a", "b"), ("b", "a"))),
        ClaimSpec(
            "a",
            says="1",
            where=(*((f"v{i}", f"v{i + 1} + v{i + 1}") for i in range(30)), ("v30", "1"), ("a", "v0")),
        ),
    ],
)
def test_bindings_cannot_smuggle_in_what_the_text_may_not_say(spec: ClaimSpec) -> None:
    started = time.monotonic()
    assert validate_claim(spec) is not None
    assert time.monotonic() - started < 2
