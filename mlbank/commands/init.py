"""`mlbank init [DIR]`: start a bank of one's own, in a project that has only mlbank installed.

It writes, into DIR (default: the working directory):

- `bank/bank.yaml`, `bank/topics.yaml` and one example question that passes lint, every key
  commented; the example carries no review stamp, since no one has reviewed it yet (MB600);
- `schema/*.schema.json`, generated from mlbank's models as `mlbank schema --write` does, so the
  `# yaml-language-server` line of every bank file resolves in this project, not only in mlbank's
  own repository (a pip-installed mlbank has no schema folder to point at);
- `.pre-commit-config.yaml` with mlbank's two hooks and a repository placeholder that makes
  pre-commit stop with an error naming it until someone fills it in (an existing one is left alone,
  and the hooks to add are printed);
- `docs/REVIEWING.md`, a review checklist to make the team's own: lint's MB600 message and
  `mlbank stats` name that file, which would otherwise exist only in mlbank's repository (an
  existing one is left alone);
- the configuration: a `[tool.mlbank]` table appended to an existing pyproject.toml (its text kept
  byte for byte), else an mlbank.toml, which does not turn a folder into a Python project.

Nothing is ever overwritten: if any of these files exists (or bank/ already holds files), nothing
is written and the message lists them. Each file is written atomically, and if one write fails
the files written before it are removed again, so a second run never meets half a scaffold.
The templates are package data (mlbank/scaffold/*.in, named so that no hook takes them for bank files).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any, NamedTuple

from mlbank import exit_codes
from mlbank.atomic import write_text
from mlbank.bank import display_path
from mlbank.commands import CommandResult
from mlbank.commands.schema import rendered
from mlbank.config import ConfigError, parse_toml
from mlbank.exit_codes import UsageError
from mlbank.formatter import schema_header
from mlbank.paths import BANK_FILE, QUESTIONS_DIR, SCHEMA_DIR, TOPICS_FILE

BANK_DIR = "bank"
EXAMPLE = f"{BANK_DIR}/{QUESTIONS_DIR}/screening/q01-why-averaging-models-reduces-variance.yaml"
# template -> (path in the project, file kind for its schema line)
BANK_TEMPLATES = {
    "bank.yaml.in": (f"{BANK_DIR}/{BANK_FILE}", "bank"),
    "topics.yaml.in": (f"{BANK_DIR}/{TOPICS_FILE}", "topics"),
    "question.yaml.in": (EXAMPLE, "question"),
}
HOOKS_FILE = ".pre-commit-config.yaml"
# Files a project may have already, its own: left as they are, never a reason to refuse.
OPTIONAL_TEMPLATES = {
    "pre-commit-config.yaml.in": HOOKS_FILE,
    "REVIEWING.md.in": "docs/REVIEWING.md",  # the checklist lint's MB600 message names
}
REPO_PLACEHOLDER = "FILL-IN-the-git-URL-of-mlbank"
PYPROJECT, OWN_CONFIG = "pyproject.toml", "mlbank.toml"


class NewFile(NamedTuple):
    path: Path
    text: str


class Scaffold(NamedTuple):
    created: list[NewFile]  # in the order they are written
    pyproject: NewFile | None  # pyproject.toml's text with the table appended; written last
    clashes: list[str]  # what already exists, as the user should see it
    kept: list[Path]  # optional files that exist already, left as they are


def run_init(directory: Path | None) -> CommandResult:
    root = _project_folder(directory or Path("."))
    cwd = Path.cwd()
    scaffold = plan(root, cwd)
    if scaffold.clashes:
        listed = "\n".join(f"  {clash}" for clash in scaffold.clashes)
        return CommandResult(
            exit_codes.FINDINGS,
            f"mlbank init: nothing written, because these already exist:\n{listed}\n"
            "Move them away, or run `mlbank init DIR` to start the bank in another folder.",
        )
    write_all(scaffold, cwd)
    return CommandResult(exit_codes.OK, _report(scaffold, root, cwd))


def plan(root: Path, cwd: Path) -> Scaffold:
    """Every file to write with its text, and what stands in the way; touches nothing."""
    created = []
    for template, (where, kind) in BANK_TEMPLATES.items():
        path = root / where
        header = schema_header(path, kind, root / SCHEMA_DIR)
        created.append(NewFile(path, f"{header}\n{_template(template)}"))
    created += [NewFile(root / SCHEMA_DIR / name, text) for name, text in rendered().items()]
    kept = [root / where for where in OPTIONAL_TEMPLATES.values() if (root / where).exists()]
    created += [
        NewFile(root / where, _template(template))
        for template, where in OPTIONAL_TEMPLATES.items()
        if root / where not in kept
    ]
    pyproject, config_clash = _configuration(root, cwd, created)
    clashes = [display_path(f.path, cwd) for f in created if f.path.exists() or f.path.is_symlink()]
    clashes += _folder_clashes(root, cwd, clashes)
    return Scaffold(created, pyproject, clashes + ([config_clash] if config_clash else []), kept)


def _folder_clashes(root: Path, cwd: Path, listed: list[str]) -> list[str]:
    """A file where a folder goes; a bank folder that already holds files (its own files not
    listed yet), where the example could collide with questions already there."""
    found = []
    for folder in (root / BANK_DIR, root / SCHEMA_DIR):
        shown = display_path(folder, cwd)
        if folder.exists() and not folder.is_dir():
            found.append(f"{shown} (a file, where mlbank init makes a folder)")
        elif (
            folder.name == BANK_DIR
            and folder.is_dir()
            and any(folder.iterdir())
            and not any(clash.startswith(shown + os.sep) for clash in listed)
        ):
            found.append(f"{shown}/ already holds files (is a bank there already?)")
    return found


def write_all(scaffold: Scaffold, cwd: Path) -> None:
    """Write every new file, then pyproject.toml; on a failure, remove what this run created."""
    made: list[Path] = []  # files and folders, in creation order
    current = None
    try:
        for new in scaffold.created:
            current = new.path
            made.extend(_make_folders(new.path.parent))
            write_text(new.path, new.text)
            made.append(new.path)
        if scaffold.pyproject is not None:
            current = scaffold.pyproject.path
            write_text(*scaffold.pyproject)
    except OSError as exc:
        for path in reversed(made):
            _remove(path)
        shown = display_path(current, cwd) if current is not None else "the project folder"
        raise UsageError(f"cannot write {shown}: {exc.strerror or exc}; nothing was written") from None


# --- configuration --------------------------------------------------------------------------------


def _configuration(root: Path, cwd: Path, created: list[NewFile]) -> tuple[NewFile | None, str | None]:
    """[tool.mlbank] for an existing pyproject.toml (returned), else an mlbank.toml (added to
    `created`); and the clash, if the project is configured already."""
    own = root / OWN_CONFIG
    if own.exists():  # mlbank.config reads it before pyproject.toml
        return None, display_path(own, cwd)
    project = root / PYPROJECT
    if not project.is_file():
        created.append(NewFile(own, config_table(in_pyproject=False)))
        return None, None
    text, tables = _read_toml(project, cwd)
    tool = tables.get("tool")
    if isinstance(tool, dict) and "mlbank" in tool:
        return None, f"{display_path(project, cwd)} already has [tool.mlbank]"
    return NewFile(project, _appended(project, text, cwd)), None


def config_table(in_pyproject: bool) -> str:
    """The configuration the scaffold starts with, as a pyproject table or a whole mlbank.toml."""
    table = (
        "[tool.mlbank]"
        if in_pyproject
        else "# mlbank's configuration; the same keys can go under [tool.mlbank] in pyproject.toml instead."
    )
    prefix = "tool.mlbank." if in_pyproject else ""
    return Template(_template("config.toml.in")).substitute(table=table, prefix=prefix)


def _appended(project: Path, text: str, cwd: Path) -> str:
    """pyproject.toml's text, unchanged, with the table after it; proven to parse to that table."""
    newline = "\r\n" if "\r\n" in text else "\n"
    ends = 2 if text.endswith(newline * 2) else 1 if text.endswith(newline) else 0
    gap = newline * (2 - ends) if text else ""  # one blank line before the table
    result = text + gap + config_table(in_pyproject=True).replace("\n", newline)
    why = ""
    try:
        tool = parse_toml(result).get("tool")
        ok = isinstance(tool, dict) and tool.get("mlbank") == parse_toml(config_table(in_pyproject=False))
    except ValueError as exc:
        ok, why = False, f" ({exc})"
    if not ok:
        raise ConfigError(
            f"{display_path(project, cwd)}: a [tool.mlbank] table cannot be added to it{why}; add "
            f'bank = "bank" under tool.mlbank yourself, or write it to an {OWN_CONFIG}; nothing was written'
        )
    return result


