"""Imports run one way, down ARCHITECTURE §3's list: shells → reports, archive, confidence,
distributed → engine → profiles, validate → io → vocabulary and issue types.

Every import of every module of the source tree (module level and inside functions; not those
under ``if TYPE_CHECKING:``, which load nothing) is read with :mod:`ast` and its layer compared
with the importing module's.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "health_eval"
#: Source folders setuptools maps into the package (pyproject ``package-dir``).
MAPPED = {"health_eval": "health_eval", "indicators": "health_eval.indicators",
          "reports": "health_eval.reports"}

#: The layers, lowest first: a module may import its own layer and those below it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("vocabulary and issue types", ("vocabulary", "issues", "issue_keys", "rule_catalogue")),
    ("io", ("io",)),
    ("profiles, validate", ("profiles", "validate")),
    ("engine", ("engine", "indicators")),
    ("reports, archive, confidence, distributed",
     ("reports", "archive", "confidence", "distributed")),
    ("shells", ("service", "cli", "cli_*", "measures_cli", "describe", "template",
                "template_help", "catalogue", "score_value", "")),
)

#: Imports against the order that are still there, each with its reason. The test fails when one
#: of them goes (so that this list stays true) as well as when a new one comes.
KNOWN: dict[tuple[str, str], str] = {
    ("health_eval.engine.api", "health_eval"):
        "the provenance names the engine's __version__, which the package's front door reads "
        "from the installed distribution (health_eval/__init__.py imports nothing at import time)",
    ("health_eval.profiles.profile", "health_eval.engine.registry"):
        "load_profile checks params against the installed indicators' models by default "
        "(imported inside the function); the profile models know no indicator otherwise",
    ("health_eval.engine.api", "health_eval.confidence"):
        "evaluate(confidence=N) is the API of issue 18: the confidence run, which evaluates its "
        "replicates through the engine, is imported inside evaluate only when it is asked for",
}


def layer(name: str) -> int:
    """The rank of a dotted module name of the package in :data:`LAYERS`."""
    parts = name.split(".")
    top = parts[1] if len(parts) > 1 else ""
    for rank, (_, members) in enumerate(LAYERS):
        for member in members:
            if top == member or (member.endswith("*") and top.startswith(member[:-1])):
                return rank
    raise AssertionError(f"{name}: no layer of ARCHITECTURE §3 holds it; add it to LAYERS")


@functools.cache
def modules() -> dict[str, Path]:
    """Every module of the source tree by its dotted name."""
    found = {}
    for folder, package in MAPPED.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if "migrations" in parts:          # Alembic's scripts, run by Alembic only
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(name: str, path: Path) -> set[str]:
    """The modules of the package that module ``name`` imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = {id(n) for node in ast.walk(tree) if _type_checking(node)
               for child in node.body for n in ast.walk(child)}
    known = set(modules())
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(PACKAGE)}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith(PACKAGE):
                continue
            for alias in node.names:           # ``from . import dataset`` imports a module
                full = f"{target}.{alias.name}"
                found.add(full if full in known else target)
    return found


def back_edges() -> set[tuple[str, str]]:
    """(importer, imported) pairs where a lower layer imports a higher one, named after the move."""
    edges = set()
    for name, path in modules().items():
        for target in imports(name, path):
            if layer(target) > layer(name):
                edges.add((name, target))
    return edges


def test_every_module_has_a_layer():
    for name in modules():
        layer(name)


def test_no_lower_layer_imports_a_higher_one():
    new = {edge: None for edge in back_edges() if edge not in KNOWN}
    assert not new, "imports against ARCHITECTURE §3's order:\n" + "\n".join(
        f"  {a} ({LAYERS[layer(a)][0]}) imports {b} ({LAYERS[layer(b)][0]})" for a, b in new)


def test_the_known_exceptions_are_still_there():
    gone = set(KNOWN) - back_edges()
    assert not gone, f"no longer imported, remove from KNOWN: {sorted(gone)}"


def test_io_and_validate_do_not_import_each_other():
    edges = {(n, t) for n, p in modules().items() for t in imports(n, p)}
    top = {name: (name.split(".") + [""])[1] for edge in edges for name in edge}
    assert not {(a, b) for a, b in edges if top[a] == "io" and top[b] == "validate"}
    assert {(a, b) for a, b in edges if top[a] == "validate" and top[b] == "io"}  # reads io


def test_the_layer_check_sees_a_back_edge():
    """A lower module importing a higher one is caught (the check itself can fail)."""
    assert layer("health_eval.io.readers") < layer("health_eval.engine.dataset")
    assert layer("health_eval.vocabulary") == 0
    assert layer("health_eval.service.workbench.app") == len(LAYERS) - 1
