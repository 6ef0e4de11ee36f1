"""Move health_eval's flat modules into the sub-packages of ARCHITECTURE §3, and rewrite every
reference to them (issue 17 §4 "a layout that shows the flow").

Run at the repository root, on a clean or merged tree::

    python tools/relayout.py            # move with git mv, rewrite, check; prints what it did
    python tools/relayout.py --check    # only say what would move (exit 1 if anything would)

Exit status: 0 done; 1 something could not be rewritten (printed; nothing moved when the
rewrite failed, the tree is checked after); 2 not at the repository root; 3 done, but top-level
modules are left unplaced (printed).

The script is deterministic and idempotent: a module already in its place is left alone, and a
second run changes nothing. It works from :data:`MOVES` (a module or package of
``health_eval/`` → its new dotted place), so modules that other branches add are placed when
they are named there (``readings``, ``scoring_inverse``); a top-level module it does not know is
left in place and printed, for the lead to place by adding it to :data:`MOVES` and running the
script again.

What it rewrites, in every tracked text file of the tree:

* relative imports inside ``health_eval`` (and ``indicators/``, ``reports/``, which setuptools
  maps into it): resolved from the module's old place, mapped, made relative to its new place;
* ``from health_eval import dataset`` and ``from . import dataset`` (a moved module imported by
  name): the import names its new package, split when the names go to different places;
* dotted names anywhere — absolute imports, ``import health_eval.profile as p``, strings of
  monkeypatch targets, ``python -m``, ``importlib``, Jinja's ``PackageLoader``,
  ``resources.files``, pyproject's package-data keys, docstrings' ``:mod:`` references;
* paths ``health_eval/schema/v1/…``, ``health_eval/tables.py`` in code, docs and the Makefile;
* the lazy-import table ``_PUBLIC`` of ``health_eval/__init__.py``;
* pyproject.toml's ``packages`` (regenerated from the tree, as tests/test_packaging.py wants) and
  the profiles' package data (``health_eval.profiles`` becomes a package).

It then writes each new sub-package's ``__init__`` (what it owns, what it may import), sorts the
imports it touched with ruff, and checks: every Python file parses, every import inside
``health_eval`` resolves to a module of the new tree, no old dotted name or path is left, and
nothing it could not rewrite (``"health_eval" / "dataset.py"`` built from parts) remains. Any
failure is printed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: Each module (``x`` for ``health_eval/x.py``) or package (``x`` for ``health_eval/x/``) of the
#: flat layout → its dotted place under ``health_eval``, along the data's way (ARCHITECTURE §3).
MOVES: dict[str, str] = {
    # io — reading input as it comes, and the one writer of files
    "readers": "io.readers", "units": "io.units", "cells": "io.cells", "wide": "io.wide",
    "headers": "io.headers", "columns": "io.columns", "sample_values": "io.sample_values",
    "tables": "io.tables", "display_names": "io.display_names",
    "input_issues": "io.input_issues", "template_marks": "io.template_marks",
    "sheets": "io.sheets", "atomic": "io.atomic", "safe_names": "io.safe_names",
    "yaml_text": "io.yaml_text", "lookup": "io.lookup",
    # validate — the checks of the rule table
    "rules": "validate.rules", "validation": "validate.checks",
    # profiles — the method as data: profile models, typed params, scoring rules, readings
    "profile": "profiles.profile", "indicator_params": "profiles.indicator_params",
    "scoring": "profiles.scoring", "scoring_inverse": "profiles.scoring_inverse",
    "readings": "profiles.readings",
    # engine — from a Dataset to an EvaluationResult
    "api": "engine.api", "dataset": "engine.dataset", "inputs": "engine.inputs",
    "input_stage": "engine.input_stage", "registry": "engine.registry",
    "detail_fields": "engine.detail_fields", "details_table": "engine.details_table",
    "compute": "engine.compute",
    "batch": "engine.batch", "aggregate": "engine.aggregate", "supplied": "engine.supplied",
    "gaps": "engine.gaps", "result": "engine.result", "preview": "engine.preview",
    "gc_pause": "engine.gc_pause", "memory": "engine.memory",
    # service — the v1 contract, HTTP, the workbench
    "schema": "service.schema", "service": "service.http", "service_input": "service.input",
    "service_pool": "service.pool", "service_work": "service.work",
    "http_guard": "service.http_guard", "serving": "service.serving",
    "workbench": "service.workbench",
    # distributed — the Dask path and the partitioned archive it reads
    "distributed": "distributed.evaluate", "partitions": "distributed.partitions",
}

#: Top-level modules and packages that stay where they are: the bottom (vocabulary and issue
#: types), the shells and their products, and the sub-packages themselves.
STAY: frozenset[str] = frozenset({
    "__init__", "vocabulary", "issues", "issue_keys", "rule_catalogue",
    "cli", "cli_archive", "cli_import", "cli_rules", "measures_cli", "describe",
    "template", "template_help", "catalogue", "score_value",
    "io", "validate", "profiles", "engine", "service", "distributed", "archive", "confidence",
    "data",
})
#: Names of new top-level modules that stay by rule: the command line's shells.
STAY_PATTERNS: tuple[str, ...] = ("cli_*",)

#: The ``__init__`` of each sub-package: what it owns and what it may import.
PACKAGE_DOCS: dict[str, str] = {
    "io": """Reading input as it comes, and writing files (ARCHITECTURE §3 ``io/``).

