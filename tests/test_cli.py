"""The ``c360lab`` command: ``generate``, ``doctor`` and argument errors."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
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


# -- validate, profile, anonymize, map (your own data) ---------------------------------------------

def _bad_exports(folder: Path) -> Path:
    """Orders and lines of the sample in the course's layout, with a problem in each table."""
    from c360lab import datasets

    (folder / "raw").mkdir(parents=True)
    orders = datasets.read_text(ROOT / "data" / "raw" / "shop_orders.csv").head(60)
    lines = datasets.read_text(ROOT / "data" / "raw" / "order_lines.csv")
    lines = lines[lines["order_id"].isin(orders["order_id"])].copy()
    orders.loc[2, "order_time"] = "31/02/2025"
    orders.loc[5, "status"] = "đã giao"
    lines.loc[lines.index[1], "quantity"] = "-2"
    orders.to_csv(folder / "raw" / "shop_orders.csv", index=False)
    lines.to_csv(folder / "raw" / "order_lines.csv", index=False)
    return folder


def test_help_lists_the_own_data_commands_and_stays_light():
    done = subprocess.run([sys.executable, "-c", "import sys; from c360lab import cli; "
                           "cli.build_parser().format_help(); "
                           "print(sorted({'pandas', 'matplotlib', 'numpy'} & set(sys.modules)))"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
    help_text = cli.build_parser().format_help()
    for command in ("validate", "profile", "anonymize", "map"):
        assert command in help_text


def test_validate_lists_every_problem_of_every_table_and_exits_1(capsys, tmp_path):
    folder = _bad_exports(tmp_path / "exports")
    code, out, _ = run_cli(capsys, "validate", str(folder))
    assert code == 1
    assert "3 problem(s) found (3 error(s)" in out
    assert "column 'order_time'" in out and "'31/02/2025'" in out
    assert "column 'status'" in out and "'đã giao'" in out
    assert "table 'order_lines'" in out and "column 'quantity'" in out
    assert "row accounting" in out
    assert "shop_orders shop_orders.csv          60    58         0         2" in out


def test_validate_passes_the_sample(capsys):
    code, out, _ = run_cli(capsys, "validate", str(ROOT / "data"))
    assert code == 0, out
    assert "12 table(s) read" in out and "no problem found" in out


def test_validate_names_a_wrong_mapping(capsys, tmp_path):
    code, out, err = run_cli(capsys, "validate", str(tmp_path), "--mapping", "hubspott")
    assert code == 1
    assert "hubspot" in out + err


def test_profile_writes_every_output_and_says_what_ran(capsys, tmp_path):
    out_dir = tmp_path / "out"
    code, out, err = run_cli(capsys, "profile", str(ROOT / "data"), "--out", str(out_dir))
    assert code == 0, err
    assert "as of 2026-01-01: 23 of 23 analyses ran" in out
    assert f"open {out_dir / 'report.html'}" in out
    names = {p.name for p in out_dir.iterdir()}
    assert {"customer_360.csv", "customer_360.xlsx", "cards.html", "funnel.csv", "kpis.csv",
            "report.html", "row_accounting.csv", "analyses.csv"} <= names
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "customer_360.xlsx" in page and "data:image/png;base64," in page


def test_profile_of_an_orders_export_says_what_would_unlock_the_rest(capsys, tmp_path):
    from c360lab import datasets

    raw = datasets.load_raw(tables=["shop_orders", "order_lines"])
    o, lines = raw["shop_orders"], raw["order_lines"]
    amount = (lines["quantity"] * lines["unit_price_vnd"]).groupby(lines["order_id"]).sum()
    done = o[o["status"] == "completed"]
    (tmp_path / "exports").mkdir()
    pd.DataFrame({"Ngày": done["order_time"].dt.strftime("%d/%m/%Y"),
                  "Mã KH": done["buyer_phone"].fillna("lẻ"),
                  "Thành tiền": (done["order_id"].map(amount) - done["discount_vnd"]).astype(str)}
                 ).to_csv(tmp_path / "exports" / "orders.csv", index=False)
    code, out, err = run_cli(capsys, "profile", str(tmp_path / "exports"), "--mapping", "orders",
                             "--out", str(tmp_path / "out"), "--as-of", "2026-01-01")
    assert code == 0, err
    assert "analyses ran" in out
    assert "not run: margin — missing one of order_lines.unit_cost_vnd, shop_orders.cost_vnd" in out
    assert "not run: journey — missing one of web_events.event_type" in out
    assert (tmp_path / "out" / "customers_step1.csv").exists()
    assert not (tmp_path / "out" / "customer_360.csv").exists()  # the profile needs more tables


def test_profile_rejects_a_bad_date(capsys, tmp_path):
    code, _, err = run_cli(capsys, "profile", "x", "--out", str(tmp_path), "--as-of", "1/1/2026")
    assert code == 2 and "write the date as YYYY-MM-DD" in err


@pytest.fixture(scope="module")
def anonymised(tmp_path_factory):
    """The sample pseudonymised with a fixed salt (in-process, as the command does it)."""
    out = tmp_path_factory.mktemp("anon") / "shared"
    code = cli.main(["anonymize", str(ROOT / "data"), "--out", str(out), "--salt", "s3cret"])
    assert code == 0
    return out


def test_anonymize_leaves_no_phone_email_or_name(anonymised):
    from c360lab import contract, datasets, identity

    for name, table in contract.TABLES.items():
        before = datasets.read_text(ROOT / "data" / "raw" / table.file)
        after = datasets.read_text(anonymised / "raw" / table.file)
        assert after.shape == before.shape
        for c in table.columns:
            if c.person:
                same = (before[c.name] == after[c.name]) & (before[c.name] != "")
                if name == "shop_orders" and c.name == "buyer_name":  # company names stay
                    companies = set(identity.name_key(datasets.read_text(
                        ROOT / "data" / "raw" / "crm_contacts.csv")["company"]).dropna())
                    same &= ~identity.name_key(before[c.name]).isin(companies)
                assert not same.any(), (name, c.name, before.loc[same, c.name].head().tolist())
            else:
                assert before[c.name].equals(after[c.name]), (name, c.name)
    text = "\n".join(p.read_text(encoding="utf-8") for p in (anonymised / "raw").glob("*.csv"))
    persons = datasets.load_answer_key()["persons"].head(300)
    for phone in persons["phone"]:
        assert phone[3:] not in text  # the national number, in any written form's tail
    for email in persons["email"].dropna():
        assert email.split("@")[0] not in text


def test_anonymize_keeps_every_link(anonymised):
    from c360lab import datasets, identity

    def grouping(raw):
        links = identity.resolve(raw).links
        record = links["table"] + "|" + links["role"] + "|" + links["record_id"]
        return set(record.groupby(links["customer_id"]).agg(lambda s: tuple(sorted(s))))

    assert grouping(datasets.load_raw(anonymised)) == grouping(datasets.load_raw())


def test_anonymize_is_repeatable_with_the_salt_and_generates_one_otherwise(capsys, tmp_path,
                                                                           anonymised):
    source = _bad_exports(tmp_path / "exports")
    salt_file = tmp_path / "salt.txt"
    salt_file.write_text("s3cret\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "anonymize", str(source), "--out", str(tmp_path / "a"),
                           "--salt-file", str(salt_file))
    assert code == 0 and "shop_orders: " in out
    again = tmp_path / "a" / "raw" / "shop_orders.csv"
    first = pd.read_csv(again, dtype=str, keep_default_na=False)
    shipped = pd.read_csv(anonymised / "raw" / "shop_orders.csv", dtype=str,
                          keep_default_na=False).head(len(first))
    same_rows = first.index[first["order_time"] == shipped["order_time"]]
    assert first.loc[same_rows, "buyer_phone"].equals(shipped.loc[same_rows, "buyer_phone"])
    code, out, err = run_cli(capsys, "anonymize", str(source), "--out", str(tmp_path / "b"))
    assert code == 0
    assert "WARNING: a new salt was generated" in err
    saved = tmp_path / "b.salt.txt"
    assert saved.exists() and saved.read_text(encoding="utf-8").strip() in err
    other = pd.read_csv(tmp_path / "b" / "raw" / "shop_orders.csv", dtype=str,
                        keep_default_na=False)
    assert not other["buyer_phone"].equals(first["buyer_phone"])
    code, _, err = run_cli(capsys, "anonymize", str(source), "--out", str(tmp_path / "c"),
                           "--salt", "x", "--salt-file", str(salt_file))
    assert code == 2 and "not both" in err


def test_anonymize_help_explains_the_decree():
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["anonymize"].format_help()
    assert "Decree 13/2023" in help_text and "HMAC-SHA256" in help_text


def test_map_suggest_prints_a_mapping(capsys, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Mã đơn,Ngày,Khách hàng,Thành tiền\nD1,02/01/2025,An,1.250.000\n"
                    "D2,03/01/2025,Bình,350.000\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "map", "--suggest", str(path))
    assert code == 0, err
    assert "[shop_orders" in out and "Thành tiền" in out
