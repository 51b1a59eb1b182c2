"""``c360lab.notebook.setup``: the first call of every notebook, and the fast, plot-free import."""

import os
import random
import subprocess
import sys

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from c360lab import notebook


@pytest.fixture
def restored(monkeypatch):
    """Put matplotlib, pandas and TQDM_DISABLE back as they were after the test."""
    monkeypatch.setenv("TQDM_DISABLE", "0")
    with mpl.rc_context():
        yield
    pd.reset_option("display")


def test_setup_prints_nothing_returns_none_and_sets_the_course_defaults(restored, capsys):
    assert notebook.setup() is None
    assert capsys.readouterr() == ("", "")
    assert os.environ["TQDM_DISABLE"] == "1"
    assert {k: pd.get_option(k) for k in notebook.PANDAS_OPTIONS} == {
        "display.max_rows": 20, "display.max_columns": 30, "display.width": 120,
        "display.precision": 3}
    assert list(mpl.rcParams["figure.figsize"]) == [8.0, 4.5]
    assert mpl.rcParams["figure.dpi"] == 100
    assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(notebook.OKABE_ITO)


def test_setup_seeds_random_and_numpy(restored):
    notebook.setup(seed=7)
    first = (random.random(), np.random.random())
    notebook.setup(seed=7)
    assert (random.random(), np.random.random()) == first


def test_the_font_renders_vietnamese():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    missing = [ch for ch in "ĐđăâêôơưẮằẵặếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵ" if font.get_char_index(ord(ch)) == 0]
    assert not missing


def test_import_is_fast_and_never_loads_a_plotting_library():
    code = ("import sys, time; t = time.perf_counter(); import c360lab, c360lab.notebook; "
            "print(time.perf_counter() - t); "
            "print(sorted(m for m in ('matplotlib', 'seaborn', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seconds, loaded = done.stdout.splitlines()
    assert loaded == "[]"
    assert float(seconds) < 0.5
