"""The ``c360lab`` command.

    c360lab generate --out data [--customers 3000] [--seed 2026]   write the sample company's data
    c360lab doctor                                                 is this machine ready for the course?

Each subcommand imports what it needs when it runs, so ``c360lab --help`` is instant.
"""

from __future__ import annotations

import argparse
import platform
import sys
from importlib import metadata
from pathlib import Path

#: packages whose versions ``doctor`` reports (the committed notebook outputs depend on them)
DOCTOR_PACKAGES = ("c360lab", "pandas", "numpy", "matplotlib", "seaborn", "ipywidgets", "jupyterlab")


def cmd_generate(args: argparse.Namespace) -> int:
    """Generate the sample company and write its raw exports, answer key and data dictionary."""
    from c360lab import datasets

    low, high = datasets.MIN_CUSTOMERS, datasets.MAX_CUSTOMERS
    if args.customers is not None and not low <= args.customers <= high:
        print(f"c360lab generate: error: --customers must be from {low:,} to {high:,}, "
              f"not {args.customers:,}", file=sys.stderr)
        return 2
    options = {k: v for k, v in (("n_customers", args.customers), ("seed", args.seed)) if v is not None}
    written = datasets.write_sample(args.out, progress=True, **options)
    print(f"wrote {len(written)} files under {args.out}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print what the course depends on: Python, library versions, where the sample data is."""
    print(f"Python      {platform.python_version()} ({sys.executable})")
    for name in DOCTOR_PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "NOT INSTALLED"
        print(f"{name:<11} {version}")
    from c360lab import datasets

    found = datasets.sample_dir(create=False)
    looked_in = datasets.sample_dir_candidates()
    if found:
        print(f"sample data found: {found}")
    else:
        print(f"sample data not found (looked in {', '.join(map(str, looked_in))}); "
              f"the first load generates it into {looked_in[-1]}")
    return 0


def positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="c360lab", description="Tools of the c360lab course (Customer 360 on your own data).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser("generate", help="write the sample company's data (CSV) to a folder",
                         description=cmd_generate.__doc__)
    gen.add_argument("--out", required=True, type=Path, metavar="DIR",
                     help="folder to write into (the course uses data/)")
    gen.add_argument("--customers", type=positive_int, metavar="N",
                     help="how many real people the company has (default: the course's 3,000)")
    gen.add_argument("--seed", type=int, metavar="S",
                     help="random seed; the same seed always writes the same files (default: 2026)")
    gen.set_defaults(func=cmd_generate)

    doc = sub.add_parser("doctor", help="check the installation: versions and the sample data",
                         description=cmd_doctor.__doc__)
    doc.set_defaults(func=cmd_doctor)

    # `validate` (check your own exports against the data contract) and `profile` (build the
    # customer profiles) are registered here once c360lab.contract and c360lab.profile offer them.
    return parser


def _version() -> str:
    from c360lab import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    """Run the ``c360lab`` command with ``argv`` (default: the process's arguments); return the exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
