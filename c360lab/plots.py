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


# -- notebook 01: most profitable customers ------------------------------------------------------
# Charts of step 1 (001 §4.1): shares by segment, the Pareto curve of margin, revenue against
# margin rate. They draw the tables of c360lab.profitability; they compute nothing themselves.

__all__ += ["margin_scatter", "pareto_curve", "share_bars"]


def _percent(value, _pos=None) -> str:
    """Tick label of a percentage: ``'40%'``.

    >>> _percent(40.0), _percent(12.5)
    ('40%', '12.5%')
    """
    return f"{thousands(value)}%"


@_styled
def share_bars(shares: pd.DataFrame, *, title: str, xlabel: str = "share of the total (%)",
               legend_title: str | None = None, colors=None, annotate: bool = True, ax=None,
               figsize=None):
    """Grouped horizontal bars of shares (0 to 1), drawn as percentages.

    Use it to set one group's share of customers beside its share of revenue and of gross
    margin: where the bars differ in length, counting customers or revenue misleads.

    Parameters
    ----------
    shares : DataFrame
        Rows are the groups (top to bottom, e.g. segments), columns the totals they are shares
        of (legend, e.g. ``customers``, ``revenue``, ``gross margin``); values between 0 and 1.
    title : str
        The question the chart answers.
    xlabel : str
        The axis label, with its unit.
    legend_title : str, optional
        Title of the legend.
    colors : sequence or dict, optional
        One colour per column (default: the palette in order).
    annotate : bool, default True
        Write each bar's percentage at its end.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"customers": [0.2, 0.8], "gross margin": [0.6, 0.4]},
    ...                  index=["cafe", "household"])
    >>> ax = share_bars(t, title="Who earns the margin?")
    >>> [t.get_text() for t in ax.texts]
    ['20%', '80%', '60%', '40%']
    >>> plt.close("all")
    """
    percent = pd.DataFrame(shares).astype("float") * 100
    height = figsize or (7.0, 1.0 + 0.75 * len(percent) * max(1, len(percent.columns)) / 2)
    ax = bars(percent, title=title, xlabel=xlabel, horizontal=True, legend_title=legend_title,
              colors=colors, ax=ax, figsize=height)
    ax.xaxis.set_major_formatter(FuncFormatter(_percent))
    if annotate:
        for container in ax.containers:
            values = [patch.get_width() for patch in container.patches]
            ax.bar_label(container, labels=_labels(values, "{:.0f}%"), padding=2, fontsize=8)
        ax.margins(x=0.1)
    return ax


@_styled
def pareto_curve(curve: pd.DataFrame, *, title: str, top: float = 0.2,
                 compare: pd.DataFrame | None = None, label: str = "gross margin",
                 compare_label: str = "revenue", ylabel: str = "cumulative share of the total (%)",
                 ax=None, figsize=None):
    """The Pareto curve: customers from the largest down (x) against the cumulative share (y).

    Parameters
    ----------
    curve : DataFrame
        The output of ``profitability.pareto(table)``: ``customer_share`` and
        ``cumulative_share`` (both 0 to 1), one row per customer, largest first.
    title : str
        The question the chart answers.
    top : float, default 0.2
        Marks the top ``top`` of customers (the "20%" of the 80/20 rule) with a dashed line and
        the share they reach on the curve.
    compare : DataFrame, optional
        A second ``pareto`` output (e.g. ``pareto(table, value="revenue_vnd")``), drawn dashed.
    label, compare_label : str
        Legend labels of the two curves.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> curve = pd.DataFrame({"customer_share": [0.25, 0.5, 0.75, 1.0],
    ...                       "cumulative_share": [0.6, 0.9, 1.0, 1.0]})
    >>> ax = pareto_curve(curve, title="How few customers earn most of the margin?", top=0.25)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['gross margin', 'equal shares', 'top 25% of customers: 60%']
    >>> plt.close("all")
    """
    ax = _new_axes(ax, figsize)

    def points(c):
        x = np.concatenate([[0.0], c["customer_share"].to_numpy(dtype="float")]) * 100
        y = np.concatenate([[0.0], c["cumulative_share"].to_numpy(dtype="float")]) * 100
        return x, y

    x, y = points(curve)
    ax.plot(x, y, color=PALETTE[0], linewidth=2.2, label=label)
    if compare is not None:
        cx, cy = points(compare)
        ax.plot(cx, cy, color=PALETTE[1], linewidth=1.6, linestyle="--", label=compare_label)
    ax.plot([0, 100], [0, 100], color=GREY, linewidth=1, linestyle=":", label="equal shares")
    if len(curve):
        reached = float(np.interp(top * 100, x, y))
        ax.axvline(top * 100, color=OKABE_ITO["black"], linestyle="--", linewidth=1.1,
                   label=f"top {top:.0%} of customers: {reached:.0f}%")
        ax.plot([top * 100], [reached], marker="o", color=OKABE_ITO["black"], markersize=5)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, max(105.0, float(np.nanmax(y)) + 3 if len(y) else 105.0))
    ax.xaxis.set_major_formatter(FuncFormatter(_percent))
    ax.yaxis.set_major_formatter(FuncFormatter(_percent))
    ax.legend(loc="lower right")
    ax.set_title(title)
    ax.set_xlabel("customers, from the largest down (% of all customers)")
    ax.set_ylabel(ylabel)
    return ax


