"""The HTML report of a pipeline run: one self-contained file a team can open and forward.

``html_report(results)`` writes what ``pipeline.run`` found on a team's data: the row
accounting (every input row used, repaired or rejected), the problems, which analyses ran and
which did not with what would unlock each, the key findings (segments by margin, the funnel and
its biggest leak, the top barriers, the lead-score bands and next best actions, the KPIs,
cohort retention, CLV) and links to the output files. It loads nothing from the network: the
charts (``c360lab.plots``) are embedded as PNG images, the style is inline, and every text
taken from the data is escaped, so a name such as ``<script>`` or ``=HYPERLINK(…)`` stays text.

Matplotlib is imported only when a chart is drawn, so ``import c360lab`` stays fast.

Source: 001 §4.5 (the profile in the hands of sales and care), 004 (audit trail: nothing lost).
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["html_report", "chart_png"]

_CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;
color:#222;line-height:1.45}
h1{font-size:26px;margin-bottom:4px}
h2{font-size:20px;margin-top:32px;border-bottom:2px solid #0072B2}
h3{font-size:16px;margin-top:20px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right}
.ran{color:#009E73;font-weight:700}.notran{color:#D55E00;font-weight:700}
.note{color:#555;font-size:13px}.box{background:#f7f7f7;border-left:4px solid #E69F00;
padding:6px 12px;margin:8px 0}img{max-width:100%;height:auto}
"""


def _e(value) -> str:
    """Escaped text of one value; blank for missing values."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _fmt(value, column: str = "") -> str:
    """A table cell: thousands separators, shares as percentages, dates without midnight."""
    if value is None or (np.isscalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        share = any(w in column for w in ("share", "rate", "conversion", "retention"))
        if share and -1.5 <= value <= 1.5 and column not in ("rate_pct",):
            return f"{100 * value:.1f}%"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return str(value)


def table_html(df: pd.DataFrame, *, max_rows: int = 25, columns=None) -> str:
    """An escaped HTML table of (the first ``max_rows`` rows of) ``df``.

    >>> table_html(pd.DataFrame({"name": ["<b>An</b>"], "share": [0.5]}))
    '<table><tr><th>name</th><th>share</th></tr><tr><td>&lt;b&gt;An&lt;/b&gt;</td><td class="num">50.0%</td></tr></table>'
    """
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    rows = []
    for rec in df.head(max_rows).itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, rec):
            num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
                v, (bool, np.bool_))
            attr = ' class="num"' if num else ""
            cells.append(f"<td{attr}>{html.escape(_fmt(v, str(c)))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (f"<p class='note'>… {len(df) - max_rows:,} more rows in the file.</p>"
            if len(df) > max_rows else "")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def chart_png(draw, *, figsize=(8, 4)) -> str:
    """Draw with ``draw(ax)`` on a new figure and return it as an ``<img>`` tag (base64 PNG).

    The figure is made without pyplot, so no window opens and the notebook's backend is
    untouched.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    draw(ax)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    title = ax.get_title()
    return f"<img alt='{_e(title)}' src='data:image/png;base64,{data}'>"


def _chart(draw, **kw) -> str:
    """A chart, or a note when it cannot be drawn on this data (the report never fails on it)."""
    try:
        return chart_png(draw, **kw)
    except (ValueError, KeyError, TypeError, IndexError) as err:
        return f"<p class='note'>(chart not drawn: {_e(type(err).__name__)}: {_e(err)})</p>"


# -- sections -------------------------------------------------------------------------------------

def _accounting(results, ingest) -> str:
    acc = getattr(ingest, "accounting", None) if ingest is not None else None
    parts = ["<h2>1 · Every input row, accounted for</h2>"]
    if isinstance(acc, pd.DataFrame) and len(acc):
        parts.append("<p>Each row of each file is <b>used</b> as it was, <b>repaired</b> (and "
                     "used; the repairs file says what changed) or <b>rejected</b> (with the "
                     "reason, in the rejected folder). used + repaired + rejected = input "
                     "rows.</p>")
        parts.append(table_html(acc, max_rows=100))
        total = acc[["input_rows", "used", "repaired", "rejected"]].sum()
        parts.append(f"<p>In all: {int(total['input_rows']):,} input rows, "
                     f"{int(total['used']):,} used, {int(total['repaired']):,} repaired, "
                     f"{int(total['rejected']):,} rejected.</p>")
    else:
        rows = [(name, len(df)) for name, df in results.clean.items()
                if name not in ("customers", "links") and len(df)]
        parts.append("<p>The tables were given already typed (no files were read), so every "
                     "row is used:</p>")
        parts.append(table_html(pd.DataFrame(rows, columns=["table", "rows used"]),
                                max_rows=100))
    return "".join(parts)


