"""The JSON export as an app reads it (schema 1.2): prose as inert HTML beside the Markdown, `see` as
typed references, practice-plan references expanded to question ids, claims' values as numbers; and
every document still valid under the older published schemas (1.1.0, 1.0.0), which apps may pin."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bank_edits import edit
from export_helpers import GOLDEN, REAL_BANK, export
from site_html import active_content, parse

from mlbank.bank import load_bank
from mlbank.claims.stated import parse_stated
from mlbank.exporters import json_export
from mlbank.exporters.view import Filters, build_view, natural_key, plan_questions
from mlbank.model import Question
from mlbank.render import inline_html, plain_html, to_html

SCHEMAS = {
    "current": Path(__file__).parents[2] / "schema" / "export.schema.json",
    "1.1.0": GOLDEN / "export.schema.1.1.0.json",
    "1.0.0": GOLDEN / "export.schema.1.0.0.json",
}


def export_json(bank: Path, folder: Path, *only: str) -> dict[str, Any]:
    out = folder / "bank.json"
    run = export("--format", "json", *(a for o in only for a in ("--only", o)), "--out", out, bank)
    assert run.code == 0, run.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def mini(shared_minibank: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return export_json(shared_minibank, tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return export_json(REAL_BANK, tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module")
def screening(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return export_json(REAL_BANK, tmp_path_factory.mktemp("screening"), "section=screening")


def bank_questions() -> dict[str, Question]:
    bank = load_bank(REAL_BANK)
    return {d.model.id: d.model for d in bank.questions if isinstance(d.model, Question)}


def ids_in(section: str) -> list[str]:
    """The bank's question ids of one section, from its file names, in number order."""
    return sorted(
        (p.name.split("-")[0] for p in (REAL_BANK / "questions" / section).glob("*.yaml")), key=natural_key
    )


# --- schemas: the new one and every older one an app may have pinned -------------------------------


@pytest.mark.parametrize("version", list(SCHEMAS))
@pytest.mark.parametrize("which", ["mini", "real", "screening"])
def test_export_validates_against_new_and_old_schemas(
    version: str, which: str, request: pytest.FixtureRequest
) -> None:
    schema = json.loads(SCHEMAS[version].read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(request.getfixturevalue(which))


def test_new_schema_requires_the_new_fields(mini: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMAS["current"].read_text(encoding="utf-8")))
    assert mini["schema_version"] == "1.2.0"
    for key in ("answer_html", "references", "rubric_html", "title_html"):
        broken = json.loads(json.dumps(mini))
        del broken["questions"][0][key]
        assert not validator.is_valid(broken), key
    broken = json.loads(json.dumps(mini))
    broken["questions"][0]["references"][0]["kind"] = "section"
    assert not validator.is_valid(broken)


def test_schema_tells_apps_how_to_render_html_and_read_plan_refs() -> None:
    text = SCHEMAS["current"].read_text(encoding="utf-8")
    assert "\\\\(...\\\\)" in text and "\\\\[...\\\\]" in text and "currency" in text
    assert "q01..q10" in text and "exported" in text


# --- prose as HTML ---------------------------------------------------------------------------------


