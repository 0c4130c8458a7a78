"""The rule registry is complete and every rule documents itself."""

from __future__ import annotations

import pkgutil

import mlbank.rules
from mlbank.rules import RULES, lookup, summary


def test_every_module_is_registered() -> None:
    modules = {m.name for m in pkgutil.iter_modules(mlbank.rules.__path__) if m.name.startswith("mb")}
    registered = {rule.__name__.rsplit(".", 1)[1] for rule in RULES.values()}
    assert modules == registered


def test_codes_and_names_are_unique_and_well_formed() -> None:
    names = [rule.RULE.name for rule in RULES.values()]
    assert len(set(names)) == len(names)
    for code, rule in RULES.items():
        assert rule.RULE.code == code
        assert code.startswith("MB") and len(code) == 5 and code[2:].isdigit()
        assert rule.__name__.rsplit(".", 1)[1].startswith(code.lower() + "_")


def test_every_docstring_has_summary_and_examples() -> None:
    for code, rule in RULES.items():
        doc = rule.__doc__ or ""
        assert summary(rule).endswith("."), code
        assert "Bad::" in doc and "Good::" in doc, f"{code} needs a Bad:: and a Good:: example"
        assert doc.index("Bad::") < doc.index("Good::")


def test_lookup_by_code_or_name() -> None:
    assert lookup("mb102") is RULES["MB102"]
    assert lookup("rubric") is RULES["MB102"]
    assert lookup("nope") is None
