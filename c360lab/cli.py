"""The ``c360lab`` command.

    c360lab generate --out data [--customers 3000] [--seed 2026]   write the sample company's data
    c360lab doctor                                                 is this machine ready for the course?
    c360lab validate DIR [--mapping FILE|PRESET]                   every problem of a team's exports
    c360lab profile DIR [--mapping …] --out OUT [--as-of DATE]     the seven steps, written to OUT
    c360lab anonymize DIR --out OUT [--mapping …] [--salt TEXT]    pseudonymise before sharing
    c360lab map --suggest FILE                                     propose a mapping for one export

Each subcommand imports what it needs when it runs, so ``c360lab --help`` is instant.
"""

from __future__ import annotations

import argparse
import os
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


def _ingest(folder: Path, mapping: str | None, *, progress: bool = False):
    """A team's exports read through the mapping (``c360lab.mapping``), or the course's layout.

    A table that cannot be read at all is listed among the problems (as an error), so one
    broken file never hides the problems of the others."""
    from c360lab import mapping as mapping_module

    m = mapping_module.load_mapping(mapping)
    return mapping_module.read_exports(folder, m, progress=progress, errors="collect")


def _is_error(problem) -> bool:
    level = getattr(problem, "level", None) or getattr(problem, "severity", None) or "error"
    return str(level).lower() == "error"


def _print_problem(i: int, problem) -> None:
    """One numbered problem; an Issue of c360lab.mapping already names its level and table."""
    print(f"  {i}. {problem}")


