"""Every chart of the course, with one look.

Each function takes a pandas Series or DataFrame that already holds the numbers to draw, draws
them, and returns the matplotlib ``Axes``. Nothing here computes an analysis, reads a file,
prints or calls ``plt.show()``: the notebook counts with pandas, then hands the counts over.

The look (``STYLE``):

- the title states the question the chart answers ("Which export holds the most records?");
- every axis names its unit (records, VND, %, days);
- colours come from the Okabe–Ito palette, which stays distinct for colour-blind readers;
- text is set in DejaVu Sans, which has every Vietnamese diacritic (ắ, ề, ỗ, ự, đ, ₫).

Pass ``ax=`` to draw into an existing grid of axes, or leave it out for a new figure.

>>> import pandas as pd
>>> ax = bar(pd.Series({"crm_contacts": 3400, "shop_orders": 9100}),
...          title="Which export holds the most records?", xlabel="records")
>>> ax.get_title()
'Which export holds the most records?'
>>> import matplotlib.pyplot as plt; plt.close("all")

Source: DESIGN.md, "Charts"; the NPS groups follow 003 (promoters 9–10, detractors 0–6).
"""

from __future__ import annotations

import functools

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.ticker import FuncFormatter

from .notebook import OKABE_ITO as _SETUP_ORDER

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "STYLE",
    "apply_style",
    "bar",
    "bars",
    "lines",
    "nps_distribution",
    "small_lines",
    "thousands",
]

#: The Okabe–Ito colour-blind-safe palette (Okabe & Ito, 2008), by name.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: The order in which series take colours, the same as ``c360lab.notebook.setup()`` gives charts
#: drawn directly with matplotlib: strong, distinct hues first; yellow (weak on white) late.
PALETTE = _SETUP_ORDER
GREY = "#8C8C8C"

#: The course's matplotlib settings; ``apply_style()`` makes them the default for your own charts.
STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib; covers Vietnamese
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlepad": 10,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 100,
    "svg.hashsalt": "c360lab",
}


def apply_style() -> None:
    """Make the course's look the default for every chart drawn afterwards (also your own)."""
    mpl.rcParams.update(STYLE)


