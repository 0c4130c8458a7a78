"""The rule registry: one explicit dict from code to rule module.

Each module's docstring is the user documentation (`mlbank rule CODE`): a one-line summary, an
explanation, and a Bad:: and a Good:: example. tests/test_registry.py checks that every module in
this package is registered, codes and names are unique, and every docstring has its examples.
"""

from __future__ import annotations

import importlib
from typing import cast

from mlbank.rules.base import Rule

# The registry, in code order. tests/test_registry.py checks it lists every module of this package.
MODULES = (
    "mb001_yaml_syntax",
    "mb002_encoding",
    "mb003_too_large",
    "mb004_yaml_tag",
    "mb005_yaml_alias",
    "mb006_yaml_depth",
    "mb007_duplicate_key",
    "mb008_empty_file",
    "mb009_multi_document",
    "mb010_not_mapping",
    "mb011_yaml_misread_text",
    "mb100_schema",
    "mb101_empty_text",
    "mb102_rubric",
    "mb103_id_filename",
    "mb104_section_folder",
    "mb105_unquoted_value",
    "mb106_trailing_whitespace",
    "mb200_unknown_topic",
    "mb201_unknown_company",
    "mb202_unknown_level",
    "mb203_unused_topic",
    "mb204_no_topic",
    "mb205_unresolved_reference",
    "mb206_duplicate_id",
    "mb207_unknown_section",
    "mb208_duplicate_tag",
    "mb209_duplicate_label",
    "mb300_currency_dollar",
    "mb301_unbalanced_math",
    "mb302_math_wont_render",
    "mb400_claim_fails",
    "mb401_claim_not_in_text",
    "mb402_claim_invalid",
    "mb403_unchecked_result",
    "mb500_near_duplicate",
    "mb501_speaking_time",
    "mb502_placeholder",
    "mb503_suppression",
    "mb600_unreviewed",
    "mb601_stale_review",
    "mb602_expired_review",
    "mb603_untrusted_review",
)

_MODULES: tuple[Rule, ...] = tuple(
    cast(Rule, importlib.import_module(f"mlbank.rules.{name}")) for name in MODULES
)

RULES: dict[str, Rule] = {m.RULE.code: m for m in _MODULES}
BY_NAME: dict[str, Rule] = {m.RULE.name: m for m in _MODULES}


def lookup(code_or_name: str) -> Rule | None:
    """A rule by its code (MB102, case-insensitive) or its name (rubric)."""
    return RULES.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


def summary(rule: Rule) -> str:
    return (rule.__doc__ or "").strip().splitlines()[0]
