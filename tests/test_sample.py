"""The sample generator: deterministic, equal to the committed data, messy at documented rates,
and with an answer key that accounts for every person-bearing record."""

import filecmp
from pathlib import Path

import pandas as pd
import pytest

from c360lab import contract, datasets

from conftest import sample

DATA = Path(__file__).resolve().parent.parent / "data"
PERSON_TABLES = {name for name, t in contract.TABLES.items() if any(c.person for c in t.columns)}


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("regenerated")
    datasets.write_sample(out)
    return out


def test_committed_data_is_byte_identical_to_the_generator(regenerated):
    assert _files(regenerated) == _files(DATA)
    match, mismatch, errors = filecmp.cmpfiles(DATA, regenerated, _files(DATA), shallow=False)
    assert mismatch == [] and errors == []


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    datasets.write_sample(a, 600, seed=11)
    datasets.write_sample(b, 600, seed=11)
    datasets.write_sample(c, 600, seed=12)
    files = _files(a)
    assert filecmp.cmpfiles(a, b, files, shallow=False)[1] == []
    assert filecmp.cmpfiles(a, c, files, shallow=False)[0] == ["README.md"] or \
        len(filecmp.cmpfiles(a, c, files, shallow=False)[1]) >= 12


def test_committed_data_fits_the_budget():
    size = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert size <= 15 * 1024 * 1024


def test_data_readme_documents_every_table_and_column():
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert text == datasets.data_dictionary(DATA)
    for t in contract.TABLES.values():
        assert f"raw/{t.file}" in text
        for c in t.columns:
            assert f"| `{c.name}` |" in text
    for story_word in ("planted", "discount hunter", "hunter"):
        assert story_word not in text.lower()


def test_load_raw_gives_contract_dtypes_and_all_rows():
    raw = datasets.load_raw()
    assert sorted(raw) == sorted(contract.TABLES)
    for name, df in raw.items():
        for col, dtype in contract.TABLES[name].dtypes.items():
            assert str(df[col].dtype) == dtype, (name, col)
        lines = (DATA / "raw" / f"{name}.csv").read_text(encoding="utf-8").count("\n")
        assert len(df) == lines - 1, name
    assert raw["crm_contacts"]["phone"].dropna().str.startswith("0").any()  # zeros kept


def test_size_is_bounded():
    with pytest.raises(ValueError, match="from 500"):
        datasets.generate(499)
    with pytest.raises(ValueError, match="1,000,000"):
        datasets.generate(1_000_001)


def test_default_sample_has_about_three_thousand_people():
    key = datasets.load_answer_key()
    assert len(key["persons"]) == datasets.DEFAULT_CUSTOMERS == 3000


# the answer key ---------------------------------------------------------------------------

def test_every_person_bearing_record_maps_to_exactly_one_person(world):
    links = world.links
    tables = world.sample.tables
    assert set(links["table"]) == PERSON_TABLES
    persons = set(world.sample.answer_key["persons"]["person_id"])
    assert set(links["person_id"]) <= persons
    for name in PERSON_TABLES:
        df = tables[name]
        key = contract.TABLES[name].key
        ids = df["anonymous_id"].unique() if name == "web_events" else df[key]
        for role, rows in links[links["table"] == name].groupby("role"):
            assert rows["record_id"].is_unique, (name, role)
            assert set(rows["record_id"]) == set(ids), (name, role)


def test_every_person_appears_somewhere(world):
    assert set(world.links["person_id"]) == set(world.sample.answer_key["persons"]["person_id"])


def test_text_labels_cover_every_free_text(world):
    labels = world.sample.answer_key["text_labels"]
    t = world.sample.tables
    assert set(labels.loc[labels["table"] == "deals", "record_id"]) == \
        set(t["deals"].loc[t["deals"]["lost_reason"] != "", "deal_id"])
    assert set(labels.loc[labels["table"] == "surveys", "record_id"]) == \
        set(t["surveys"].loc[t["surveys"]["comment"] != "", "response_id"])


# the mess --------------------------------------------------------------------------------

#: variants whose rate applies only to values they can apply to (documented in data/README.md)
CONDITIONAL = {"legacy", "old_tone", "former"}
DOCUMENTED = {"phone": datasets.PHONE_MESS, "name": datasets.NAME_MESS,
              "email": datasets.EMAIL_MESS, "province": datasets.PROVINCE_MESS}


def _shares(mess: pd.DataFrame) -> pd.Series:
    """Measured share of each (kind, style, variant), pooled over every column written so."""
    rows = mess.groupby(["kind", "style"])["count"].sum()
    hits = mess.groupby(["kind", "style", "variant"])["count"].sum()
    return hits / rows.reindex(hits.index.droplevel("variant")).to_numpy()


@pytest.fixture(scope="module")
def measured():
    return _shares(sample(seed=3, n=200_000).mess)


def _expected():
    for kind, styles in DOCUMENTED.items():
        for style, rates in styles.items():
            for variant, rate in rates.items():
                if variant not in CONDITIONAL:
                    yield kind, style, variant, rate
    for key, rate in datasets.OTHER_MESS.items():
        yield "other", key, None, rate


@pytest.mark.parametrize("kind,style,variant,rate", list(_expected()),
                         ids=lambda v: str(v) if not isinstance(v, float) else None)
def test_each_mess_rate_is_within_twenty_percent_of_its_documented_value(
        measured, kind, style, variant, rate):
    if kind == "other":
        got = measured.loc[(kind, style)].drop("clean", errors="ignore").sum()
    else:
        got = measured.get((kind, style, variant), 0.0)
    assert abs(got - rate) <= 0.2 * rate, f"measured {got:.4f}, documented {rate:.4f}"


def test_every_documented_style_is_used(measured):
    used = set(measured.index.droplevel("variant"))
    for kind, styles in DOCUMENTED.items():
        assert {(kind, s) for s in styles} <= used
    assert {("other", k) for k in datasets.OTHER_MESS} <= used