def _styled(func):
    """Run a plotting function inside the course style, without changing the user's defaults."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper


def _new_axes(ax, figsize):
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize or STYLE["figure.figsize"], layout="constrained")
    return ax


def thousands(value, _pos=None) -> str:
    """Tick label with thousands separators, and decimals only when the value has them.

    >>> thousands(12500.0), thousands(2.5), thousands(0.25)
    ('12,500', '2.5', '0.25')
    """
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _labels(values, fmt):
    return [fmt.format(v) if pd.notna(v) else "" for v in values]


@_styled
def bar(values: pd.Series, *, title: str, xlabel: str | None = None, ylabel: str | None = None,
        horizontal: bool = True, color: str | None = None, colors=None, fmt: str = "{:,.0f}",
        annotate: bool = True, reference: float | None = None, reference_label: str | None = None,
        ax=None, figsize=None):
    """One bar per label of ``values``, in the order given (top to bottom when horizontal).

    Parameters
    ----------
    values : Series
        Numbers to draw, indexed by the bar labels.
    title : str
        The question the chart answers.
    xlabel, ylabel : str, optional
        Axis labels, with units. For horizontal bars ``xlabel`` names the values.
    horizontal : bool, default True
        Horizontal bars keep long labels (export names, issue types) readable.
    color : str, optional
        One colour for every bar (default: the palette's first, blue).
    colors : sequence or dict, optional
        One colour per bar (a list in the order of ``values``, or label → colour).
    fmt : str, default ``"{:,.0f}"``
        How each bar's value is written at its end; ``annotate=False`` writes none.
    reference : float, optional
        Draws a dashed line at this value (for example the true count), labelled
        ``reference_label``.
    ax : Axes, optional
        Draw here instead of in a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = bar(pd.Series({"a": 3, "b": 5}), title="Which is bigger?", xlabel="count",
    ...          reference=4, reference_label="truth")
    >>> [t.get_text() for t in ax.texts if t.get_text()]
    ['3', '5']
    >>> plt.close("all")
    """
    values = pd.Series(values)
    ax = _new_axes(ax, figsize)
    labels = [str(i) for i in values.index]
    numbers = values.astype("float").to_numpy()
    if isinstance(colors, dict):
        colors = [colors.get(i, color or PALETTE[0]) for i in values.index]
    colors = list(colors) if colors is not None else [color or PALETTE[0]] * len(values)
    positions = np.arange(len(values))
    if horizontal:
        bars_ = ax.barh(positions, numbers, color=colors, height=0.7)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(FuncFormatter(thousands))
    else:
        bars_ = ax.bar(positions, numbers, color=colors, width=0.7)
        ax.set_xticks(positions, labels)
        ax.grid(axis="x", visible=False)
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
    if annotate:
        ax.bar_label(bars_, labels=_labels(numbers, fmt), padding=3, fontsize=8)
        if horizontal:
            ax.margins(x=0.12)
        else:
            ax.margins(y=0.12)
    if reference is not None:
        line = ax.axvline if horizontal else ax.axhline
        line(reference, color=OKABE_ITO["black"], linestyle="--", linewidth=1.2,
             label=reference_label)
        if reference_label:  # below the chart, where it hides no bar
            ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.14 if xlabel else -0.08))
    ax.set_title(title)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    return ax


@_styled
def bars(table: pd.DataFrame, *, title: str, xlabel: str | None = None,
         ylabel: str | None = None, stacked: bool = False, horizontal: bool = False,
         legend_title: str | None = None, colors=None, ax=None, figsize=None):
    """Grouped (or stacked) bars: one group per row of ``table``, one colour per column.

    Use it for a cross-tab such as orders by channel (rows) and status (columns).

    Parameters
    ----------
    table : DataFrame
        Rows are the groups along the axis, columns are the series (colours, legend).
    title : str
        The question the chart answers.
    xlabel, ylabel : str, optional
        Axis labels, with units.
    stacked : bool, default False
        Stack the columns instead of placing them side by side.
    horizontal : bool, default False
        Horizontal bars, first row on top.
    legend_title : str, optional
        Title of the legend (the meaning of the columns).
    colors : sequence or dict, optional
        One colour per column (default: the palette in order).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"completed": [5, 3], "returned": [1, 2]}, index=["web", "shopee"])
    >>> ax = bars(t, title="Which channel returns most?", ylabel="orders", stacked=True)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['completed', 'returned']
    >>> plt.close("all")
    """
    table = pd.DataFrame(table).astype("float")
    ax = _new_axes(ax, figsize)
    if isinstance(colors, dict):
        colors = [colors.get(c, GREY) for c in table.columns]
    colors = list(colors) if colors is not None else list(PALETTE)
    positions = np.arange(len(table))
    n = max(len(table.columns), 1)
    width = 0.75 if stacked else 0.8 / n
    base = np.zeros(len(table))
    for i, column in enumerate(table.columns):
        values = table[column].fillna(0).to_numpy()
        offset = 0 if stacked else (i - (n - 1) / 2) * width
        style = dict(color=colors[i % len(colors)], label=str(column))
        if horizontal:
            ax.barh(positions + offset, values, height=width, left=base if stacked else None,
                    **style)
        else:
            ax.bar(positions + offset, values, width=width, bottom=base if stacked else None,
                   **style)
        if stacked:
            base = base + values
    labels = [str(i) for i in table.index]
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(FuncFormatter(thousands))
    else:
        ax.set_xticks(positions, labels)
        ax.grid(axis="x", visible=False)
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
    ax.legend(title=legend_title, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    return ax


@_styled
def lines(table: pd.DataFrame | pd.Series, *, title: str, ylabel: str,
          xlabel: str | None = "month", logy: bool = False, legend_title: str | None = None,
          colors=None, marker: str | None = None, ax=None, figsize=None):
    """One line per column of ``table`` over its index (dates or monthly periods).

    Parameters
    ----------
    table : DataFrame or Series
        Index: dates, timestamps or a ``PeriodIndex``; columns: the lines (a Series is one line).
    title : str
        The question the chart answers.
    ylabel : str
        The values' meaning and unit, e.g. ``"records per month (log scale)"``.
    logy : bool, default False
        Logarithmic value axis, for sources whose sizes differ a hundredfold.
    legend_title : str, optional
        Title of the legend.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"orders": [10, 12, 15]},
    ...                  index=pd.period_range("2024-01", periods=3, freq="M"))
    >>> ax = lines(t, title="Are orders growing?", ylabel="orders per month")
    >>> ax.get_ylabel()
    'orders per month'
    >>> plt.close("all")
    """
    table = table.to_frame() if isinstance(table, pd.Series) else pd.DataFrame(table)
    index = table.index
    if isinstance(index, pd.PeriodIndex):
        index = index.to_timestamp()
    ax = _new_axes(ax, figsize)
    if isinstance(colors, dict):
        colors = [colors.get(c, GREY) for c in table.columns]
    colors = list(colors) if colors is not None else list(PALETTE)
    for i, column in enumerate(table.columns):
        ax.plot(index, table[column].astype("float").to_numpy(), label=str(column),
                color=colors[i % len(colors)], linewidth=1.8, marker=marker, markersize=3)
    if logy:
        ax.set_yscale("log")
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        ax.set_ylim(bottom=0)
    if pd.api.types.is_datetime64_any_dtype(index):
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if len(table.columns) > 1 or legend_title:
        ax.legend(title=legend_title, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel)
    return ax


@_styled
def small_lines(table: pd.DataFrame, *, title: str, ylabel: str, ncols: int = 4,
                colors=None, figsize=None):
    """Small multiples: one small line chart per column of ``table``, each with its own scale.

    Use it to compare the *shape* over time of series whose sizes differ a lot (a hundred web
    events a day against a few referrals a month).

    Parameters
    ----------
    table : DataFrame
        Index: dates or a monthly ``PeriodIndex``; one panel per column, titled by its name.
    title : str
        The question the whole figure answers.
    ylabel : str
        The values' meaning and unit, written once beside the grid.
    ncols : int, default 4
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        Its panels are ``fig.axes``, in the order of the columns.

    Examples
    --------
    >>> t = pd.DataFrame({"orders": [10, 12, 15], "tickets": [1, 0, 2]},
    ...                  index=pd.period_range("2024-01", periods=3, freq="M"))
    >>> fig = small_lines(t, title="Does every export grow?", ylabel="records per month")
    >>> fig.get_suptitle(), [ax.get_title() for ax in fig.axes]
    ('Does every export grow?', ['orders', 'tickets'])
    >>> plt.close("all")
    """
    table = pd.DataFrame(table)
    index = table.index.to_timestamp() if isinstance(table.index, pd.PeriodIndex) else table.index
    n = len(table.columns)
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, grid = plt.subplots(nrows, ncols, sharex=True, squeeze=False, layout="constrained",
                             figsize=figsize or (2.6 * ncols, 1.9 * nrows + 0.6))
    if isinstance(colors, dict):
        colors = [colors.get(c, PALETTE[0]) for c in table.columns]
    colors = list(colors) if colors is not None else [PALETTE[0]]
    for i, ax in enumerate(grid.flat):
        if i >= n:
            ax.set_visible(False)
            continue
        if i + ncols >= n:  # nothing drawn below this panel: it shows the dates itself
            ax.xaxis.set_tick_params(labelbottom=True)
        column = table.columns[i]
        ax.plot(index, table[column].astype("float").to_numpy(), color=colors[i % len(colors)],
                linewidth=1.6)
        ax.set_title(str(column), fontsize=10, fontweight="normal")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        ax.tick_params(labelsize=8)
        if pd.api.types.is_datetime64_any_dtype(index):
            locator = mdates.MonthLocator(bymonth=(1, 7))
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.suptitle(title, fontsize=STYLE["axes.titlesize"],
                 fontweight=STYLE["axes.titleweight"])
    fig.supylabel(ylabel, fontsize=STYLE["axes.labelsize"])
    return fig


@_styled
def nps_distribution(scores: pd.Series, *, title: str = "How likely are customers to recommend us?",
                     promoter_min: int = 9, detractor_max: int = 6, ax=None, figsize=None):
    """Responses per NPS score 0–10, coloured by group: detractors, passives, promoters.

    The groups follow 003: promoters answer 9–10, passives 7–8, detractors 0–6. Missing scores
    are left out.

    Parameters
    ----------
    scores : Series
        One NPS answer (0–10) per response.
    title : str
        The question the chart answers.
    promoter_min, detractor_max : int
        Group boundaries (defaults from 003).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = nps_distribution(pd.Series([10, 9, 7, 3, None]))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['detractors (0–6)', 'passives (7–8)', 'promoters (9–10)']
    >>> plt.close("all")
    """
    counts = (pd.Series(scores).dropna().astype("int64").value_counts()
              .reindex(range(11), fill_value=0))
    ax = _new_axes(ax, figsize)
    groups = (
        (f"detractors (0–{detractor_max})", OKABE_ITO["vermillion"],
         counts.index <= detractor_max),
        (f"passives ({detractor_max + 1}–{promoter_min - 1})", GREY,
         (counts.index > detractor_max) & (counts.index < promoter_min)),
        (f"promoters ({promoter_min}–10)", OKABE_ITO["bluish_green"],
         counts.index >= promoter_min),
    )
    for label, colour, mask in groups:
        ax.bar(counts.index[mask], counts[mask], color=colour, width=0.75, label=label)
    ax.set_xticks(range(11))
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_formatter(FuncFormatter(thousands))
    ax.legend(loc="upper left")
    ax.set_title(title)
    ax.set_xlabel("NPS answer: how likely to recommend, 0 (not at all) to 10 (extremely)")
    ax.set_ylabel("responses")
    return ax
