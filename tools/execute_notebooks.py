"""Re-execute course notebooks in place, top to bottom, so their committed outputs are fresh.

    python course.py notebooks                         # every notebooks/*.ipynb
    python course.py notebooks notebooks/01_x.ipynb    # only these

(course.py runs this file with the course's .venv and sets PYTHONHASHSEED=0 and TQDM_DISABLE=1,
which it requires.) The kernel is this interpreter's own ``python3`` kernel, started in the
notebook's folder, like ``pytest --nbval --nbval-current-env``. The saved files are normalised so
that re-executing an unchanged notebook gives byte-identical files: no execution timestamps, no
widget state, widget model ids numbered in order, kernelspec ``python3``, no Python patch version,
LF line endings. A notebook whose cell raises is left untouched (unless the cell is tagged
``raises-exception``); the script then exits with 1.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from traitlets import default

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
REQUIRED_ENV = {"PYTHONHASHSEED": "0", "TQDM_DISABLE": "1"}
CELL_TIMEOUT = 600  # seconds; a course notebook should run in well under 20 s


class CurrentEnvKernelSpecs(KernelSpecManager):
    """Always this interpreter's ipykernel, whatever kernels are installed on the machine."""

    def get_kernel_spec(self, kernel_name):
        from ipykernel.kernelspec import RESOURCES, get_kernel_dict

        return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())


class CurrentEnvKernelManager(AsyncKernelManager):
    """Starts kernels from CurrentEnvKernelSpecs (what nbval's --nbval-current-env does)."""

    @default("kernel_spec_manager")
    def _current_env_kernel_specs(self):
        return CurrentEnvKernelSpecs()


def execute(path: Path) -> float:
    """Execute one notebook in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=CurrentEnvKernelManager,
                            timeout=CELL_TIMEOUT, record_timing=False, store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    normalise(nb)
    text = nbformat.writes(nb)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")
    return seconds


def normalise(nb) -> None:
    """Remove what changes between runs and machines but is not part of the lesson."""
    ids: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and "model_id" in view:
                view["model_id"] = ids.setdefault(view["model_id"], f"{len(ids) + 1:032x}")
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.get("language_info", {}).pop("version", None)


def main(argv: list[str]) -> int:
    wrong = {k: os.environ.get(k) for k, v in REQUIRED_ENV.items() if os.environ.get(k) != v}
    if wrong:
        need = " ".join(f"{k}={v}" for k, v in REQUIRED_ENV.items())
        print(f"execute_notebooks: needs {need} in the environment (found {wrong}); "
              "run it through `python course.py notebooks`.", file=sys.stderr)
        return 2
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("execute_notebooks: no notebooks found in notebooks/.", file=sys.stderr)
        return 1
    failed = []
    for path in paths:
        print(f"{path.name} ... ", end="", flush=True)
        try:
            seconds = execute(path.resolve())
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
            failed.append(path.name)
            print(f"FAILED, file left unchanged:\n{error}", flush=True)
            continue
        print(f"{seconds:.1f} s", flush=True)
    print(f"{len(paths) - len(failed)} of {len(paths)} notebooks executed"
          + (f"; failed: {', '.join(failed)}" if failed else "."))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