Owns the table catalogue (:mod:`.tables`), the readers of xlsx, CSV, Parquet and frames
(:mod:`.readers`), headers, cells, units, wide sheets and sample values, the loading of a package
into typed tables (:mod:`.package`), the importers of bureau files (:mod:`.importers`), and the
one writer of workbooks and CSV (:mod:`.sheets`, :mod:`.atomic`). It may import the vocabulary
and the issue types only; it knows nothing of validate, profiles, the engine, reports or service.
""",
    "validate": """The lazy checks of a readable dataset against the rule table (ARCHITECTURE §3
``validate/``).

Owns the declarative rule table (:mod:`.rules`) and the checks (:mod:`.checks`); the issue rules
themselves are :mod:`health_eval.rule_catalogue`, beside the issue types. It may import io, the
vocabulary and the issue types; never the engine, reports or service.
""",
    "profiles": """The method as data (ARCHITECTURE §3 ``profiles/``, §5).

Owns the pydantic profile models, ``extends`` and digests (:mod:`.profile`), the indicators'
typed params (:mod:`.indicator_params`), the scoring rules (:mod:`.scoring`) and the packaged
YAML profiles beside them. It may import io, the vocabulary and the issue types; the engine's
registry only lazily, to check params against the installed indicators.
""",
    "engine": """From a Dataset to an EvaluationResult (ARCHITECTURE §3 ``engine/``, §1).

Owns the Dataset, the input stage, the indicator registry, compute, batch, aggregate, the
result with its provenance, and :func:`~health_eval.engine.api.evaluate`. It may import
profiles, validate, io, the built-in indicators, the vocabulary and the issue types; it knows
nothing of reports, the archive, the service or the command line.
""",
    "service": """The v1 JSON contract, the HTTP service and the workbench (ARCHITECTURE §3
``service/``): a shell over :func:`health_eval.evaluate`.

Owns the contract (:mod:`.schema`), the FastAPI app (:mod:`.http`), its guard, inputs and warm
worker processes, and the browser workbench (:mod:`.workbench`). It may import everything below
it (reports, archive, engine, profiles, validate, io); nothing below imports it.
""",
    "distributed": """Evaluating an archive larger than one machine on Dask (ARCHITECTURE §3
``distributed/``).

