"""The ``c360lab`` command: ``generate``, ``doctor`` and argument errors."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from c360lab import __version__, cli

ROOT = Path(__file__).resolve().parent.parent


def run_cli(capsys, *argv):
    """Run ``c360lab *argv`` in-process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as stop:  # argparse exits on --help, --version and bad arguments
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def test_doctor_reports_python_versions_and_data(capsys, monkeypatch, tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "crm_contacts.csv").write_text("contact_id\n", encoding="utf-8")
    monkeypatch.setenv("C360LAB_DATA", str(tmp_path))
    code, out, _ = run_cli(capsys, "doctor")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"Python      {sys.version_info.major}.{sys.version_info.minor}.")
    for name in ("c360lab", "pandas", "numpy", "matplotlib", "seaborn", "ipywidgets", "jupyterlab"):
        assert any(line.split()[:1] == [name] and "NOT INSTALLED" not in line for line in lines), name
    assert f"sample data found: {tmp_path}" in out


def test_doctor_says_when_the_sample_data_is_missing(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("C360LAB_DATA", str(tmp_path / "nowhere"))
    code, out, _ = run_cli(capsys, "doctor")
    assert code == 0
    assert "sample data not found" in out and str(tmp_path / "nowhere") in out
    assert not (tmp_path / "nowhere").exists(), "doctor must not generate data"


@pytest.mark.parametrize("argv, message", [
    ([], "the following arguments are required: COMMAND"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["generate"], "the following arguments are required: --out"),
    (["generate", "--out", "x", "--customers", "many"], "invalid positive_int value: 'many'"),
    (["generate", "--out", "x", "--customers", "0"], "must be a positive whole number, not 0"),
    (["generate", "--out", "x", "--seed", "1.5"], "invalid int value: '1.5'"),
    (["doctor", "--verbose"], "unrecognized arguments: --verbose"),
])
def test_bad_arguments_exit_2_with_a_clear_message(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert message in err
    assert err.startswith("usage: c360lab")


def test_generate_rejects_a_size_out_of_range_before_writing(capsys, tmp_path):
    code, _, err = run_cli(capsys, "generate", "--out", str(tmp_path / "out"), "--customers", "10")
    assert code == 2
    assert "--customers must be from" in err
    assert not (tmp_path / "out").exists()


def test_version_and_help(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert (code, out.strip()) == (0, f"c360lab {__version__}")
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0 and "generate" in out and "doctor" in out


def test_console_script_points_at_main():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["c360lab"] == "c360lab.cli:main"


def test_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "c360lab.cli", "doctor"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Python")


def test_generate_writes_the_sample_with_a_progress_bar(tmp_path):
    out_dir = tmp_path / "cohort"
    env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"}
    run = subprocess.run([sys.executable, "-m", "c360lab.cli", "generate", "--out", str(out_dir),
                          "--customers", "500", "--seed", "42"], capture_output=True, text=True,
                         env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert "wrote 16 files" in run.stdout
    assert "Phin & Co." in run.stderr and "100%" in run.stderr  # tqdm's bar on stderr
    assert len(list((out_dir / "raw").glob("*.csv"))) == 12
    assert "--customers 500 --seed 42" in (out_dir / "README.md").read_text(encoding="utf-8")
