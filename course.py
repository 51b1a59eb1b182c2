#!/usr/bin/env python3
"""Set up and run the c360lab course with nothing but Python 3.11+ (Windows, macOS, Linux).

    python course.py lab          build or update .venv, then open the course in JupyterLab
    python course.py test         build or update .venv, then run every test, notebooks included
    python course.py notebooks    re-execute the notebooks in place (all, or the paths given)
    python course.py data         regenerate the sample company's data in data/
    python course.py bench        run tools/benchmark.py (extra arguments are passed on)
    python course.py clean        delete .venv and the test caches

Everything is installed into .venv inside this folder (``pip install -e ".[dev]" -c
constraints.txt``); nothing is installed or registered globally. The install runs again only when
pyproject.toml or constraints.txt changed since the last one. On Windows, type ``py`` instead of
``python`` if ``python`` is not found. Uses the standard library only.
"""

from __future__ import print_function

import sys

if sys.version_info < (3, 11):  # no newer syntax in this file, so even Python 2 gets this far
    sys.exit("course.py: c360lab needs Python 3.11 or newer, but this is Python %s (%s).\n"
             "Install Python 3.11+ from https://www.python.org/downloads/ and run it with that."
             % (sys.version.split()[0], sys.executable))

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / "c360lab-install.sha256"  # hash of the files the install was made from
INSTALL_INPUTS = ("pyproject.toml", "constraints.txt")
# The environment the notebooks' committed outputs are produced and checked in.
TEST_ENV = {"PYTHONHASHSEED": "0", "TQDM_DISABLE": "1", "MPLBACKEND": "agg"}


def say(message):
    print("course.py: " + message, flush=True)


def run(args, env=None):
    """Run a command from the repository root; return its exit code."""
    # UTF-8 mode: Vietnamese text prints and reads the same on Windows as elsewhere.
    extra = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONUTF8="1", **(env or {}))
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=extra).returncode


def install_hash():
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return digest.hexdigest()


def venv_works():
    return VENV_PY.exists() and subprocess.run([str(VENV_PY), "-c", "pass"]).returncode == 0


def ensure_env():
    """Create .venv if needed and (re)install the course when its requirements changed."""
    if not venv_works():
        if VENV.exists():
            say("%s is broken; building it again." % VENV.name)
            shutil.rmtree(VENV)
        say("creating the virtual environment %s with Python %s ..."
            % (VENV, sys.version.split()[0]))
        if run([sys.executable, "-m", "venv", VENV]) != 0:
            sys.exit("course.py: could not create %s. On Debian/Ubuntu install the venv module "
                     "first (sudo apt install python3-venv), then try again." % VENV)
    wanted = install_hash()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        say("environment is up to date (%s)." % VENV.name)
        return
    if STAMP.exists():
        say("pyproject.toml or constraints.txt changed: updating %s ..." % VENV.name)
    else:
        say("installing the course and its pinned dependencies into %s "
            "(a few minutes the first time) ..." % VENV.name)
    started = time.monotonic()
    if run([VENV_PY, "-m", "pip", "install", "-e", ".[dev]", "-c", "constraints.txt"]) != 0:
        sys.exit("course.py: installing into %s failed (see pip's message above). Check your "
                 "internet connection, then run the same command again." % VENV.name)
    STAMP.write_text(wanted + "\n")
    say("installed in %.0f s." % (time.monotonic() - started))


def pytest_step(label, args):
    """Run pytest in the venv with the test environment; return a short verdict, '' if passed."""
    say("running the %s: pytest %s" % (label, " ".join(args)))
    code = run([VENV_PY, "-m", "pytest"] + args, env=TEST_ENV)
    if code == 0:
        return ""
    if code == 5:  # pytest: no tests were collected
        say("FAILED: no tests were collected for the %s; a missing folder or an empty one is "
            "an error, not a pass." % label)
        return "FAILED (nothing collected)"
    meaning = {1: "some tests failed", 2: "interrupted", 3: "internal error",
               4: "usage error, or a conftest.py that does not import"}.get(code, "error")
    return "FAILED (pytest exit code %d: %s)" % (code, meaning)


def cmd_test(extra):
    if extra:
        sys.exit("course.py: 'test' takes no arguments; run the venv's pytest directly to pick tests.")
    ensure_env()
    started = time.monotonic()
    steps = [("unit tests and doctests", ["tests", "c360lab"]),
             ("notebooks", ["--nbval", "--nbval-current-env", "--nbval-sanitize-with",
                            "tests/nbval_sanitize.cfg", "-p", "no:cacheprovider", "notebooks/"])]
    verdicts = [(label, pytest_step(label, args)) for label, args in steps]
    failed = any(verdict for _, verdict in verdicts)
    print("\nSUMMARY: %s - %s (%.0f s)" % (
        "FAILED" if failed else "ALL PASSED",
        "; ".join("%s %s" % (label, verdict or "passed") for label, verdict in verdicts),
        time.monotonic() - started), flush=True)
    return 1 if failed else 0


def cmd_lab(extra):
    ensure_env()
    say("starting JupyterLab on notebooks/; stop it with Ctrl+C, twice ...")
    # Ctrl+C belongs to JupyterLab, which then shuts its kernels down; this script only waits.
    stopped = []
    signal.signal(signal.SIGINT, lambda signum, frame: stopped.append(signum))
    # PYTHONHASHSEED=0 as in the tests, so learners' outputs match the committed ones (set order).
    # JupyterLab refuses to start as root (containers, cloud shells) unless told it may.
    as_root = ["--allow-root"] if getattr(os, "geteuid", lambda: 1)() == 0 else []
    code = run([VENV_PY, "-m", "jupyterlab", "notebooks"] + as_root + extra,
               env={"PYTHONHASHSEED": "0"})
    return 0 if stopped else code


def cmd_notebooks(extra):
    ensure_env()
    return run([VENV_PY, "tools/execute_notebooks.py"] + extra, env=TEST_ENV)


def cmd_data(extra):
    ensure_env()
    return run([VENV_PY, "-m", "c360lab.cli", "generate", "--out", "data"] + extra, env=TEST_ENV)


def cmd_bench(extra):
    if not (ROOT / "tools" / "benchmark.py").exists():
        sys.exit("course.py: tools/benchmark.py is missing, so there is nothing to benchmark.")
    ensure_env()
    return run([VENV_PY, "tools/benchmark.py"] + extra, env=TEST_ENV)


def cmd_clean(extra):
    def remove(path):
        if path.exists():
            say("removing %s" % path.relative_to(ROOT))
            shutil.rmtree(path)
    for path in [VENV, ROOT / ".pytest_cache", ROOT / ".hypothesis", ROOT / "build"] + list(
            ROOT.glob("*.egg-info")):
        remove(path)
    for path in list(ROOT.rglob("__pycache__")):  # .venv is gone, so this walk stays short
        remove(path)
    return 0


COMMANDS = {"lab": cmd_lab, "test": cmd_test, "notebooks": cmd_notebooks, "data": cmd_data,
            "bench": cmd_bench, "clean": cmd_clean}


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python course.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Arguments after the command go to the tool it runs, e.g.\n"
               "  python course.py notebooks notebooks/01_profitability.ipynb\n"
               "  python course.py lab --no-browser")
    parser.add_argument("command", choices=COMMANDS, metavar="COMMAND", help=", ".join(COMMANDS))
    args, extra = parser.parse_known_args(argv)
    try:
        return COMMANDS[args.command](extra)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