def _read_toml(path: Path, cwd: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8")
        return text, parse_toml(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(
            f"{display_path(path, cwd)}: cannot read it as TOML ({exc}): fix it, then run mlbank init "
            "again; nothing was written"
        ) from None


# --- files ----------------------------------------------------------------------------------------


def _project_folder(directory: Path) -> Path:
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a folder; name a new or existing folder to start the bank in")
    return directory.resolve()


def _template(name: str) -> str:
    return (files("mlbank") / "scaffold" / name).read_text(encoding="utf-8")


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones created, outermost first."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    for f in reversed(missing):
        f.mkdir()
    return list(reversed(missing))


def _remove(path: Path) -> None:
    try:
        if path.is_dir():
            path.rmdir()  # only when empty: a folder someone else filled meanwhile stays
        else:
            path.unlink()
    except OSError:
        pass


# --- the report -----------------------------------------------------------------------------------


def _report(scaffold: Scaffold, root: Path, cwd: Path) -> str:
    lines = [f"created {display_path(new.path, cwd)}" for new in scaffold.created]
    if scaffold.pyproject is not None:
        lines.append(f"added [tool.mlbank] to {display_path(scaffold.pyproject.path, cwd)}")
    hooks = display_path(root / HOOKS_FILE, cwd)
    for path in scaffold.kept:
        lines.append(f"left {display_path(path, cwd)} as it is")
        if path.name == HOOKS_FILE:
            entry = _template("pre-commit-config.yaml.in").split("repos:\n", 1)[1]
            lines[-1] += ": add mlbank's hooks to its repos:\n" + entry.rstrip()
    lines += ["", "Next:"]
    if root != cwd.resolve():
        lines.append(f"  cd {display_path(root, cwd)}")
    lines += [
        "  mlbank lint      # passes, with one warning (MB600) until someone reviews the example",
        '  mlbank new --section screening --topic ensembles "Your first question"',
    ]
    if root / HOOKS_FILE not in scaffold.kept:
        lines.append(f"  then in {hooks}, replace {REPO_PLACEHOLDER} and the rev, and `pre-commit install`")
    return "\n".join(lines)