def _problems(results, ingest) -> str:
    parts = ["<h2>2 · Problems found, and what was assumed</h2>"]
    problems = list(getattr(ingest, "problems", []) or []) if ingest is not None else []
    if problems:
        parts.append("<ol>" + "".join(f"<li>{_e(_problem_text(p))}</li>" for p in problems)
                     + "</ol>")
    else:
        parts.append("<p>No problem in the input.</p>")
    repairs = getattr(ingest, "repairs", None) if ingest is not None else None
    if isinstance(repairs, pd.DataFrame) and len(repairs):
        keys = [c for c in ("table", "column", "what") if c in repairs.columns]
        summary = repairs.groupby(keys, sort=True).size().rename("rows").reset_index()
        parts.append("<h3>Repairs</h3>" + table_html(summary, max_rows=50))
    if results.notes:
        parts.append("<h3>Assumed by the pipeline</h3><ul>"
                     + "".join(f"<li>{_e(n)}</li>" for n in results.notes) + "</ul>")
    return "".join(parts)


def _problem_text(p) -> str:
    """A problem as text: an Issue of ``c360lab.mapping`` names its level, table and file."""
    return str(p)


def _analyses(results) -> str:
    a = results.analyses
    ran = int(a["ran"].sum())
    rows = []
    for r in a.itertuples(index=False):
        status = ("<span class='ran'>ran</span>" if r.ran
                  else "<span class='notran'>did not run</span>")
        detail = _e(r.note) if r.ran else _e(r.why_not)
        unlock = "" if r.ran else _e(r.unlock)
        rows.append(f"<tr><td>{_e(r.step)}</td><td>{_e(r.title)}</td><td>{status}</td>"
                    f"<td>{_e(r.gives)}</td><td>{detail}</td><td>{unlock}</td></tr>")
    return (f"<h2>3 · Analyses: {ran} of {len(a)} ran</h2><p>Each analysis runs when the "
            "tables and columns it reads are there. The last column says what to add to "
            "unlock the ones that did not run (table.column, as in the data contract).</p>"
            "<table><tr><th>step</th><th>analysis</th><th>status</th><th>gives</th>"
            "<th>note / why not</th><th>to unlock it, add</th></tr>" + "".join(rows)
            + "</table>")


