"""Pseudonymise phones, e-mails and names before exports leave the company.

Vietnam's personal-data rules (Decree 13/2023/NĐ-CP, and from 2026 the Personal Data Protection
Law 91/2025/QH15 with Decree 356/2025/NĐ-CP) treat a name, a phone number and an e-mail address
as personal data. A team that shares its exports with a trainer or a consultant shares them
pseudonymised: every person column of the data contract (``Column.person``) is replaced by a
keyed hash, HMAC-SHA256 with a secret salt, truncated.

Each value is **normalised first**, so the same person gets the same pseudonym in every file and
the customers still link (hashing ``0903 123 456`` and ``+84903123456`` as they are written would
give two different people):

- a phone becomes its E.164 number (``identity.normalize_phone``), then another number of the
  same kind: the country code and the first two digits (the mobile network or the area) are
  kept, the rest are digits of the hash. A value that is no phone at all becomes
  ``invalid-<letters>`` (still no phone; a blank stays blank).
- an e-mail is lower-cased with its typo domain fixed (``identity.normalize_email``), then
  becomes ``<16 hex digits of the hash>@anon.example``. A value that is no address becomes
  ``invalid-<letters>``.
- a name loses diacritics, case and honorifics (``identity.name_key``); each word becomes a
  pseudo-word of six letters, so "Chị Lan Nguyễn" and "NGUYEN LAN" stay the same two words in
  another order. A name that is the name of a company in the CRM (a B2B buyer) is a business's
  name, not a person's: it stays as it is.

Other columns are unchanged. Free text (chat messages, comments) can hold a phone number: read
it before sharing. Truncating the hash makes two values collide once in a while; a collision
found in the data is broken by hashing again with a counter, so two people never share a
pseudonym. Whoever holds the salt can test guesses (is this the hash of 0903 123 456?): keep it
secret, never send it with the data, and keep it to pseudonymise next month's exports the same
way. Pseudonymised data is still personal data.

>>> pseudonymize_phones(pd.Series(["0903 123 456", "+84903123456", ""]), "s3cret").tolist()
['+84904884422', '+84904884422', '']

Source: 004 (data standards, consent and privacy); vietnam-data-realism §6 (Decree 13, PDPL).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import pandas as pd

from . import contract

__all__ = ["anonymize_folder", "anonymize_tables", "new_salt", "pseudonymize_emails",
           "pseudonymize_names", "pseudonymize_phones", "salt_path"]

EMAIL_DOMAIN = "anon.example"
_KEEP_DIGITS = 2  # of the national number: the mobile network or the area code
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def new_salt() -> str:
    """A new random salt (32 hex digits)."""
    return secrets.token_hex(16)


def salt_path(out_dir) -> Path:
    """Where ``c360lab anonymize`` saves a generated salt: beside ``out_dir``, not inside it."""
    out = Path(out_dir)
    return out.with_name(out.name + ".salt.txt")


def _digest(salt: str, kind: str, value: str, round_: int = 0) -> bytes:
    text = f"{kind}:{value}" if round_ == 0 else f"{kind}:{value}#{round_}"
    return hmac.new(salt.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()


def _unique(mapping: dict, make) -> dict:
    """``make(value, round)`` for each value, re-made with the next round on a collision."""
    out, taken = {}, set()
    for value in sorted(mapping):
        round_ = 0
        while True:
            p = make(value, round_)
            if p not in taken:
                break
            round_ += 1
        taken.add(p)
        out[value] = p
    return out


def _check_salt(salt) -> str:
    if not isinstance(salt, str) or not salt.strip():
        raise ValueError("a salt is required: a secret text, e.g. anonymize.new_salt()")
    return salt


def pseudonymize_phones(values: pd.Series, salt: str) -> pd.Series:
    """Each phone as a pseudonymous E.164 number of the same kind; non-phones blank.

    Parameters
    ----------
    values : Series
        Phones as typed (any format).
    salt : str
        The secret.

    Returns
    -------
    Series
        Same index; ``""`` where the value is blank, ``invalid-<letters>`` where it is not a
        phone.
    """
    from . import identity

    _check_salt(salt)
    text = values.astype("str").where(values.notna(), "")
    distinct = pd.Series(pd.unique(text))
    info = identity.normalize_phone(distinct)
    e164 = dict(zip(distinct, info["phone"]))
    kinds = dict(zip(info["phone"], info["phone_kind"]))
    phones = {p: kinds[p] for p in e164.values() if isinstance(p, str)}

    def make(phone: str, round_: int) -> str:
        code = "84" if phone.startswith("+84") else phone[1:3]
        nsn = phone[1 + len(code):]
        keep = nsn[:_KEEP_DIGITS]
        for attempt in range(20):
            h = int.from_bytes(_digest(salt, "phone", phone, round_ * 20 + attempt)[:8], "big")
            tail = str(h % 10 ** (len(nsn) - len(keep))).zfill(len(nsn) - len(keep))
            candidate = f"+{code}{keep}{tail}"
            if identity.phone_info(candidate).kind == phones[phone]:
                return candidate
        return candidate

    pseudo = _unique(phones, make)
    return text.map(lambda v: pseudo[e164[v]] if isinstance(e164.get(v), str)
                    else _invalid(salt, "phone", v)).astype("str")


def pseudonymize_emails(values: pd.Series, salt: str) -> pd.Series:
    """Each e-mail as ``<hash>@anon.example``, after normalising; non-addresses blank."""
    from . import identity

    _check_salt(salt)
    text = values.astype("str").where(values.notna(), "")
    distinct = pd.Series(pd.unique(text))
    norm = dict(zip(distinct, identity.normalize_email(distinct)["email"]))
    emails = {e: None for e in norm.values() if isinstance(e, str)}
    pseudo = _unique(emails, lambda e, r: _digest(salt, "email", e, r).hex()[:16]
                     + "@" + EMAIL_DOMAIN)
    return text.map(lambda v: pseudo[norm[v]] if isinstance(norm.get(v), str)
                    else _invalid(salt, "email", v)).astype("str")


def _invalid(salt: str, kind: str, value: str) -> str:
    """A value that is not a phone (or e-mail): blank stays blank, anything else becomes
    ``invalid-<letters>``, still unusable (no digit, no @), as the original was."""
    if not value.strip():
        return ""
    return "invalid-" + "".join(_LETTERS[b % 26] for b in _digest(salt, kind, value)[:8])


def _word(salt: str, token: str, round_: int) -> str:
    h = _digest(salt, "name", token, round_)
    return "".join(_LETTERS[b % 26] for b in h[:6]).capitalize()


def pseudonymize_names(values: pd.Series, salt: str, *, keep=frozenset()) -> pd.Series:
    """Each name as pseudo-words (one per word of its ``identity.name_key``); blanks blank.

    ``keep`` holds name keys to leave as they are (the CRM's company names)."""
    from . import identity

    _check_salt(salt)
    text = values.astype("str").where(values.notna(), "")
    distinct = pd.Series(pd.unique(text))
    keys = dict(zip(distinct, identity.name_key(distinct)))
    tokens = {t: None for k in keys.values() if isinstance(k, str) and k not in keep
              for t in k.split()}
    words = _unique(tokens, lambda t, r: _word(salt, t, r))

    def one(v: str) -> str:
        k = keys.get(v)
        if not isinstance(k, str):
            return ""
        if k in keep:
            return v
        return " ".join(words[t] for t in k.split())

    return text.map(one).astype("str")


def _kind(column: str) -> str:
    return "phone" if "phone" in column else "email" if "email" in column else "name"


def anonymize_tables(tables: dict, salt: str) -> tuple[dict, dict]:
    """Every person column of every contract table pseudonymised (other columns as they are).

    Returns the new tables and, per table, how many non-blank values were replaced. Phones,
    e-mails and names are pseudonymised across all tables at once, so a collision is broken
    the same way everywhere.
    """
    from . import identity

    _check_salt(salt)
    cols = {name: [c.name for c in contract.TABLES[name].columns
                   if c.person and c.name in df.columns]
            for name, df in tables.items() if name in contract.TABLES}
    companies = frozenset()
    if "crm_contacts" in tables and "company" in tables["crm_contacts"].columns:
        companies = frozenset(identity.name_key(tables["crm_contacts"]["company"]).dropna())
    # all values of a kind together, so the same value gets the same pseudonym everywhere
    pieces = {"phone": [], "email": [], "name": []}
    for name, columns in cols.items():
        for c in columns:
            pieces[_kind(c)].append(tables[name][c].astype("object"))
    done = {}
    for kind, parts in pieces.items():
        if not parts:
            continue
        allv = pd.concat(parts, ignore_index=True)
        f = {"phone": pseudonymize_phones, "email": pseudonymize_emails,
             "name": lambda v, s: pseudonymize_names(v, s, keep=companies)}[kind]
        done[kind] = f(allv, salt)
    out, counts, offset = {}, {}, {"phone": 0, "email": 0, "name": 0}
    for name, df in tables.items():
        new = df.copy()
        n = 0
        for c in cols.get(name, []):
            k = _kind(c)
            m = len(df)
            values = done[k].iloc[offset[k]:offset[k] + m].to_numpy()
            offset[k] += m
            was = df[c].notna() & (df[c].astype("str").str.strip() != "")
            n += int(was.sum())
            blank = "" if not df[c].isna().any() else pd.NA  # text as read, or typed
            new[c] = pd.Series(values, index=df.index).where(values != "", blank)
        out[name] = new
        counts[name] = n
    return out, counts


def _as_text(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """A typed contract table written back as text in the contract's own formats."""
    out = pd.DataFrame(index=df.index)
    specs = {c.name: c for c in contract.TABLES[name].columns}
    for c in df.columns:
        s = df[c]
        col = specs.get(c)
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            fmt = (col.fmt if col is not None and col.fmt and col.kind == "date" else
                   "%Y-%m-%d" if col is not None and col.kind == "date" else "%Y-%m-%d %H:%M:%S")
            text = s.dt.strftime(fmt)
        elif pd.api.types.is_bool_dtype(s.dtype):
            text = s.map({True: "yes", False: "no"})
        else:
            text = s.astype("object").map(lambda v: v if isinstance(v, str) else str(v))
        out[c] = text.where(s.notna(), "")
    return out


def anonymize_folder(src, out_dir, *, salt: str, mapping=None) -> tuple[list[Path], dict]:
    """Pseudonymise a folder of exports into ``out_dir/raw/<table>.csv``.

    Without ``mapping`` the folder has the course's layout (``raw/<table>.csv``) and each file
    is rewritten with only its person columns changed, every other cell byte for byte. With a
    ``mapping`` (a TOML file or a preset name, see ``c360lab.mapping``) the team's exports are
    read through it and written in the course's layout, ready for ``c360lab profile OUT``.

    Returns the files written and the count of values pseudonymised per table.
    """
    from . import datasets

    _check_salt(salt)
    src, out = Path(src), Path(out_dir)
    if mapping is None:
        folder = src / datasets.RAW_DIR
        files = {n: folder / contract.TABLES[n].file for n in contract.TABLES
                 if (folder / contract.TABLES[n].file).exists()}
        if not files:
            raise FileNotFoundError(f"no export named like the course's data in {folder} "
                                    "(e.g. raw/shop_orders.csv); give --mapping for your own "
                                    "file names")
        tables = {n: datasets.read_text(p) for n, p in files.items()}
    else:
        from . import mapping as mapping_module

        ingest = mapping_module.read_exports(src, mapping_module.load_mapping(mapping))
        tables = {n: _as_text(n, df) for n, df in ingest.tables.items()}
    anon, counts = anonymize_tables(tables, salt)
    (out / datasets.RAW_DIR).mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in anon.items():
        path = out / datasets.RAW_DIR / contract.TABLES[name].file
        df.fillna("").to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written, counts
