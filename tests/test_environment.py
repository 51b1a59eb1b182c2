"""pyproject.toml is the single source of truth; environment.yml and constraints.txt must follow it.

CI cannot reach conda-forge, so environment.yml is checked statically here: same packages, same
lower bounds, and a pip section that installs the package. constraints.txt must pin every
dependency to a version the dependency's own bounds accept.
"""

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
#: conda-forge names for PyPI packages that are spelled differently there (PyPI -> allowed names)
CONDA_NAMES = {"matplotlib": {"matplotlib", "matplotlib-base"}, "duckdb": {"python-duckdb"}}
CONDA_SPEC = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")
#: pip lines that install the package from environment.yml's folder: ``-e .``, ``.[dev]``, ...
INSTALLS_PACKAGE = re.compile(r"""^(-e\s+)?(["']?)\.(\[[\w,\s-]*\])?\2$""")


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def wanted() -> dict[str, Requirement]:
    """Runtime and dev requirements of pyproject.toml, by canonical name."""
    project = pyproject()["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["dev"]
    parsed = [Requirement(r) for r in reqs]
    return {canonicalize_name(r.name): r for r in parsed}


def environment() -> tuple[dict[str, SpecifierSet], list[str]]:
    """environment.yml's conda packages (canonical name -> specifier) and its pip lines."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
            continue
        name, spec = CONDA_SPEC.match(dep).groups()
        conda[canonicalize_name(name)] = SpecifierSet(spec.replace(" ", ""))
    return conda, pip


def lower_bound(spec: SpecifierSet) -> Version | None:
    """The version a specifier starts at (>=, == or ~=), or None when it has no lower bound."""
    bounds = [Version(s.version) for s in spec if s.operator in (">=", "==", "~=")]
    return max(bounds, default=None)


def conda_name(pypi_name: str, conda: dict) -> str | None:
    names = CONDA_NAMES.get(pypi_name, {pypi_name})
    return next((canonicalize_name(n) for n in names if canonicalize_name(n) in conda), None)


def constraints() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"constraints.txt: {line!r} is not an exact pin (name==version)"
            key = canonicalize_name(name)
            assert key not in pins, f"constraints.txt pins {name} twice"
            pins[key] = Version(version)
    return pins


@pytest.mark.parametrize("name", sorted(wanted()))
def test_every_pyproject_dependency_is_in_environment_yml_with_the_same_lower_bound(name):
    conda, _ = environment()
    req = wanted()[name]
    found = conda_name(name, conda)
    assert found, f"{req} is in pyproject.toml but not in environment.yml"
    assert lower_bound(conda[found]) == lower_bound(req.specifier), (
        f"lower bounds differ for {name}: pyproject.toml {req.specifier or 'none'}, "
        f"environment.yml {conda[found] or 'none'}")


def test_environment_yml_has_nothing_pyproject_lacks():
    conda, _ = environment()
    known = {"python", "pip"}
    for name in wanted():
        known |= {canonicalize_name(n) for n in CONDA_NAMES.get(name, {name})}
    extra = sorted(set(conda) - known)
    assert not extra, f"environment.yml lists {extra}, which pyproject.toml does not declare"


def test_environment_yml_python_matches_requires_python():
    conda, _ = environment()
    requires = SpecifierSet(pyproject()["project"]["requires-python"])
    assert lower_bound(conda["python"]) == lower_bound(requires)


def test_environment_yml_pip_section_installs_the_package():
    conda, pip = environment()
    assert "pip" in conda, "environment.yml must list pip to use a pip: section"
    assert any(INSTALLS_PACKAGE.match(line.strip()) for line in pip), (
        f"environment.yml's pip: section must install the package (- -e .[dev]); it has {pip}")


def test_environment_yml_uses_conda_forge_only():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge", "nodefaults"]


@pytest.mark.parametrize("name", sorted(wanted()))
def test_every_pyproject_dependency_is_pinned_in_constraints(name):
    pins = constraints()
    req = wanted()[name]
    assert name in pins, f"{name} is in pyproject.toml but not pinned in constraints.txt"
    assert pins[name] in req.specifier, (
        f"constraints.txt pins {name}=={pins[name]}, outside pyproject.toml's {req.specifier}")


def test_constraints_do_not_pin_the_project_itself():
    assert canonicalize_name(pyproject()["project"]["name"]) not in constraints()


def test_pinned_packages_admit_the_oldest_supported_python():
    """A pin whose Requires-Python excludes 3.11.0 breaks `course.py` for some learners."""
    oldest = str(lower_bound(SpecifierSet(pyproject()["project"]["requires-python"])))
    pins = constraints()
    too_new = []
    for dist in importlib.metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        requires = dist.metadata.get("Requires-Python")
        if pins.get(name) == Version(dist.version) and requires:
            if not SpecifierSet(requires).contains(oldest, prereleases=True):
                too_new.append(f"{name}=={dist.version} (Requires-Python {requires})")
    assert not too_new, f"these pins do not install on Python {oldest}: {too_new}"