def _print_accounting(accounting) -> None:
    print("row accounting (used + repaired + rejected = input rows):")
    print(accounting.to_string(index=False))


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a team's exports against the data contract: print every problem of every table and
    the row accounting; exit 1 when there are errors, 0 otherwise."""
    from c360lab.contract import C360DataError

    try:
        ingest = _ingest(args.dir, args.mapping)
    except C360DataError as err:  # nothing could be read: the message lists every problem
        print(err)
        print("validate: errors found; fix them and run c360lab validate again.", file=sys.stderr)
        return 1
    except FileNotFoundError as err:
        print(f"c360lab validate: error: {err}", file=sys.stderr)
        return 1
    problems = list(ingest.problems)
    errors = [p for p in problems if _is_error(p)]
    print(f"{len(ingest.tables)} table(s) read: {', '.join(sorted(ingest.tables)) or 'none'}")
    if problems:
        print(f"{len(problems)} problem(s) found ({len(errors)} error(s), "
              f"{len(problems) - len(errors)} warning(s)):")
        for i, p in enumerate(problems, 1):
            _print_problem(i, p)
    else:
        print("no problem found")
    _print_accounting(ingest.accounting)
    return 1 if errors else 0


def cmd_profile(args: argparse.Namespace) -> int:
    """Run the seven steps on a team's exports and write the profile (CSV, Excel), the funnel,
    the KPIs, the one-page cards, the row accounting, the rejected rows and an HTML report."""
    from c360lab import pipeline
    from c360lab.contract import C360DataError

    progress = os.environ.get("TQDM_DISABLE", "") in ("", "0")
    try:
        ingest = _ingest(args.dir, args.mapping, progress=progress)
        results = pipeline.run(ingest, as_of=args.as_of, progress=progress)
    except C360DataError as err:
        print(err, file=sys.stderr)
        print("profile: the data must be fixed first (c360lab validate lists every problem).",
              file=sys.stderr)
        return 1
    written = pipeline.write_outputs(results, args.out, ingest=ingest, max_cards=args.cards)
    a = results.analyses
    print(f"as of {results.as_of.date()}: {int(a['ran'].sum())} of {len(a)} analyses ran")
    for r in a[~a["ran"]].itertuples(index=False):
        print(f"  not run: {r.analysis} — {r.why_not}")
    print(f"wrote {len(written)} files under {args.out}; open {written['report']}")
    return 0


def cmd_anonymize(args: argparse.Namespace) -> int:
    """Pseudonymise phones, e-mails and names with a salted hash before data leaves the company.

    Vietnam's personal-data rules (Decree 13/2023/NĐ-CP, replaced from 2026 by the Personal Data
    Protection Law 91/2025/QH15) treat a phone, an e-mail and a name as personal data: share
    exports with a trainer or a consultant only pseudonymised. Each value is normalised first
    (phone to E.164, e-mail lower-cased with its typo domain fixed, name without diacritics or
    honorifics), then replaced by HMAC-SHA256(salt, value) truncated: a phone becomes another
    number of the same kind, an e-mail <hash>@anon.example, a name one pseudo-word per word. The
    same person gets the same pseudonym in every file, so customers still link; other columns are
    unchanged (check free-text columns for phone numbers yourself). Keep the salt secret and do
    not send it with the data: whoever has it can test guesses. Pseudonymised data is still
    personal data."""
    from c360lab import anonymize

    if args.salt is not None and args.salt_file is not None:
        print("c360lab anonymize: error: give --salt or --salt-file, not both", file=sys.stderr)
        return 2
    salt = args.salt
    if args.salt_file is not None:
        salt = args.salt_file.read_text(encoding="utf-8").strip()
        if not salt:
            print(f"c360lab anonymize: error: the salt file {args.salt_file} is empty",
                  file=sys.stderr)
            return 2
    generated = salt is None
    if generated:
        salt = anonymize.new_salt()
    written, counts = anonymize.anonymize_folder(args.dir, args.out, salt=salt,
                                                 mapping=args.mapping)
    for table, n in counts.items():
        print(f"  {table}: {n:,} value(s) pseudonymised")
    print(f"wrote {len(written)} files under {args.out}")
    if generated:
        salt_path = anonymize.salt_path(args.out)
        salt_path.write_text(salt + "\n", encoding="utf-8")
        print(f"WARNING: a new salt was generated: {salt}\n  It is saved in {salt_path}, outside "
              "the folder to share. Keep it secret and keep it: anonymise next month's exports "
              "with --salt-file to link them to these.", file=sys.stderr)
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    """Propose a mapping (TOML) for one export file, from its column names and contents."""
    from c360lab import mapping
    from c360lab.contract import C360DataError

    try:
        print(mapping.suggest(args.suggest))
    except C360DataError as err:
        print(err, file=sys.stderr)
        return 1
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

    mapping_help = ("how your files map onto the data contract: a TOML file or a preset "
                    "(hubspot, zoho, salesforce, odoo, orders); default: files already named "
                    "and shaped like the course's data/raw/*.csv")
    val = sub.add_parser("validate", help="check a folder of exports: every problem, every table",
                         description=cmd_validate.__doc__)
    val.add_argument("dir", type=Path, metavar="DIR", help="the folder with your exports")
    val.add_argument("--mapping", metavar="FILE|PRESET", help=mapping_help)
    val.set_defaults(func=cmd_validate)

    pro = sub.add_parser("profile", help="run the seven steps on a folder of exports",
                         description=cmd_profile.__doc__)
    pro.add_argument("dir", type=Path, metavar="DIR", help="the folder with your exports")
    pro.add_argument("--mapping", metavar="FILE|PRESET", help=mapping_help)
    pro.add_argument("--out", required=True, type=Path, metavar="OUT",
                     help="folder to write the results into (created if needed)")
    pro.add_argument("--as-of", type=iso_date, metavar="DATE",
                     help="'today' (YYYY-MM-DD): only records before it count; default: the "
                          "day after the last dated record")
    pro.add_argument("--cards", type=int, default=200, metavar="N",
                     help="one-page cards to write, hottest leads first (default 200; 0: all)")
    pro.set_defaults(func=cmd_profile)

    ano = sub.add_parser("anonymize", help="pseudonymise phones, e-mails and names before sharing",
                         description=cmd_anonymize.__doc__)
    ano.add_argument("dir", type=Path, metavar="DIR", help="the folder with your exports")
    ano.add_argument("--out", required=True, type=Path, metavar="OUT",
                     help="folder to write the pseudonymised tables into (raw/<table>.csv)")
    ano.add_argument("--mapping", metavar="FILE|PRESET", help=mapping_help)
    ano.add_argument("--salt", metavar="TEXT", help="the secret salt (keep it; the same salt "
                     "gives the same pseudonyms)")
    ano.add_argument("--salt-file", type=Path, metavar="F", help="read the salt from this file")
    ano.set_defaults(func=cmd_anonymize)

    mp = sub.add_parser("map", help="propose a mapping file for one of your exports",
                        description=cmd_map.__doc__)
    mp.add_argument("--suggest", required=True, type=Path, metavar="FILE",
                    help="an export file (CSV or Excel)")
    mp.set_defaults(func=cmd_map)
    return parser


def iso_date(text: str):
    """A date written YYYY-MM-DD, for --as-of."""
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write the date as YYYY-MM-DD, not {text}") from None


def _version() -> str:
    from c360lab import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    """Run the ``c360lab`` command with ``argv`` (default: the process's arguments); return the exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