@_styled
def margin_scatter(table: pd.DataFrame, *, title: str, highlight=None,
                   highlight_label: str = "costly customers", revenue_line: float | None = None,
                   rate_line: float | None = None, rate_floor: float = -0.4, ax=None,
                   figsize=None):
    """One dot per customer: revenue (x, log scale) against gross margin rate (y, %).

    Parameters
    ----------
    table : DataFrame
        The output of ``profitability.customer_table``: ``customer_id``, ``revenue_vnd`` and
        ``margin_rate``. Customers without revenue (no margin rate) are left out.
    title : str
        The question the chart answers.
    highlight : sequence of customer ids, optional
        These customers are drawn on top in vermillion and named ``highlight_label``.
    revenue_line : float, optional
        A revenue threshold in VND (e.g. where the top 30% starts), drawn as a vertical line.
    rate_line : float, optional
        A margin-rate threshold (e.g. 0.05), drawn as a horizontal line.
    rate_floor : float, default -0.4
        Margin rates below it (a returned order can cost more than a small customer bought)
        are drawn at the floor, so the rest stays readable.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["A", "B", "C"], "revenue_vnd": [9e7, 2e6, 0],
    ...                   "margin_rate": [0.01, 0.45, float("nan")]})
    >>> ax = margin_scatter(t, title="Who sells a lot but earns little?", highlight=["A"])
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['other customers', 'costly customers']
    >>> plt.close("all")
    """
    ax = _new_axes(ax, figsize)
    shown = table[(table["revenue_vnd"] > 0) & table["margin_rate"].notna()]
    marked = shown["customer_id"].isin(list(highlight) if highlight is not None else [])
    rate = shown["margin_rate"].clip(lower=rate_floor) * 100
    ax.scatter(shown.loc[~marked, "revenue_vnd"], rate[~marked], s=12, alpha=0.45,
               color=PALETTE[0], linewidths=0, label="other customers")
    if marked.any():
        ax.scatter(shown.loc[marked, "revenue_vnd"], rate[marked], s=22, alpha=0.9,
                   color=OKABE_ITO["vermillion"], marker="D", linewidths=0,
                   label=highlight_label)
    if revenue_line is not None:
        ax.axvline(revenue_line, color=OKABE_ITO["black"], linestyle="--", linewidth=1)
    if rate_line is not None:
        ax.axhline(rate_line * 100, color=OKABE_ITO["black"], linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: thousands(v / 1e6)))
    ax.yaxis.set_major_formatter(FuncFormatter(_percent))
    ax.legend(loc="lower left")
    ax.set_title(title)
    ax.set_xlabel("revenue over two years, million VND (log scale)")
    ax.set_ylabel("gross margin rate (%)")
    return ax


# -- notebook 02 ---------------------------------------------------------------------------------
# Charts of step 2 (001 §4.2, 004): how well records are matched, how complete the Minimum Data
# Set is, how fast leads are answered. They draw tables of c360lab.identity; they compute nothing.

__all__ += ["completeness_heatmap", "match_quality", "response_time_curves"]