Owns the Dask path (:mod:`.evaluate`) and the partitioned Parquet archive it reads
(:mod:`.partitions`). It may import the engine and everything below it.
""",
}

ROOT_PACKAGE = "health_eval"
#: Source folders setuptools maps into the health_eval namespace (pyproject ``package-dir``).
MAPPED = {"indicators": "health_eval.indicators", "reports": "health_eval.reports"}
#: Text files the script reads and rewrites (besides Python).
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yaml", ".yml", ".json",
                 ".html", ".mako", ".sh", ".rst"}
TEXT_NAMES = {"Makefile", "run"}


class RelayoutError(Exception):
    """Something the script cannot rewrite; the message names the file and the text."""


# --------------------------------------------------------------------------------------------
# The mapping of dotted names
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """The moves that apply to this tree: old → new dotted names (``health_eval.x``)."""

    moves: dict[str, str]          # full dotted old → new, modules and packages of MOVES
    new_modules: frozenset[str]    # every dotted module and package of the tree after the move
    old_modules: frozenset[str]    # every dotted module and package of the tree before
    pending: frozenset[str]        # old names whose module is still in its old place

    def map(self, name: str) -> str:
        """``name`` (a dotted module or attribute path) as it reads after the move."""
        best = None
        for old in self.moves:
            if (name == old or name.startswith(old + ".")) and (best is None or len(old) > len(best)):
                best = old
        if best is None or (best not in self.pending and best in self.new_modules):
            return name                # moved already: the name is the package it moved into
        new = self.moves[best]
        if name != best:
            head = best + "." + name[len(best) + 1:].split(".")[0]
            if head in self.new_modules:
                return name            # a member of the new package of the same name
        return new + name[len(best):]


def module_name(path: Path) -> str | None:
    """Dotted module name of a Python file of the source tree, or None outside the package."""
    parts = path.with_suffix("").parts
    if parts[0] in MAPPED:
        parts = (*MAPPED[parts[0]].split("."), *parts[1:])
    elif parts[0] != ROOT_PACKAGE:
        return None
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def tracked_files() -> list[Path]:
    """Every tracked file of the repository plus untracked ones not ignored, sorted."""
    out = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], check=True,
                         capture_output=True, text=True).stdout
    return sorted(Path(name) for name in out.split("\0") if name and Path(name).is_file())


def modules_of(files: list[Path]) -> set[str]:
    """Dotted names of every module and package among ``files``."""
    names = set()
    for path in files:
        if path.suffix == ".py" and (name := module_name(path)):
            names.add(name)
            parts = name.split(".")
            names.update(".".join(parts[:k]) for k in range(1, len(parts)))
    return names


def moved_path(path: Path, renames: list[tuple[Path, Path]]) -> Path:
    """Where ``path`` is after the ``git mv`` of ``renames``."""
    for source, target in renames:
        if path == source or source in path.parents:
            return target / path.relative_to(source)
    return path


def make_plan(files: list[Path]) -> tuple[Plan, list[tuple[Path, Path]], list[str]]:
    """The plan, the (old, new) paths to ``git mv``, and the unknown top-level modules."""
    top = Path(ROOT_PACKAGE)
    moves, renames, unknown = {}, [], []
    entries = sorted({p.parts[1] if len(p.parts) > 2 else p.name
                      for p in files if p.parts[0] == ROOT_PACKAGE and len(p.parts) > 1})
    for entry in entries:
        stem = entry[:-3] if entry.endswith(".py") else entry
        if not entry.endswith(".py") and not (top / entry / "__init__.py").exists():
            continue                                   # a data folder (profiles/ before)
        if stem in MOVES and MOVES[stem].startswith(stem + ".") and not entry.endswith(".py"):
            continue                                   # the package a module moved into
        if stem in MOVES:
            new = MOVES[stem].replace(".", "/")
            source = top / entry
            target = top / (new + ".py" if entry.endswith(".py") else new)
            if source.exists() and not target.exists():
                renames.append((source, target))
            elif source.exists() and target.exists() and source != target:
                raise RelayoutError(f"both {source} and {target} exist: merge them by hand")
        elif stem not in STAY and not any(fnmatch.fnmatch(stem, p) for p in STAY_PATTERNS):
            unknown.append(entry)
    for stem, new in MOVES.items():
        moves[f"{ROOT_PACKAGE}.{stem}"] = f"{ROOT_PACKAGE}.{new}"
    old_modules = modules_of(files)
    after = [moved_path(path, renames) for path in files]
    after += [top / pkg / "__init__.py" for pkg in PACKAGE_DOCS]
    pending = frozenset(module_name(s if s.suffix == ".py" else s / "__init__.py")
                        for s, _ in renames)
    plan = Plan(moves, frozenset(modules_of(after)), frozenset(old_modules), pending)
    return plan, renames, unknown


# --------------------------------------------------------------------------------------------
# Python imports
# --------------------------------------------------------------------------------------------

def _resolve(package: str, level: int, module: str | None) -> str:
    """The absolute name of ``from <level dots><module> import`` in ``package``."""
    base = package.split(".")
    if level - 1 > len(base) - 1:
        raise RelayoutError(f"relative import above the package in {package}")
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _relative(target: str, package: str) -> str:
    """``target`` written relative to ``package`` (``..engine.dataset``)."""
    t, p = target.split("."), package.split(".")
    common = 0
    while common < min(len(t), len(p)) and t[common] == p[common]:
        common += 1
    if common == 0:
        raise RelayoutError(f"{target} is outside {package}")
    dots = "." * (len(p) - common + 1)
    return dots + ".".join(t[common:])


def _line_offsets(text: str) -> list[int]:
    offsets, total = [0], 0
    for line in text.splitlines(keepends=True):
        total += len(line)
        offsets.append(total)
    return offsets


def rewrite_imports(text: str, old_name: str, new_name: str, is_package: bool, plan: Plan,
                    shown: str) -> str:
    """Rewrite the ``from … import`` statements of one Python file.

    ``old_name``/``new_name`` are the file's dotted module name before and after the move
    (None-like empty for a file outside the package: only absolute imports are rewritten).
    """
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise RelayoutError(f"{shown}: does not parse ({exc})") from exc
    old_pkg = old_name if is_package else old_name.rpartition(".")[0]
    new_pkg = new_name if is_package else new_name.rpartition(".")[0]
    offsets = _line_offsets(text)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            if not old_name:
                raise RelayoutError(f"{shown}:{node.lineno}: relative import outside the package")
            base = _resolve(old_pkg, node.level, node.module)
        else:
            base = node.module or ""
        if base != ROOT_PACKAGE and not base.startswith(ROOT_PACKAGE + "."):
            continue
        # each imported name → (its new base, its new name)
        targets = []
        for alias in node.names:
            full = f"{base}.{alias.name}"
            if alias.name != "*" and full in plan.old_modules | set(plan.moves):
                moved = plan.map(full)
                new_base, _, leaf = moved.rpartition(".")
                asname = alias.asname or (alias.name if leaf != alias.name else None)
                targets.append((new_base, leaf, asname))
            else:
                targets.append((plan.map(base), alias.name, alias.asname))
        groups: dict[str, list[str]] = {}
        for new_base, leaf, asname in targets:
            groups.setdefault(new_base, []).append(f"{leaf} as {asname}" if asname else leaf)
        unchanged = (len(groups) == 1 and next(iter(groups)) == plan.map(base)
                     and all(t[2] == a.asname for t, a in zip(targets, node.names)))

        def spelled(new_base: str, level: int = node.level) -> str:
            return _relative(new_base, new_pkg) if level else new_base

        start = offsets[node.lineno - 1] + node.col_offset
        end = offsets[node.end_lineno - 1] + node.end_col_offset
        segment = text[start:end]
        if unchanged:
            new_module = spelled(plan.map(base))
            match = re.match(r"from\s+([.\w]+)\s+import", segment)
            if match is None:
                raise RelayoutError(f"{shown}:{node.lineno}: cannot read {segment!r}")
            if match.group(1) != new_module:
                edits.append((start + match.start(1), start + match.end(1), new_module))
            continue
        if "#" in segment:
            raise RelayoutError(f"{shown}:{node.lineno}: an import with a comment must be split "
                                f"by hand: {segment!r}")
        indent = " " * node.col_offset
        statements = [f"from {spelled(b)} import {', '.join(names)}"
                      for b, names in sorted(groups.items())]
        edits.append((start, end, f"\n{indent}".join(statements)))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def rewrite_public_table(text: str, plan: Plan) -> str:
    """``_PUBLIC`` of health_eval/__init__.py: module names relative to the package."""
    match = re.search(r"_PUBLIC = \{.*?\}", text, re.S)
    if match is None:
        return text
    pairs = re.findall(r'"(\w+)"\s*:\s*"([\w.]+)"', match.group(0))
    items = [f'"{name}": "{plan.map(f"{ROOT_PACKAGE}.{module}")[len(ROOT_PACKAGE) + 1:]}"'
             for name, module in pairs]
    return text[:match.start()] + wrapped("_PUBLIC = {", items, "}") + text[match.end():]


def wrapped(head: str, items: list[str], close: str) -> str:
    """``head`` + items separated by commas + ``close``, wrapped at 100 columns under the first
    item, as the project's code is written."""
    lines, line = [], head
    for i, item in enumerate(items):
        item += ", " if i < len(items) - 1 else close
        if len(line) + len(item.rstrip()) > 99 and line.strip() != head.strip():
            lines.append(line.rstrip())
            line = " " * len(head)
        line += item
    return "\n".join([*lines, line])


