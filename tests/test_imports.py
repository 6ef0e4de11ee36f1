"""What importing costs (issue 17 §4): ``import health_eval`` loads nothing heavy, evaluating a CSV
package loads no plotly, python-docx, FastAPI, Dask or openpyxl, ``health-eval --help`` loads
none of the engine, and no module reads a packaged profile when it is imported. Each check runs
in a fresh process: the test session has imported everything already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import health_eval
from health_eval import vocabulary
from health_eval.cli import demo_path

#: Packages only reports, the service, the archive, the Dask path or xlsx input need.
NOT_FOR_EVALUATING = {"plotly", "docx", "fastapi", "starlette", "uvicorn", "dask", "distributed",
                      "openpyxl", "sqlalchemy", "alembic", "jinja2", "scipy", "kaleido", "typer",
                      "rich"}
#: Packages evaluating needs, and the command line's help does not.
FOR_EVALUATING = {"pandas", "numpy", "pyarrow", "pydantic", "yaml"}


def loaded_after(code: str) -> tuple[set[str], list[str]]:
    """Run ``code`` in a fresh Python; return the top-level packages it left in ``sys.modules``
    and the lines it printed."""
    script = (f"{code}\nimport json, sys\n"
              "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    *printed, packages = done.stdout.strip().splitlines()
    return set(json.loads(packages)), printed


def test_import_health_eval_loads_nothing_heavy():
    packages, _ = loaded_after("import health_eval")
    assert packages & (NOT_FOR_EVALUATING | FOR_EVALUATING) == set()


def test_evaluating_a_csv_package_loads_no_reports_service_dask_or_openpyxl():
    code = ("import json\nfrom health_eval import evaluate\n"
            f"result = evaluate({str(demo_path())!r})\n"
            "print(json.dumps([round(r, 6) for r in result.water_bodies['rhi']]))")
    packages, printed = loaded_after(code)
    assert json.loads(printed[-1]) == [71.377029, 81.806695]  # the demo's river and lake RHI
    assert packages & NOT_FOR_EVALUATING == set()
    assert packages >= FOR_EVALUATING


def test_help_loads_no_engine():
    code = """
import json, sys
from health_eval.cli import main
top = set(sys.modules)


def show(*words):
    sys.argv = ["health-eval", *words, "--help"]
    try:
        main()
    except SystemExit as exit:
        assert exit.code == 0, words
    return len(sys.modules)


def commands(group, words=()):
    for name, command in group.commands.items():
        yield (*words, name)
        yield from commands(command, (*words, name)) if hasattr(command, "commands") else ()


show()
after_top = {m.split(".")[0] for m in sys.modules}
import typer.main
shown = [words for words in commands(typer.main.get_command(sys.modules["health_eval.cli"].app))
         if show(*words)]
print(json.dumps({"top": sorted(after_top), "commands": [" ".join(w) for w in shown]}))
"""
    packages, printed = loaded_after(code)
    seen = json.loads(printed[-1])
    assert {"run", "demo", "validate", "serve", "import", "archive trend", "measures template",
            "profile schema"} <= set(seen["commands"])
    heavy = NOT_FOR_EVALUATING | FOR_EVALUATING
    assert set(seen["top"]) & heavy <= {"typer", "rich"}          # health-eval --help
    # every COMMAND --help: typer builds its parameters' converters with pydantic
    assert packages & heavy <= {"typer", "rich", "pydantic"}


def test_no_module_reads_a_packaged_profile_when_imported():
    code = """
import importlib, json, pkgutil
import health_eval.profiles.profile as profile
read = []
files = profile._packaged_files
profile._packaged_files = lambda: read.append(1) or files()
import health_eval, health_eval.indicators, health_eval.reports
names = [m.name for package in (health_eval, health_eval.indicators, health_eval.reports)
         for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
         if ".migrations" not in m.name]
for name in names:
    importlib.import_module(name)
print(json.dumps([len(names), len(read), profile._packaged_data.cache_info().currsize]))
"""
    modules, reads, cached = json.loads(loaded_after(code)[1][-1])
    assert modules > 100 and reads == 0 and cached == 0


def test_public_names_are_imported_on_first_use():
    from health_eval.engine.api import evaluate
    from health_eval.engine.result import EvaluationResult

    assert health_eval.evaluate is evaluate and health_eval.EvaluationResult is EvaluationResult
    assert set(health_eval.__all__) <= set(dir(health_eval))
    assert health_eval.__version__ and isinstance(health_eval.__version__, str)
    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        health_eval.evaluat  # noqa: B018


def test_the_vocabulary_is_the_one_the_catalogue_and_the_packaged_profiles_use():
    from health_eval.io.tables import table_spec
    from health_eval.profiles.profile import load_profile, packaged_profiles

    kind = table_spec("water_bodies").column("kind")
    assert kind.codes == ("river", "lake", "reservoir") == vocabulary.WATER_BODY_KINDS
    assert kind.code_labels == ("河流", "湖泊", "水库")
    assert (set(vocabulary.RIVER_KINDS) | set(vocabulary.LAKE_KINDS)
            == set(vocabulary.WATER_BODY_KINDS))
    for profile_id in packaged_profiles():
        profile = load_profile(profile_id)
        assert tuple(profile.criteria) == vocabulary.CRITERIA
        assert {k: c.name_zh for k, c in profile.criteria.items()} == vocabulary.CRITERIA_ZH
    assert vocabulary.STATUSES == ("ok", "supplied", "no_data", "insufficient_data",
                                   "not_applicable", "error")
    assert set(vocabulary.EVALUATED_STATUSES) < set(vocabulary.STATUSES)


def test_the_v1_schema_takes_its_statuses_and_severities_from_the_vocabulary():
    from health_eval.service.schema import json_schema

    schema = json.dumps(json_schema("response"))
    assert '"enum": ["ok", "supplied", "no_data", "insufficient_data", "not_applicable", ' \
           '"error"]' in schema
    assert '"enum": ["error", "warning"]' in schema


def test_names_kept_outside_heavy_modules_match_them():
    from openpyxl.cell.cell import ERROR_CODES

    from health_eval.io import IMPORTER_NAMES
    from health_eval.io.importers import IMPORTERS
    from health_eval.io.sheets import ERROR_CODES as OUR_ERROR_CODES

    assert tuple(IMPORTERS) == IMPORTER_NAMES
    assert OUR_ERROR_CODES == ERROR_CODES


def test_the_startup_benchmark_prints_every_figure():
    """``benchmarks/startup.py`` runs (its timings are printed, never asserted)."""
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "startup.py"
    done = subprocess.run([sys.executable, str(script), "--runs", "1"], capture_output=True,
                          text=True, check=True)
    figures = json.loads(done.stdout)
    names = ("help", "command_help", "import", "evaluate_import")
    assert figures["runs"] == 1 and len(figures["load_average"]) == 2
    assert all(figures[f"{name}_s"] > 0 for name in ("pandas", *names))
    for name in names:                  # times rounded to 0.1 ms, ratios to 0.001
        assert figures[f"{name}_ratio"] == pytest.approx(
            figures[f"{name}_s"] / figures["pandas_s"], abs=2e-3)
