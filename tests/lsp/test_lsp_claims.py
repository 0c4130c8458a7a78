"""Claims never hold diagnostics up: the other findings come at once, the claims' when proven."""

from __future__ import annotations

import pytest
from lsp_editor import Editor

pytestmark = pytest.mark.asyncio

Q01 = "questions/screening/q01-log-loss.yaml"
QF01 = "questions/quick-fire/qf01-bias.yaml"

# Passes every static cap, yet sympy needs seconds for it: the worker's 3 s claim budget stops it.
SLOW = " + ".join(f"sqrt(factorial(1000) + {k})" for k in (1, 3, 7, 9, 11, 13))


def with_claim(text: str, says: str, expr: str) -> str:
    answer = "Error from assumptions too simple to capture the true pattern."
    text = text.replace(answer, f"{answer[:-1]}; 1 + 1 is {says}.")
    return text.replace("review:", f'worked:\n  - says: "{says}"\n    expr: {expr}\nreview:')


async def test_a_slow_claim_never_holds_up_diagnostics(editor: Editor) -> None:
    qf01 = (editor.bank / QF01).read_text(encoding="utf-8")
    editor.open(QF01)
    editor.change(QF01, with_claim(qf01, "3", SLOW).replace("[bias-variance]", "[bias-varianze]"))
    first = [str(d.code) for d in await editor.published(QF01)]
    assert "MB200" in first and "MB402" not in first  # published before the claim's verdict
    q01 = (editor.bank / Q01).read_text(encoding="utf-8")
    editor.open(Q01)
    editor.change(Q01, q01.replace("[loss-functions]", "[loss-functionz]"))
    assert "MB200" in [str(d.code) for d in await editor.published(Q01)]
    assert "MB402" not in editor.codes(QF01)  # q01 was linted while the claim was being computed
    await editor.until(lambda: "MB402" in editor.codes(QF01))
    (stopped,) = [d for d in editor.diagnostics(QF01) if d.code == "MB402"]
    assert "took longer than" in stopped.message


async def test_a_wrong_number_is_reported_when_proven_and_cleared_when_fixed(editor: Editor) -> None:
    qf01 = (editor.bank / QF01).read_text(encoding="utf-8")
    editor.open(QF01)
    editor.change(QF01, with_claim(qf01, "3", "1 + 1"))
    await editor.until(lambda: "MB400" in editor.codes(QF01))
    (fails,) = [d for d in editor.diagnostics(QF01) if d.code == "MB400"]
    assert "1 + 1 = 2" in fails.message
    editor.change(QF01, with_claim(qf01, "2", "1 + 1"))
    await editor.until(lambda: "MB400" not in editor.codes(QF01) and "MB601" in editor.codes(QF01))