# --------------------------------------------------------------------------------------------
# Dotted names and paths in any text
# --------------------------------------------------------------------------------------------

DOTTED = re.compile(r"(?<![\w.])health_eval((?:\.[A-Za-z_]\w*)+)")
SLASHED = re.compile(r"(?<![\w/])health_eval((?:/[A-Za-z_]\w*)+)(\.py\b)?")
JOINED = re.compile(r"[\"']health_eval[\"']\s*/\s*[\"'](\w+)(?:\.py)?[\"']")


def rewrite_names(text: str, plan: Plan) -> str:
    """Dotted names (``health_eval.profile.load_profile``) and paths
    (``health_eval/schema/v1/request.schema.json``, ``health_eval/tables.py``)."""
    text = DOTTED.sub(lambda m: plan.map(m.group(0)), text)

    def path(m: re.Match) -> str:
        dotted = ROOT_PACKAGE + m.group(1).replace("/", ".")
        moved = plan.map(dotted)
        return moved.replace(".", "/") + (m.group(2) or "")

    return SLASHED.sub(path, text)


BARE = re.compile(r"(?<=`)(\w+)\.py(?=`)")


def rewrite_bare(text: str, plan: Plan) -> str:
    """In Markdown, a moved module named by its file alone (`` `service_work.py` ``) → its path
    under health_eval (`` `service/work.py` ``)."""
    def one(m: re.Match) -> str:
        dotted = f"{ROOT_PACKAGE}.{m.group(1)}"
        if dotted not in plan.moves:
            return m.group(0)
        return plan.map(dotted)[len(ROOT_PACKAGE) + 1:].replace(".", "/") + ".py"

    return BARE.sub(one, text)


