"""c360lab: build a Customer 360 in seven steps, and run the reverse funnel, on your own data.

The helper package of the c360lab course. Modules load on first use, so ``import c360lab`` is
instant and never imports a plotting library:

>>> import c360lab
>>> raw = c360lab.load_raw()                     # the sample company's twelve raw exports
>>> sorted(raw)[:3]
['automation_sends', 'community', 'crm_contacts']
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "C360DataError": "c360lab.contract",
    "validate": "c360lab.contract",
    "TABLES": "c360lab.contract",
    "generate": "c360lab.datasets",
    "load_raw": "c360lab.datasets",
    "load_answer_key": "c360lab.datasets",
    "write_sample": "c360lab.datasets",
    "load_clean": "c360lab.datasets",
    "resolve": "c360lab.identity",
}
_SUBMODULES = {"contract", "datasets", "vietnam", "exercises", "notebook", "cli", "plots", "widgets",
               "profitability", "identity", "journey", "insight", "validation", "refresh",
               "profile", "clv", "kpi", "reverse_funnel", "automation", "pipeline", "report",
               "anonymize", "mapping"}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"c360lab.{name}")
    raise AttributeError(f"module 'c360lab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