def _findings(results) -> str:
    from . import plots

    o = results.outputs
    parts = ["<h2>4 · Key findings</h2>"]
    if "segments" in o:
        seg = o["segments"]
        by = "gross_margin_vnd" if "gross_margin_vnd" in seg.columns else "revenue_vnd"
        word = "margin" if by == "gross_margin_vnd" else "revenue"
        parts.append(f"<h3>Step 1 · Segments by {word}</h3>" + table_html(seg))
        parts.append(_chart(lambda ax: plots.bar(
            seg.set_index("segment")[by], title=f"Which segment earns the most {word}?",
            xlabel=f"{word} (VND)", ax=ax)))
    elif "customers" in o:
        t = o["customers"]
        by = "gross_margin_vnd" if "gross_margin_vnd" in t.columns else "revenue_vnd"
        top = t.sort_values([by, "customer_id"], ascending=[False, True]).head(10)
        parts.append(f"<h3>Step 1 · Top customers by {by.replace('_vnd', '')}</h3>"
                     + table_html(top, columns=["customer_id", "orders", "revenue_vnd",
                                                "gross_margin_vnd", "repeat", "rfm_code"]))
    if "margin_top20" in o:
        v = float(o["margin_top20"]["value"].iloc[0])
        parts.append(f"<p>The top 20% of customers earn <b>{100 * v:.0f}%</b> of the gross "
                     "margin.</p>")
    if "cohorts" in o and "retention_curve" in o:
        curve = o["retention_curve"].set_index("months")["retention"] * 100
        parts.append("<h3>Cohort retention</h3><p>Share of each month's new customers still "
                     "buying k months after their first order, all cohorts pooled.</p>")
        parts.append(_chart(lambda ax: plots.lines(
            curve.rename("all customers"), title="How many customers are still buying "
            "k months later?", ylabel="still buying (%)", xlabel="months after the first "
            "order", ax=ax)))
        parts.append(table_html(o["retention_curve"], max_rows=13))
    if "clv" in o:
        t = o["clv"]
        col = next(c for c in ("predictive_clv_vnd", "historical_clv_vnd",
                               "historical_clv_revenue_vnd") if c in t.columns)
        parts.append(f"<h3>Customer lifetime value</h3><p>Mean {_e(col)}: "
                     f"{t[col].mean():,.0f} VND over {len(t):,} customers; the ten highest:</p>"
                     + table_html(t.sort_values([col, "customer_id"],
                                                ascending=[False, True]).head(10)))
    if "funnel" in o:
        f = o["funnel"]
        parts.append("<h3>Step 3 · The journey funnel</h3>")
        parts.append(_chart(lambda ax: plots.funnel_chart(
            f, title="Where does the journey lose people?", ax=ax)))
        parts.append(table_html(f))
        if "biggest_leak" in o:
            leak = o["biggest_leak"].iloc[0]
            parts.append(f"<div class='box'>Biggest leak: <b>{_e(leak['from_stage'])} → "
                         f"{_e(leak['stage'])}</b>, which keeps only "
                         f"{100 * float(leak['step_conversion']):.1f}% "
                         f"({int(leak['lost']):,} lost).</div>")
    if "b2b_pipeline" in o:
        parts.append("<h3>B2B pipeline</h3>" + table_html(o["b2b_pipeline"]))
    if "conversion_by_source" in o:
        parts.append("<h3>Conversion by lead source</h3>" + table_html(o["conversion_by_source"]))
    if "top_barriers" in o:
        parts.append("<h3>Step 4 · Top barriers by segment</h3>")
        if "barriers_by_segment" in o:
            shares = o["barriers_by_segment"]
            parts.append(_chart(lambda ax: plots.barrier_mix(shares, ax=ax), figsize=(9, 4)))
        parts.append(table_html(o["top_barriers"]))
    if "bands" in o:
        parts.append("<h3>Step 5 · Lead-score bands and next best actions</h3>")
        bands = o["bands"].set_index("band")["customers"]
        parts.append(_chart(lambda ax: plots.bar(bands, title="How many customers are hot, "
                                                 "warm or cold?", xlabel="customers", ax=ax),
                            figsize=(7, 2.8)))
        parts.append(table_html(o["bands"]) + table_html(o["next_best_actions"]))
    if "target_check" in o:
        parts.append("<h3>Step 6 · Assumed vs actual target</h3>" + table_html(o["target_check"]))
    if "source_economics" in o:
        parts.append("<h3>Source economics</h3>" + table_html(o["source_economics"]))
    if "kpis" in o:
        parts.append("<h3>KPIs (the last twelve months)</h3>"
                     + table_html(o["kpis"], max_rows=60))
    if "reverse_funnel" in o:
        parts.append("<h3>The reverse funnel</h3>" + table_html(o["reverse_funnel"]))
    if "top_advocates" in o:
        parts.append("<h3>Top advocates</h3>" + table_html(o["top_advocates"]))
    if "ab_test" in o:
        parts.append("<h3>A/B test of the cart reminder</h3>" + table_html(o["ab_test"]))
    if len(parts) == 1:
        parts.append("<p>No analysis ran: see what would unlock them above.</p>")
    return "".join(parts)


def _files(files, base) -> str:
    if not files:
        return ""
    items = []
    for kind, path in files.items():
        path = Path(path)
        try:
            rel = path.relative_to(base).as_posix() if base is not None else path.name
        except ValueError:
            rel = path.name
        items.append(f"<li><a href='{html.escape(rel, quote=True)}'>{_e(rel)}</a> "
                     f"<span class='note'>({_e(kind)})</span></li>")
    return "<h2>5 · Output files</h2><ul>" + "".join(items) + "</ul>"


def html_report(results, *, ingest=None, files=None, base=None, title: str = "Customer 360 "
                "report") -> str:
    """The whole report as one HTML document (UTF-8 text, no external resource).

    Parameters
    ----------
    results : pipeline.Results
        What ``pipeline.run`` returned.
    ingest : Ingest, optional
        The row accounting, problems, repairs and rejected rows (``results.ingest`` by default).
    files : dict of str -> Path, optional
        Output files to link (``pipeline.write_outputs`` passes what it wrote).
    base : Path, optional
        The folder the links are relative to.
    """
    ingest = ingest if ingest is not None else getattr(results, "ingest", None)
    a = results.analyses
    intro = (f"<h1>{_e(title)}</h1><p class='note'>Data up to {results.as_of.date()} "
             f"(\"today\" = {results.as_of.date()}; only records before it count). "
             f"{int(a['ran'].sum())} of {len(a)} analyses ran. Made with c360lab.</p>")
    body = (intro + _accounting(results, ingest) + _problems(results, ingest)
            + _analyses(results) + _findings(results) + _files(files, base))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>")