def unrewritable(text: str, plan: Plan) -> list[str]:
    """Paths built from parts that name a moved module: the script cannot follow them."""
    found = []
    for m in JOINED.finditer(text):
        if f"{ROOT_PACKAGE}.{m.group(1)}" in plan.moves:
            found.append(m.group(0))
    return found


# --------------------------------------------------------------------------------------------
# pyproject.toml
# --------------------------------------------------------------------------------------------

def rewrite_pyproject(text: str, packages: list[str]) -> str:
    """``packages`` regenerated from the tree; the profiles' YAML as the package data of
    ``health_eval.profiles`` once it is a package."""
    match = re.search(r"^packages = \[.*?\]\n", text, re.S | re.M)
    if match is None:
        raise RelayoutError("pyproject.toml: no [tool.setuptools] packages list")
    listed = wrapped("packages = [", [f'"{name}"' for name in packages], "]")
    text = text[:match.start()] + listed + "\n" + text[match.end():]
    if f"{ROOT_PACKAGE}.profiles" in packages and '"profiles/*.yaml", ' in text:
        text = text.replace('"profiles/*.yaml", ', "", 1)
        anchor = re.search(r'^"health_eval\.archive" = ', text, re.M)
        if anchor is None:
            raise RelayoutError("pyproject.toml: no package-data of health_eval.archive")
        text = (text[:anchor.start()] + f'"{ROOT_PACKAGE}.profiles" = ["*.yaml"]\n'
                + text[anchor.start():])
    return text


def source_packages(files: list[Path]) -> list[str]:
    """Every package of the tree (a folder with ``__init__.py``) as setuptools names it."""
    names = {module_name(p) for p in files if p.name == "__init__.py"}
    return sorted((n for n in names if n), key=lambda n: (n.count(".") > 0, n != ROOT_PACKAGE,
                                                          n))


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

def is_text(path: Path) -> bool:
    """A file the script reads and rewrites: text, and not this script (its table names the
    old modules)."""
    return ((path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES)
            and path != Path("tools") / "relayout.py")


def write_package_docs(created: list[Path]) -> None:
    """Each sub-package's ``__init__``: its docstring says what it owns and may import."""
    for package, doc in PACKAGE_DOCS.items():
        init = Path(ROOT_PACKAGE) / package / "__init__.py"
        body = f'"""{doc.rstrip()}\n"""\n'
        if not init.exists():
            init.write_text(body, encoding="utf-8")
            created.append(init)
            continue
        text = init.read_text(encoding="utf-8")
        tree = ast.parse(text)
        first = tree.body[0] if tree.body else None
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            lines = text.splitlines(keepends=True)
            rest = "".join(lines[first.end_lineno:])
            new = body + rest
        else:
            new = body + "\n" + text
        if new != text:
            init.write_text(new, encoding="utf-8")