def html_pairs(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path, Markdown value, its *_html sibling) for every *_html key in the document; a reference's
    title is Markdown for a question and plain text for a topic (the value is then ("plain", text))."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_html"):
                source = node[key.removesuffix("_html")]
                yield f"{path}.{key}", ("plain", source) if node.get("kind") == "topic" else source, value
            else:
                yield from html_pairs(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from html_pairs(value, f"{path}[{i}]")


def expected_html(path: str, markdown: Any) -> Any:
    if markdown is None:
        return None
    if isinstance(markdown, tuple):
        return plain_html(markdown[1])
    if isinstance(markdown, list):
        return [to_html(m) for m in markdown]
    if isinstance(markdown, dict):
        return {k: to_html(v) for k, v in markdown.items()}
    return inline_html(markdown) if path.endswith(".title_html") else to_html(markdown)


def test_every_html_field_is_its_markdown_sibling_rendered(real: dict[str, Any]) -> None:
    pairs = list(html_pairs(real))
    for path, markdown, rendered in pairs:
        assert rendered == expected_html(path, markdown), path
    names = {p.rsplit(".", 1)[1].split("[")[0] for p, _, _ in pairs}
    assert names == {
        "description_html",
        "method_html",
        "text_html",
        "summary_html",
        "title_html",
        "prompt_html",
        "answer_html",
        "rubric_html",
        "expects_html",
    }
    assert len(
        [p for p in pairs if p[0].startswith(".questions") and ".references[" not in p[0]]
    ) == 65 * 4 + sum(len(q["companies"]) for q in real["questions"])
    assert len([p for p in pairs if ".references[" in p[0]]) == sum(len(q["see"]) for q in real["questions"])


def test_math_is_kept_for_auto_render_and_currency_is_plain(mini: dict[str, Any]) -> None:
    q01 = mini["questions"][0]
    assert q01["title_html"] == "Log loss"
    assert "\\(L = -[y \\log p + (1 - y) \\log(1 - p)]\\)" in q01["answer_html"]
    assert "\\(-\\log(0.01) \\approx 4.6\\)" in q01["answer_html"]
    assert "A $50 budget" in q01["answer_html"] and "$" not in q01["answer_html"].replace("$50", "")
    assert q01["rubric_html"]["no_hire"] == "<p>Says accuracy.</p>"
    assert q01["companies"][0]["expects_html"] == "<p>The formula.</p>"
    assert mini["sections"][0]["description_html"] is None


def dangers(fragment: str) -> list[str]:
    """What could run or load in a fragment (tests/site_html.py), and any link that is not https."""
    page = parse(fragment)
    return active_content(page) + [f"href={h!r}" for h in page.hrefs if not h.startswith("https://")]


ATTACKS = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) "
    "[y](JaVaScRiPt:alert(1)) [z](data:text/html,hi) [ok](https://ok.example)"
)
TITLE_ATTACK = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The mini bank with every prose field of a question and of bank.yaml and topics.yaml attacked."""
    from export_helpers import fresh_minibank

    folder = tmp_path_factory.mktemp("hostile")
    bank = fresh_minibank(folder)
    q01 = bank / "questions/screening/q01-log-loss.yaml"
    edit(q01, "title: Log loss", f"title: '{TITLE_ATTACK}'")
    for old in ("with?", "training data.", "mistakes.", "why.", "accuracy.", "formula."):
        edit(q01, f"{old}\n", f"{old} {ATTACKS}\n")
    edit(bank / "bank.yaml", "build on.\n", f"build on. {ATTACKS}\n")
    edit(bank / "bank.yaml", "id_prefix: q\n", f"id_prefix: q\n    description: '{ATTACKS}'\n")
    edit(bank / "bank.yaml", "Answer everything.", f"Answer everything. {ATTACKS}")
    edit(bank / "bank.yaml", "Answer aloud.", f"Answer aloud. {ATTACKS}")
    edit(
        bank / "bank.yaml",
        "levels:",
        f"framework:\n  - {{id: what, title: What, text: '{ATTACKS}'}}\nlevels:",
    )
    edit(bank / "topics.yaml", "plus noise.", f"plus noise. {ATTACKS}")
    return export_json(bank, folder)


def fragments(rendered: str | list[str] | dict[str, str]) -> list[str]:
    if isinstance(rendered, dict):
        return list(rendered.values())
    return rendered if isinstance(rendered, list) else [rendered]


def test_hostile_prose_is_inert_in_every_html_field(hostile: dict[str, Any]) -> None:
    pairs = list(html_pairs(hostile))
    attacked = [(p, r) for p, m, r in pairs if "alert(1)" in json.dumps(m)]
    assert len(attacked) == 11, [p for p, _ in attacked]  # every field planted above
    for path, rendered in attacked:
        for fragment in fragments(rendered):
            assert dangers(fragment) == [], (path, fragment)
            assert "&lt;script&gt;" in fragment, (path, fragment)
    assert hostile["questions"][0]["title_html"].startswith("&quot;&gt;&lt;script&gt;")
    answer = hostile["questions"][0]["answer_html"]
    assert answer.count("<a ") == 1 and '<a href="https://ok.example">ok</a>' in answer


# --- typed references ------------------------------------------------------------------------------


def test_references_type_and_title_every_see_entry(real: dict[str, Any]) -> None:
    topics = {t["id"]: t["title"] for t in real["topics"]}
    questions = bank_questions()
    count = 0
    for q in real["questions"]:
        assert [r["id"] for r in q["references"]] == q["see"]
        for ref in q["references"]:
            if ref["kind"] == "topic":
                assert ref["title"] == topics[ref["id"]] and ref["exported"] is True
            else:
                assert ref["kind"] == "question" and ref["id"] not in topics
                assert ref["title"] == questions[ref["id"]].title and ref["exported"] is True
            count += 1
    assert count > 100


def test_references_outside_the_selection_keep_their_title_and_are_marked(
    screening: dict[str, Any], real: dict[str, Any]
) -> None:
    exported = {q["id"] for q in screening["questions"]}
    assert exported == set(ids_in("screening"))
    full = {q["id"]: q["references"] for q in real["questions"]}
    outside = 0
    for q in screening["questions"]:
        for ref, before in zip(q["references"], full[q["id"]], strict=True):
            assert {**ref, "exported": True} == before  # same kind, id and title as in the full export
            assert ref["exported"] is (ref["kind"] == "topic" or ref["id"] in exported)
            outside += not ref["exported"]
    assert outside > 0  # the bank's screening questions do point at deep dives


# --- practice plan ---------------------------------------------------------------------------------


def plan_tasks(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [task for day in data["bank"]["practice"]["plan"] for task in day["tasks"]]


def test_plan_refs_expand_to_the_questions_they_name(real: dict[str, Any]) -> None:
    expanded = {tuple(t["refs"]): t["questions"] for t in plan_tasks(real) if t["refs"]}
    assert expanded[("screening",)] == ids_in("screening")
    assert expanded[("quick-fire",)] == ids_in("quick-fire")
    assert expanded[("company",)] == ids_in("company")
    assert expanded[("q01..q10",)] == [f"q{n:02d}" for n in range(1, 11)]
    assert expanded[("q16..q25",)] == [f"q{n:02d}" for n in range(16, 26)]
    assert expanded[("q26..q30",)] == [f"q{n:02d}" for n in range(26, 31)]
    assert expanded[("q26",)] == ["q26"]
    assert all(t["questions"] == [] for t in plan_tasks(real) if not t["refs"])


def test_plan_lists_keep_only_exported_questions_in_order(
    screening: dict[str, Any], real: dict[str, Any]
) -> None:
    exported = {q["id"] for q in screening["questions"]}
    for mine, full in zip(plan_tasks(screening), plan_tasks(real), strict=True):
        assert mine["refs"] == full["refs"]
        assert mine["questions"] == [q for q in full["questions"] if q in exported]
    assert [s["questions"] for s in screening["sections"]] == [ids_in("screening"), [], [], [], []]


def test_plan_forms_order_and_duplicates(shared_minibank: Path) -> None:
    view = build_view(load_bank(shared_minibank), Filters())
    assert plan_questions(view, ["qf01", "loss-functions", "screening", "q01..q01", "qf01"]) == [
        "qf01",
        "q01",
    ]
    assert plan_questions(view, ["bias-variance"]) == ["qf01"]
    assert plan_questions(view, ["quick-fire", "q01"]) == ["qf01", "q01"]
    assert plan_questions(view, ["q01..qf01"]) == ["q01", "qf01"]  # no range across prefixes
    assert plan_questions(view, ["nothing-here", "q99"]) == []  # lint reports these (MB205)


def test_ranges_span_ids_not_positions() -> None:
    view = build_view(load_bank(REAL_BANK), Filters())
    assert plan_questions(view, ["q14..q17"]) == ["q14", "q15", "q16", "q17"]  # two sections
    assert plan_questions(view, ["q03..q01"]) == ["q01", "q02", "q03"]
    only = build_view(load_bank(REAL_BANK), Filters.parse(["section=deep-dive"]))
    assert plan_questions(only, ["q14..q17", "screening"]) == ["q16", "q17"]


# --- numbers beside the exact strings ---------------------------------------------------------------


def test_claim_numbers_equal_their_strings(real: dict[str, Any]) -> None:
    claims = [c for q in real["questions"] for c in q["worked"]]
    for c in claims:
        if c["value"] is None:
            assert c["value_number"] is None and c["rounded_number"] is None and c["equals"] is not None
            continue
        assert isinstance(c["value_number"], int | float) and isinstance(c["rounded_number"], int | float)
        assert c["value_number"] == float(c["value"])
        assert c["rounded_number"] == float(parse_stated(c["rounded"]).value)
        assert math.isclose(c["value_number"], c["rounded_number"], rel_tol=0.05, abs_tol=0.01), c
    by_says = {c["says"]: c for c in claims}
    assert by_says["87%"]["rounded"] == "87%" and by_says["87%"]["rounded_number"] == 0.87
    assert by_says["100x"]["rounded_number"] == 100 and by_says["99:1"]["rounded_number"] == 99
    assert by_says["4.6"]["value_number"] == 4.60517018598809


def test_numbers_json_cannot_hold_are_null() -> None:
    assert json_export.as_number("1e400") is None and json_export.as_number("-1e400") is None
    assert json_export.as_number("87%") == 0.87 and json_export.as_number(None) is None