@_styled
def match_quality(scores: pd.DataFrame, *, title: str = "How many true pairs does each method "
                  "find, and how many of its pairs are right?", ax=None, figsize=None):
    """Recall and precision (0 to 1) of record-matching methods, as grouped bars in %.

    Parameters
    ----------
    scores : DataFrame
        One row per method (top to bottom), with columns ``recall`` and ``precision`` as
        ``identity.pair_scores`` returns them.
    title : str
        The question the chart answers.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> s = pd.DataFrame({"recall": [0.15, 0.99], "precision": [0.99, 1.0]},
    ...                  index=["raw phone", "resolved"])
    >>> ax = match_quality(s)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['recall: share of true pairs found', 'precision: share of found pairs that are right']
    >>> plt.close("all")
    """
    table = pd.DataFrame(scores)[["recall", "precision"]].astype("float") * 100
    ax = _new_axes(ax, figsize or (7.0, 0.75 * len(table) + 1.6))
    labels = {"recall": "recall: share of true pairs found",
              "precision": "precision: share of found pairs that are right"}
    colours = {"recall": OKABE_ITO["blue"], "precision": OKABE_ITO["orange"]}
    positions = np.arange(len(table))
    height = 0.38
    for i, column in enumerate(["recall", "precision"]):
        bars_ = ax.barh(positions + (i - 0.5) * height, table[column].to_numpy(), height=height,
                        color=colours[column], label=labels[column])
        ax.bar_label(bars_, labels=_labels(table[column].to_numpy(), "{:.1f}%"), padding=3,
                     fontsize=8)
    ax.set_yticks(positions, [str(i) for i in table.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(FuncFormatter(_percent))
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.18), ncols=1)
    ax.set_title(title)
    ax.set_xlabel("pairs of records (%)")
    return ax


@_styled
def completeness_heatmap(shares: pd.DataFrame, *, title: str, xlabel: str | None = None,
                         ylabel: str | None = None, ax=None, figsize=None):
    """A grid of shares filled (0 to 1): one row per field, one column per group, in %.

    Dark cells are empty fields; each cell is written with its percentage, blank cells (NaN)
    mean there is nothing to judge.

    Parameters
    ----------
    shares : DataFrame
        Rows: fields (e.g. the Minimum Data Set); columns: groups (e.g. lead sources); values
        between 0 and 1.
    title : str
        The question the chart answers.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"seo": [1.0, 0.4], "referral": [0.9, float("nan")]},
    ...                  index=["need", "budget"])
    >>> ax = completeness_heatmap(t, title="Which fields are empty?")
    >>> [t.get_text() for t in ax.texts]
    ['100%', '90%', '40%', '']
    >>> plt.close("all")
    """
    table = pd.DataFrame(shares).astype("float")
    rows, cols = table.shape
    ax = _new_axes(ax, figsize or (max(5.0, 0.85 * cols + 2.8), 0.42 * rows + 1.6))
    values = np.ma.masked_invalid(table.to_numpy() * 100)
    cmap = mpl.colormaps["cividis"].with_extremes(bad="#F2F2F2")
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=100, aspect="auto")
    for r in range(rows):
        for c in range(cols):
            v = table.iat[r, c]
            text = "" if pd.isna(v) else f"{v * 100:.0f}%"
            ax.text(c, r, text, ha="center", va="center", fontsize=8,
                    color="black" if (not pd.isna(v) and v >= 0.55) else "white")
    ax.set_xticks(np.arange(cols), [str(c) for c in table.columns], rotation=30, ha="right")
    ax.set_yticks(np.arange(rows), [str(i) for i in table.index])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8, format=FuncFormatter(_percent))
    bar.set_label("filled (%)")
    ax.set_title(title)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    return ax