def check(files: list[Path], plan: Plan) -> list[str]:
    """Problems left after the rewrite: unparsable files, imports that resolve to no module,
    old names and paths left over, paths built from parts."""
    problems = []
    modules = modules_of(files)
    old_only = {m for m in plan.moves if m not in modules}
    for path in files:
        if not is_text(path):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for m in DOTTED.finditer(text):
            name = m.group(0)
            left = any(name == o or name.startswith(o + ".") for o in old_only)
            if left and plan.map(name) != name:
                problems.append(f"{path}: old name left: {name}")
        problems += [f"{path}: path built from parts: {t}" for t in unrewritable(text, plan)]
        if path.suffix != ".py":
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            problems.append(f"{path}: does not parse: {exc}")
            continue
        own = module_name(path)
        package = own if path.name == "__init__.py" else (own or "").rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(package, node.level, node.module) if node.level else node.module
                if not target or not target.startswith(ROOT_PACKAGE):
                    continue
                if target not in modules:
                    problems.append(f"{path}:{node.lineno}: imports {target}, no such module")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(ROOT_PACKAGE) and alias.name not in modules:
                        problems.append(f"{path}:{node.lineno}: imports {alias.name}, "
                                        "no such module")
    return problems


def sort_imports(paths: list[Path]) -> None:
    """Sort the imports of the rewritten files as the project's ruff settings want (``I``)."""
    if not paths:
        return
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--quiet",
                           "--select", "I", *map(str, paths)], capture_output=True, text=True)
    if done.returncode not in (0, 1) or "No module named ruff" in done.stderr:
        raise RelayoutError(f"ruff could not sort the imports: {done.stderr.strip()}")


def run(apply: bool) -> int:
    if not (Path("pyproject.toml").exists() and Path(ROOT_PACKAGE).is_dir()):
        print("relayout: run at the repository root", file=sys.stderr)
        return 2
    files = tracked_files()
    plan, renames, unknown = make_plan(files)
    for entry in unknown:
        print(f"UNPLACED health_eval/{entry}: not in MOVES or STAY of tools/relayout.py; "
              "left in place (add it to MOVES and run again)")
    for source, target in renames:
        print(f"move {source} -> {target}")
    if not apply:
        return 1 if renames else 0
    changed: list[Path] = []
    problems: list[str] = []
    for path in files:
        if not is_text(path):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue                        # a text suffix holding bytes (a test corpus file)
        new = text
        if path.suffix == ".py":
            old = module_name(path) or ""
            moved = plan.map(old) if old else ""
            try:
                new = rewrite_imports(new, old, moved, path.name == "__init__.py", plan,
                                      str(path))
            except RelayoutError as exc:
                problems.append(str(exc))
                continue
            if path == Path(ROOT_PACKAGE) / "__init__.py":
                new = rewrite_public_table(new, plan)
        new = rewrite_names(new, plan)
        if path.suffix == ".md":
            new = rewrite_bare(new, plan)
        problems += [f"{path}: path built from parts: {t}" for t in unrewritable(new, plan)]
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    for source, target in renames:
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "mv", str(source), str(target)], check=True)
    created: list[Path] = []
    write_package_docs(created)
    if created:
        subprocess.run(["git", "add", *map(str, created)], check=True)
    files = tracked_files()
    pyproject = Path("pyproject.toml")
    text = pyproject.read_text(encoding="utf-8")
    new = rewrite_pyproject(text, source_packages(files))
    if new != text:
        pyproject.write_text(new, encoding="utf-8")
    python = {moved_path(path, renames) for path in changed if path.suffix == ".py"}
    sort_imports(sorted(python))
    problems = check(files, plan)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"relayout: {len(renames)} moved, {len(changed)} files rewritten, "
          f"{len(unknown)} unplaced")
    return 3 if unknown else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only print what would move; exit 1 if anything would")
    args = parser.parse_args(argv)
    try:
        return run(apply=not args.check)
    except RelayoutError as exc:
        print(f"relayout: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
