"""The notebook tour runs top to bottom, shows what it promises, and is up to date.

``examples/tour.ipynb`` is built by ``examples/make_tour.py``; a copy of it
is executed here with nbclient on a kernel that is this interpreter (see
``make_tour.execute``), so it works in any virtual environment that has
the ``dev`` extra, whatever kernelspecs the machine has registered.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest
from nbformat import NotebookNode

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOK = EXAMPLES / "tour.ipynb"
REFRESH = "run `python examples/make_tour.py` to rebuild and re-execute the notebook"


def _load_make_tour() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_tour", EXAMPLES / "make_tour.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_tour = _load_make_tour()


def _code_cells(notebook: NotebookNode) -> list[NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _outputs(notebook: NotebookNode) -> list[dict[str, Any]]:
    return [output for cell in _code_cells(notebook) for output in cell.outputs]


def _stdout(cell: NotebookNode) -> str:
    return "".join(
        o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout"
    )


@pytest.fixture(scope="module")
def committed() -> NotebookNode:
    notebook: NotebookNode = nbformat.read(NOTEBOOK, as_version=4)
    return notebook


@pytest.fixture(scope="module")
def executed(committed: NotebookNode, tmp_path_factory: pytest.TempPathFactory) -> NotebookNode:
    """A fresh run of a copy of the notebook, next to a copy of the narratives."""
    folder = tmp_path_factory.mktemp("tour")
    shutil.copytree(EXAMPLES / "narratives", folder / "narratives")
    notebook = nbformat.from_dict(committed)
    for cell in _code_cells(notebook):
        cell.outputs = []
        cell.execution_count = None
    # nbclient raises CellExecutionError, with the traceback, if any cell fails.
    executed_notebook: NotebookNode = make_tour.execute(notebook, folder, timeout=120)
    return executed_notebook


def test_notebook_is_what_make_tour_builds(committed: NotebookNode) -> None:
    built = make_tour.build()
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in built.cells
    ], REFRESH
    nbformat.validate(committed)


def test_committed_notebook_was_executed(committed: NotebookNode) -> None:
    counts = [cell.execution_count for cell in _code_cells(committed)]
    assert counts == list(range(1, len(counts) + 1)), REFRESH
    assert not [o for o in _outputs(committed) if o["output_type"] == "error"]


def test_no_cell_errors(executed: NotebookNode) -> None:
    assert all(cell.execution_count for cell in _code_cells(executed))
    assert not [o for o in _outputs(executed) if o["output_type"] == "error"]


def test_key_outputs_appear(executed: NotebookNode) -> None:
    shown = ("display_data", "execute_result")
    rich = [o for o in _outputs(executed) if o["output_type"] in shown]
    html = [o["data"]["text/html"] for o in rich if "text/html" in o["data"]]
    assert any('class="caserecord' in h for h in html), "a record shown as HTML"
    assert any('class="dataframe' in h and "<table" in h for h in html), "a DataFrame table"
    assert any("image/png" in o["data"] for o in rich), "the acuity plot"
    text = "".join(_stdout(cell) for cell in _code_cells(executed))
    assert '"resourceType": "Bundle"' in text
    assert "measurements equal, evidence aside: True" in text
    assert "narrative kept: True" in text


def test_committed_outputs_match_a_fresh_run(
    committed: NotebookNode, executed: NotebookNode
) -> None:
    # Printed text is deterministic (bundle ids derive from the record), so
    # the committed outputs must be exactly what the code prints today.
    for saved, fresh in zip(_code_cells(committed), _code_cells(executed), strict=True):
        assert _stdout(saved) == _stdout(fresh), f"{REFRESH}\n(cell: {fresh.source[:60]!r})"
        kinds = [(o["output_type"], sorted(o.get("data", {}))) for o in saved.outputs]
        fresh_kinds = [(o["output_type"], sorted(o.get("data", {}))) for o in fresh.outputs]
        assert kinds == fresh_kinds, f"{REFRESH}\n(cell: {fresh.source[:60]!r})"