@_styled
def response_time_curves(minutes: pd.DataFrame, *, sla_minutes: float, by: str = "channel",
                         title: str = "How fast is each channel answered?", colors=None,
                         ax=None, figsize=None):
    """Share of conversations answered within x minutes, one curve per group, with the SLA line.

    Parameters
    ----------
    minutes : DataFrame
        ``first_response_minutes`` and the ``by`` column (rows without minutes are left out).
    sla_minutes : float
        The promised first-response time, drawn as a dashed vertical line.
    by : str, default "channel"
        The column that makes one curve per value (sorted by name).

    Returns
    -------
    matplotlib.axes.Axes
        The x axis is in minutes on a log-like scale (linear below 1 minute).

    Examples
    --------
    >>> m = pd.DataFrame({"channel": ["zalo_oa", "zalo_oa", "hotline"],
    ...                   "first_response_minutes": [5, 40, 1]})
    >>> ax = response_time_curves(m, sla_minutes=15)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['hotline', 'zalo_oa', 'SLA: 15 minutes']
    >>> plt.close("all")
    """
    table = pd.DataFrame(minutes)
    table = table[table["first_response_minutes"].notna()]
    ax = _new_axes(ax, figsize)
    if isinstance(colors, dict):
        colors = [colors.get(g, GREY) for g in sorted(table[by].astype("str").unique())]
    colors = list(colors) if colors is not None else list(PALETTE)
    groups = table.groupby(table[by].astype("str"), sort=True)["first_response_minutes"]
    top = 1.0
    for i, (name, values) in enumerate(groups):
        x = np.sort(values.astype("float").to_numpy())
        y = np.arange(1, len(x) + 1) / len(x) * 100
        ax.step(np.concatenate([[0.0], x]), np.concatenate([[0.0], y]), where="post",
                color=colors[i % len(colors)], linewidth=1.8, label=name)
        top = max(top, float(x.max()))
    ax.axvline(sla_minutes, color=OKABE_ITO["black"], linestyle="--", linewidth=1.2,
               label=f"SLA: {thousands(sla_minutes)} minutes")
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlim(0, top * 1.1)
    ax.xaxis.set_major_formatter(FuncFormatter(thousands))
    ax.set_ylim(0, 102)
    ax.yaxis.set_major_formatter(FuncFormatter(_percent))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title)
    ax.set_xlabel("minutes until the first reply (log scale)")
    ax.set_ylabel("conversations answered (%)")
    return ax


# -- notebook 03: the customer journey -----------------------------------------------------------
# Charts of step 3 (001 §4.3, 002): the funnel with its step conversions, the stage-to-stage flow
# with the customers who stop at each stage, and funnels compared across groups. They draw the
# tables of c360lab.journey (funnel, pipeline_funnel); they compute nothing themselves.

__all__ += ["flow_chart", "funnel_chart", "funnel_lines"]


def _stage_names(stages, labels) -> list[str]:
    labels = labels or {}
    return [str(labels.get(s, s)) for s in stages]


@_styled
def funnel_chart(table: pd.DataFrame, *, title: str, labels: dict | None = None,
                 xlabel: str = "customers", color: str | None = None, ax=None, figsize=None):
    """A funnel as horizontal bars, first stage on top, each with its count and step conversion.

    Parameters
    ----------
    table : DataFrame
        One funnel (not grouped), as ``journey.funnel`` or ``journey.pipeline_funnel`` return
        it: ``stage``, ``reached``, ``step_conversion``.
    title : str
        The question the chart answers.
    labels : dict, optional
        Stage → label to show (e.g. ``journey.STAGE_LABELS``, English with Vietnamese).
    xlabel : str
        What the bars count, e.g. ``"customers"`` or ``"deals"``.

    Returns
    -------
    matplotlib.axes.Axes
        Each bar is labelled ``"1,234 · 46% of previous"`` (the first bar: its count only); the
        step that keeps the smallest share is drawn in vermillion.

    Examples
    --------
    >>> t = pd.DataFrame({"stage": ["inquiry", "quote", "won"], "reached": [10, 8, 4],
    ...                   "step_conversion": [float("nan"), 0.8, 0.5]})
    >>> ax = funnel_chart(t, title="Where do deals drop out?", xlabel="deals")
    >>> [x.get_text() for x in ax.texts]
    ['10', '8 · 80% of previous', '4 · 50% of previous']
    >>> plt.close("all")
    """
    t = pd.DataFrame(table)
    if t.columns.isin(["from_stage", "stage", "reached"]).sum() < 2 or "reached" not in t:
        raise ValueError("pass one funnel with columns stage, reached, step_conversion")
    stages = [str(s) for s in t["stage"]]
    reached = t["reached"].astype("float").to_numpy()
    step = t["step_conversion"].astype("float").to_numpy()
    ax = _new_axes(ax, figsize or (7.5, 0.55 * len(t) + 1.5))
    colours = [color or PALETTE[0]] * len(t)
    if np.isfinite(step).any():
        colours[int(np.nanargmin(step))] = OKABE_ITO["vermillion"]
    positions = np.arange(len(t))
    bars_ = ax.barh(positions, reached, color=colours, height=0.7)
    text = [f"{r:,.0f}" if not np.isfinite(s) else f"{r:,.0f} · {s:.0%} of previous"
            for r, s in zip(reached, step)]
    ax.bar_label(bars_, labels=text, padding=3, fontsize=8)
    ax.set_yticks(positions, _stage_names(stages, labels))
    ax.invert_yaxis()
    ax.margins(x=0.35)
    ax.set_xlim(left=0)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(FuncFormatter(thousands))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return ax


