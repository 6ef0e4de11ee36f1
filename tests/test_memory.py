"""The memory settings of an evaluating process (health_eval.engine.memory), in a fresh process so
that the test session keeps its own allocator settings."""

import json
import os
import platform
import subprocess
import sys

import pytest

pytest.importorskip("pyarrow")

SCRIPT = """
import json
import pyarrow
from health_eval.engine.memory import tune_for_evaluation
before = pyarrow.default_memory_pool().backend_name
first, second = tune_for_evaluation(), tune_for_evaluation()
print(json.dumps({"before": before, "after": pyarrow.default_memory_pool().backend_name,
                  "first": first, "second": second}))
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="the settings are glibc's")
def test_an_evaluating_process_keeps_freed_memory():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          check=True)
    seen = json.loads(done.stdout)
    assert seen["before"] != "system" and seen["after"] == "system"
    expected = {"malloc": {"mmap_threshold": 32 * 2**20, "trim_threshold": 2**31 - 1},
                "arrow_memory_pool": "system"}
    assert seen["first"] == expected and seen["second"] == expected


BEFORE_PYARROW = """
import json, sys
from health_eval.engine.memory import tune_for_evaluation
settings = tune_for_evaluation()
imported = "pyarrow" in sys.modules
import pyarrow
print(json.dumps({"imported": imported, "pool": pyarrow.default_memory_pool().backend_name,
                  "settings": settings}))
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="the settings are glibc's")
def test_tuning_before_pyarrow_is_imported_does_not_import_it():
    """The command line tunes at start-up, ``--help`` included: Arrow's pool is then chosen
    through its environment variable, without importing pyarrow."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run([sys.executable, "-c", BEFORE_PYARROW], capture_output=True, text=True,
                          check=True, env=env)
    seen = json.loads(done.stdout)
    assert seen["imported"] is False and seen["pool"] == "system"
    assert seen["settings"]["arrow_memory_pool"] == "system"
