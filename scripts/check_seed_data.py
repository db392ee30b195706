#!/usr/bin/env python3
"""Check the provenance of the bundled ERBM programme data against the seed document.

Usage: python3 scripts/check_seed_data.py SEED_TEXT [--data DIR]

Every CSV file of the data directory (default: data/erbm next to this script's parent) that has the
columns source_start, source_end and quote is checked row by row:

* when source_start/source_end are given, the quote must equal text[source_start:source_end], where
  text is the seed read as UTF-8 without newline normalisation (offsets are Unicode code points);
* a row that carries a figure (a non-empty, non-zero value in one of the file's figure columns) must
  have provenance, and its quote must contain that figure written the French way: spaces, dots or
  narrow spaces as thousands separators, a decimal comma, "M€"/"m€"/"million(s)" for millions,
  "k€"/"K€" for thousands, or a small number in words ("trois", "une douzaine"...);
* meetings must quote their date, and a deliberation without known votes must quote its number;
* further passages `<p>_start,<p>_end,<p>_quote` are checked the same way: `also_*` quotes the row's
  figures a second time (the same figure in two places), any other prefix names a text column
  (`president_*` for `president`) that its quote must contain, case aside.

Prints a summary and exits with status 1 on any mismatch. Standard library only.
"""

import argparse
import csv
import re
import sys
from datetime import date
from pathlib import Path

# The columns holding figures that the quote must contain, per file.
FIGURE_COLUMNS = {
    "funds.csv": ["amount"],
    "fund_contributions.csv": ["amount"],
    "targets.csv": ["value"],
    "observations.csv": ["value"],
    "operations.csv": ["cost_ht", "cost_ttc"],
    "financing.csv": ["requested", "granted", "committed", "paid"],
    "housing.csv": ["dwellings", "energy_before", "energy_after"],
    "insertion.csv": [
        "hours_required",
        "hours_done",
        "people",
        "people_rsa",
        "people_under_26",
        "people_long_term_unemployed",
        "people_women",
    ],
    "deliberations.csv": ["votes_for", "votes_against", "abstentions"],
    "meetings.csv": [],
}

SEPARATORS = " .\u00a0\u202f"
NUMBER = re.compile(r"(?<![\d,])(\d{1,3}(?:[ .\u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?")
PLAIN_NUMBER = re.compile(r"\d+(?:,\d+)?")
MULTIPLIERS = [
    (re.compile(r"\s*(?:Md€|milliards?)", re.I), 1_000_000_000),
    (re.compile(r"\s*(?:M€|m€|millions?\b)"), 1_000_000),
    (re.compile(r"\s*(?:k€|K€)"), 1_000),
]
WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "douzaine": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingtaine": 20, "trentaine": 30,
    "cent": 100, "centaine": 100, "mille": 1000,
}
WORD = re.compile(r"(?<![\w])(" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")(?![\w])", re.I)
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]


def multiplied(value, rest):
    """The value and, when a unit of millions/thousands follows it, the scaled value."""
    out = {value}
    for pattern, factor in MULTIPLIERS:
        if pattern.match(rest):
            out.add(value * factor)
    return out


def figures_in(quote):
    """Every number the quote can be read as containing."""
    found = set()
    for m in NUMBER.finditer(quote):
        integer = re.sub(f"[{SEPARATORS}]", "", m.group(1))
        value = float(f"{integer}.{m.group(2)}") if m.group(2) else float(integer)
        found |= multiplied(value, quote[m.end():])
    for m in PLAIN_NUMBER.finditer(quote):
        found |= multiplied(float(m.group(0).replace(",", ".")), quote[m.end():])
    for m in WORD.finditer(quote):
        found |= multiplied(float(WORDS[m.group(1).lower()]), quote[m.end():])
    return found


def contains_figure(quote, text_value):
    value = float(text_value)
    return any(abs(c - value) <= 1e-9 * max(1.0, abs(value)) for c in figures_in(quote))


def date_forms(iso):
    d = date.fromisoformat(iso)
    month = MONTHS[d.month - 1]
    return [
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day} {month} {d.year}",
        f"{d.day}er {month} {d.year}" if d.day == 1 else f"{d.day} {month} {d.year}",
        f"{month} {d.year}",
    ]


def is_zero_or_empty(v):
    return v.strip() == "" or float(v) == 0.0