@_styled
def funnel_lines(table: pd.DataFrame, *, by: str, title: str, labels: dict | None = None,
                 colors=None, ax=None, figsize=None):
    """Grouped funnels side by side: per group, the share of its first stage reaching each stage.

    Parameters
    ----------
    table : DataFrame
        A grouped funnel (``journey.funnel(stages, by=by)``): ``by``, ``stage``,
        ``overall_conversion``.
    by : str
        The group column; one line per group, in the table's order, labelled in the legend.
    labels : dict, optional
        Stage → label for the x axis.

    Returns
    -------
    matplotlib.axes.Axes
        The y axis is "% of the group's first stage"; every line starts at 100%.

    Examples
    --------
    >>> t = pd.DataFrame({"source": ["ads", "ads", "referral", "referral"],
    ...     "stage": ["lead", "customer"] * 2, "overall_conversion": [1.0, 0.2, 1.0, 0.7]})
    >>> ax = funnel_lines(t, by="source", title="Which source's leads go furthest?")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['ads', 'referral']
    >>> plt.close("all")
    """
    t = pd.DataFrame(table)
    wide = t.pivot_table(index="stage", columns=by, values="overall_conversion",
                         observed=True, sort=False, aggfunc="first") * 100
    stages = list(dict.fromkeys(str(s) for s in t["stage"]))
    wide.index = wide.index.astype("str")
    wide = wide.reindex(index=stages, columns=list(dict.fromkeys(t[by])))
    ax = _new_axes(ax, figsize or (7.5, 4.0))
    if isinstance(colors, dict):
        colors = [colors.get(g, GREY) for g in wide.columns]
    colors = list(colors) if colors is not None else list(PALETTE)
    x = np.arange(len(stages))
    for i, group in enumerate(wide.columns):
        ax.plot(x, wide[group].to_numpy(), marker="o", markersize=4, linewidth=1.8,
                color=colors[i % len(colors)], label=str(group))
    ax.set_xticks(x, _stage_names(stages, labels), rotation=20, ha="right")
    ax.set_ylim(0, 105)
    ax.yaxis.set_major_formatter(FuncFormatter(_percent))
    ax.grid(axis="x", visible=False)
    ax.legend(title=by, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel(f"reached the stage (% of the group's {stages[0] if stages else 'first'})")
    return ax


def _band(ax, x0, y0a, y0b, x1, y1a, y1b, color, alpha=0.45):
    """A smooth band from the vertical span (y0a, y0b) at x0 to (y1a, y1b) at x1."""
    x = np.linspace(x0, x1, 40)
    w = (1 - np.cos(np.linspace(0, np.pi, 40))) / 2  # ease in and out
    ax.fill_between(x, y0a + (y1a - y0a) * w, y0b + (y1b - y0b) * w, color=color, alpha=alpha,
                    linewidth=0)


@_styled
def flow_chart(table: pd.DataFrame, *, title: str, labels: dict | None = None,
               unit: str = "customers", ax=None, figsize=None):
    """The funnel as a flow (Sankey-like): who moves on from each stage, and who stops there.

    Each stage is a column whose height is the number that reached it, aligned at the top; a
    blue band carries those who reach the next stage, a grey band drops away with those who
    stop, labelled with their number.

    Parameters
    ----------
    table : DataFrame
        One funnel (not grouped): ``stage``, ``reached`` (as ``journey.funnel`` returns it).
    labels : dict, optional
        Stage → label under each column.
    unit : str
        What is counted, for the labels ("customers", "deals").

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> t = pd.DataFrame({"stage": ["awareness", "consideration", "decision"],
    ...                   "reached": [100, 60, 15]})
    >>> ax = flow_chart(t, title="Where does the journey stop?")
    >>> [x.get_text() for x in ax.texts if x.get_text().startswith("stop")]
    ['stopped: 40', 'stopped: 45']
    >>> plt.close("all")
    """
    t = pd.DataFrame(table)
    stages = [str(s) for s in t["stage"]]
    reached = t["reached"].astype("float").to_numpy()
    ax = _new_axes(ax, figsize or (8.5, 4.2))
    top = float(reached.max()) if len(reached) and reached.max() > 0 else 1.0
    width, gap = 0.12, 1.0
    blue, node = OKABE_ITO["blue"], OKABE_ITO["black"]
    for i, r in enumerate(reached):
        ax.add_patch(mpl.patches.Rectangle((i * gap - width / 2, top - r), width, r,
                                           color=node, linewidth=0))
        ax.text(i * gap, top + 0.03 * top, f"{r:,.0f}", ha="center", va="bottom", fontsize=8)
        if i + 1 < len(reached):
            nxt = reached[i + 1]
            x0, x1 = i * gap + width / 2, (i + 1) * gap - width / 2
            _band(ax, x0, top - nxt, top, x1, top - nxt, top, blue)
            stopped = r - nxt
            if stopped > 0:
                x_end = x0 + 0.55 * (x1 - x0)
                _band(ax, x0, top - r, top - nxt, x_end, -0.12 * top - stopped,
                      -0.12 * top, GREY, alpha=0.5)
                ax.text(x_end + 0.02, -0.12 * top - stopped / 2, f"stopped: {stopped:,.0f}",
                        ha="left", va="center", fontsize=8, color="#444444")
    lowest = -0.12 * top - max([reached[i] - reached[i + 1] for i in range(len(reached) - 1)]
                               + [0.0])
    ax.set_xlim(-0.5, (len(stages) - 1) * gap + 0.6)
    ax.set_ylim(lowest - 0.05 * top, top * 1.12)
    ax.set_xticks(np.arange(len(stages)) * gap, _stage_names(stages, labels), rotation=15)
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(title)
    ax.set_ylabel(f"{unit} (height of each column)")
    return ax


# -- notebook 04 ---------------------------------------------------------------------------------
# Charts of step 4 (001 §4.4): which barrier holds each segment back. They draw tables of
# c360lab.insight; they compute nothing.

__all__ += ["barrier_mix"]


@_styled
def barrier_mix(shares: pd.DataFrame, *, title: str = "Which barrier holds each segment back?",
                xlabel: str = "customers with a known barrier (%)", ax=None, figsize=None):
    """Each segment's barriers as one 100% bar, a fixed colour per barrier.

    Parameters
    ----------
    shares : DataFrame
        What ``insight.barriers_by_segment`` returns: one row per segment, one column per
        barrier (shares 0 to 1), and an optional ``n`` column (written beside each label).
    title : str
        The question the chart answers.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> s = pd.DataFrame({"price": [0.6, 0.2], "trust": [0.4, 0.8], "n": [10, 5]},
    ...                  index=["household", "office"])
    >>> ax = barrier_mix(s)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['household (n=10)', 'office (n=5)']
    >>> plt.close("all")
    """
    table = pd.DataFrame(shares).astype("float")
    n = table.pop("n") if "n" in table.columns else None
    if n is not None:
        table.index = [f"{i} (n={int(k):,})" for i, k in zip(table.index, n)]
    ax = bars(table * 100, title=title, xlabel=xlabel, stacked=True, horizontal=True,
              legend_title="barrier", ax=ax,
              figsize=figsize or (7.5, 0.45 * len(table) + 1.6))
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(FuncFormatter(_percent))
    return ax


# -- notebook 08: the reverse funnel ---------------------------------------------------------------
# Charts of notebook 08 (000, 003): the traditional funnel beside the reverse funnel. They draw
# the tables of c360lab.reverse_funnel; they compute nothing.

__all__ += ["two_funnels"]


@_styled
def two_funnels(traditional: pd.DataFrame, reverse: pd.DataFrame, *, title: str,
                referred: int | None = None, labels: dict | None = None,
                reverse_labels: dict | None = None, figsize=None):
    """The traditional funnel (left) beside the reverse funnel (right), as two funnel charts.

    Parameters
    ----------
    traditional, reverse : DataFrame
        Two funnels as ``journey.funnel`` returns them (``stage``, ``reached``,
        ``step_conversion``), e.g. ``reverse_funnel.funnels(clean)``'s two tables.
    title : str
        The question the figure answers.
    referred : int, optional
        The customers the referrers brought: written under the reverse funnel, where 000's
        reverse funnel opens again onto new customers.
    labels, reverse_labels : dict, optional
        Stage → label for each funnel.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, ``fig.axes``: the traditional funnel (blue) and the reverse one (green).

    Examples
    --------
    >>> t = pd.DataFrame({"stage": ["awareness", "decision"], "reached": [100, 30],
    ...                   "step_conversion": [float("nan"), 0.3]})
    >>> r = pd.DataFrame({"stage": ["customer", "referral"], "reached": [30, 6],
    ...                   "step_conversion": [float("nan"), 0.2]})
    >>> fig = two_funnels(t, r, title="Sell once, or keep and grow?", referred=9)
    >>> [ax.get_title() for ax in fig.axes]
    ['Traditional funnel: acquisition → sale', 'Reverse funnel: retention → referral']
    >>> fig.axes[1].texts[-1].get_text()
    '→ brought 9 new customers by referral'
    >>> plt.close("all")
    """
    fig, (left, right) = plt.subplots(1, 2, layout="constrained",
                                      figsize=figsize or (12.5, 0.5 * max(len(traditional),
                                                                         len(reverse)) + 2.2))
    funnel_chart(traditional, title="Traditional funnel: acquisition → sale", labels=labels,
                 ax=left, color=OKABE_ITO["blue"])
    funnel_chart(reverse, title="Reverse funnel: retention → referral", labels=reverse_labels,
                 ax=right, color=OKABE_ITO["bluish_green"])
    if referred is not None:
        right.text(0.02, -0.22, f"→ brought {referred:,} new customers by referral",
                   transform=right.transAxes, fontsize=9, color=OKABE_ITO["bluish_green"],
                   fontweight="bold")
    fig.suptitle(title, fontsize=STYLE["axes.titlesize"], fontweight=STYLE["axes.titleweight"])
    return fig


# -- notebook 09: the automation playbook ---------------------------------------------------------
# Charts of notebook 09 (002, 004): rates with their uncertainty (an A/B test, send hours). They
# draw the tables of c360lab.automation; they compute nothing.

__all__ += ["rate_intervals"]


@_styled
def rate_intervals(rates: pd.DataFrame, *, title: str, xlabel: str, colors=None, ax=None,
                   figsize=None):
    """One rate per row with its interval: a dot and a line, in percent, first row on top.

    Parameters
    ----------
    rates : DataFrame
        Indexed by the group labels, with ``rate``, ``rate_low`` and ``rate_high`` (0–1), such as
        ``automation.variant_rates`` or ``automation.send_hour_comparison``; ``sends`` is
        written beside each label when present.
    title : str
        The question the chart answers.
    xlabel : str
        What the rate is, with its unit (e.g. "converted within 7 days (%)").
    colors : sequence, optional
        One colour per row (default: the palette in order).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> rates = pd.DataFrame({"rate": [0.04, 0.13], "rate_low": [0.03, 0.11],
    ...                       "rate_high": [0.06, 0.16], "sends": [400, 410]}, index=["A", "B"])
    >>> ax = rate_intervals(rates, title="Which variant converts more?", xlabel="converted (%)")
    >>> [t.get_text() for t in ax.texts]
    ['4.0%', '13.0%']
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A (400 sends)', 'B (410 sends)']
    >>> plt.close("all")
    """
    ax = _new_axes(ax, figsize or (7.0, 1.2 + 0.6 * len(rates)))
    colors = list(colors) if colors is not None else list(PALETTE[:len(rates)])
    pos = np.arange(len(rates))
    rate = rates["rate"].to_numpy(dtype=float) * 100
    low = rates["rate_low"].to_numpy(dtype=float) * 100
    high = rates["rate_high"].to_numpy(dtype=float) * 100
    for i in pos:
        ax.plot([low[i], high[i]], [i, i], color=colors[i], linewidth=3, solid_capstyle="butt")
        ax.plot(rate[i], i, "o", color=colors[i], markersize=9)
        ax.annotate(f"{rate[i]:.1f}%", (high[i], i), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=9)
    labels = [f"{name} ({n:,} sends)" if "sends" in rates.columns else str(name)
              for name, n in zip(rates.index, rates.get("sends", pd.Series(0, rates.index)))]
    ax.set_yticks(pos, labels)
    ax.set_ylim(len(rates) - 0.5, -0.5)
    ax.set_xlim(0, max(high.max() * 1.25, 1))
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return ax
