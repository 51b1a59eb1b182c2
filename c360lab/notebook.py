"""The one call at the top of every course notebook: ``from c360lab.notebook import setup; setup()``.

It makes a notebook's outputs the same on every run and every machine (the committed outputs are
checked by ``pytest --nbval``) and gives every chart the course's look. Plotting libraries are
imported inside ``setup`` only, so ``import c360lab`` stays fast.
"""

from __future__ import annotations

import os
import random
import sys

#: Okabe & Ito's colour-blind-safe palette, in the order the course's charts use it.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

PANDAS_OPTIONS = {"display.max_rows": 20, "display.max_columns": 30, "display.width": 120,
                  "display.precision": 3}

RC_PARAMS = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "font.family": "sans-serif",
    # DejaVu Sans ships with matplotlib and has every Vietnamese diacritic (ă, ơ, ư, đ, ế, ữ ...).
    "font.sans-serif": ["DejaVu Sans"],
    "svg.hashsalt": "c360lab",  # stable ids if someone switches the inline backend to SVG
}

#: PNGs without a bbox that changes run to run and without the "Software: matplotlib x.y" stamp.
PRINT_FIGURE_KWARGS = {"bbox_inches": "tight", "metadata": {"Software": None}}


def setup(seed: int = 2026) -> None:
    """Prepare a notebook (or script): seeded randomness, tidy tables, consistent charts.

    - seeds Python's ``random`` and numpy's global generator with ``seed``;
    - sets ``TQDM_DISABLE=1`` so no timing-dependent progress bar lands in an output;
    - pandas shows at most 20 rows and 30 columns, 120 characters wide, 3 decimals;
    - matplotlib draws 8 x 4.5 inch figures at 100 dpi with the Okabe-Ito colours and a font
      that renders Vietnamese;
    - in a Jupyter kernel, figures are shown inline, cropped tight, without a version stamp.

    Hash order (of sets, for example) is fixed by ``PYTHONHASHSEED=0`` in the kernel's
    environment, which only the process that starts the kernel can set (``course.py`` does).
    Call it again after ``seaborn.set_theme()``, which resets matplotlib's settings. Prints
    nothing and returns None.

    Parameters
    ----------
    seed : int
        Seed for ``random`` and ``numpy.random`` (default 2026, the sample data's seed).

    Examples
    --------
    >>> import matplotlib as mpl, pandas as pd
    >>> with mpl.rc_context():                  # puts matplotlib's settings back afterwards
    ...     setup()
    ...     print(pd.get_option("display.max_rows"), mpl.rcParams["figure.figsize"])
    20 [8.0, 4.5]
    >>> pd.reset_option("display")              # and pandas' display settings
    """
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    os.environ["TQDM_DISABLE"] = "1"  # tqdm reads it when first imported: keep setup() first

    import pandas as pd

    for option, value in PANDAS_OPTIONS.items():
        pd.set_option(option, value)

    import matplotlib as mpl
    from cycler import cycler

    shell = _kernel_shell()
    if shell is not None:
        # Activating the inline backend applies its own rc settings, so it comes before ours.
        shell.run_line_magic("matplotlib", "inline")
        shell.run_line_magic("config", f"InlineBackend.print_figure_kwargs = {PRINT_FIGURE_KWARGS!r}")
    mpl.rcParams.update(RC_PARAMS)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(OKABE_ITO))


def _kernel_shell():
    """The IPython shell when running inside a Jupyter kernel, else None (never imports IPython)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None