def check_extra_passage(row, prefix, figure_columns, text, where):
    """A further passage `<prefix>_start,<prefix>_end,<prefix>_quote`: `also` quotes the row's
    figures a second time, any other prefix names a text column (`president`) the quote must
    contain, case aside. Returns (passages checked, errors)."""
    start = row[f"{prefix}_start"].strip()
    end = row[f"{prefix}_end"].strip()
    quote = row[f"{prefix}_quote"]
    if not start and not end and not quote:
        if prefix != "also" and row.get(prefix, "").strip():
            return 0, [f"{where}: {prefix} without provenance"]
        return 0, []
    if not (start.isdigit() and end.isdigit()):
        return 0, [f"{where}: {prefix}_start/{prefix}_end must be integers"]
    s, e = int(start), int(end)
    if text[s:e] != quote:
        return 1, [f"{where}: text[{s}:{e}] is {text[s:e]!r}, {prefix}_quote is {quote!r}"]
    if prefix == "also":
        figures = [c for c in figure_columns if c in row and not is_zero_or_empty(row[c])]
        missing = [c for c in figures if not contains_figure(quote, row[c])]
        return 1, [f"{where}: {c}={row[c]} not found in also_quote {quote!r}" for c in missing]
    if row.get(prefix, "").lower() not in quote.lower():
        return 1, [f"{where}: {prefix}={row.get(prefix)!r} not found in {quote!r}"]
    return 1, []


def check_file(path, text):
    """Returns (rows with provenance checked, figures checked, list of errors)."""
    errors = []
    checked_rows = 0
    checked_figures = 0
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames or []
        if not {"source_start", "source_end", "quote"} <= set(columns):
            return None
        figure_columns = FIGURE_COLUMNS.get(path.name, [])
        extra = [c[: -len("_quote")] for c in columns if c.endswith("_quote")]
        for line, row in enumerate(reader, start=2):
            where = f"{path.name}:{line}"
            for prefix in extra:
                checked, errs = check_extra_passage(row, prefix, figure_columns, text, where)
                checked_rows += checked
                errors += errs
            start, end, quote = row["source_start"].strip(), row["source_end"].strip(), row["quote"]
            figures = [c for c in figure_columns if c in row and not is_zero_or_empty(row[c])]
            if not start and not end and not quote:
                if figures:
                    errors.append(f"{where}: figure(s) {figures} without provenance")
                continue
            if not (start.isdigit() and end.isdigit()):
                errors.append(f"{where}: source_start/source_end must be integers ({start!r}, {end!r})")
                continue
            s, e = int(start), int(end)
            if not (0 <= s < e <= len(text)):
                errors.append(f"{where}: offsets {s}:{e} out of range")
                continue
            checked_rows += 1
            if text[s:e] != quote:
                errors.append(f"{where}: text[{s}:{e}] is {text[s:e]!r}, quote is {quote!r}")
                continue
            for column in figures:
                checked_figures += 1
                if not contains_figure(quote, row[column]):
                    errors.append(f"{where}: {column}={row[column]} not found in quote {quote!r}")
            if path.name == "meetings.csv":
                low = quote.lower()
                if not any(form in low for form in date_forms(row["held_on"])):
                    errors.append(f"{where}: date {row['held_on']} not found in quote {quote!r}")
            if path.name == "deliberations.csv" and not figures and row["number"] not in quote:
                errors.append(f"{where}: deliberation {row['number']} without votes must quote its number")
    return checked_rows, checked_figures, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", help="path of the seed text")
    parser.add_argument(
        "--data",
        default=str(Path(__file__).resolve().parent.parent / "data" / "erbm"),
        help="folder of the CSV files (default: data/erbm of the repository)",
    )
    args = parser.parse_args()
    with open(args.seed, encoding="utf-8", newline="") as f:
        text = f.read()

    total_rows = total_figures = 0
    all_errors = []
    for path in sorted(Path(args.data).glob("*.csv")):
        result = check_file(path, text)
        if result is None:
            continue
        rows, figures, errors = result
        total_rows += rows
        total_figures += figures
        all_errors += errors
        status = "ok" if not errors else f"{len(errors)} error(s)"
        print(f"{path.name:28} {rows:4} quotes {figures:4} figures  {status}")
    for error in all_errors:
        print(f"ERROR {error}", file=sys.stderr)
    print(f"total: {total_rows} quotes, {total_figures} figures, {len(all_errors)} error(s)")
    return 1 if all_errors else 0


if __name__ == "__main__":
    sys.exit(main())
