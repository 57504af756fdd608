#!/usr/bin/env python3
"""RFM with pandas, by the rules of Mostrador's `domain::rfm` (README, "RFM"): a second,
independent implementation, the straightforward pandas way (groupby, rank(method="first"),
qcut). `mostrador bench rfm` runs it on the same data as the Rust code and checks that both
write the same scores.

Usage: rfm_pandas.py ORDERS_CSV AS_OF [--out FILE] [--timings FILE] [--repeat N]

Input is what `mostrador rfm --orders-csv` reads (header `customer_id,order_id,date,amount`);
the Rust command validates it, this script assumes it is valid. Output is what `mostrador rfm`
writes. Amounts are summed as integers of the smallest unit any amount uses, since floats
would not add up to the cent; they must fit in 64 bits there.
"""

import argparse
import json
import sys
import time

import numpy as np
import pandas as pd

COLUMNS = ["customer_id", "order_id", "date", "amount"]
OUTPUT = ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"]

# (code, R, F, M): inclusive label ranges, tried in order; the first that holds wins.
SEGMENTS = [
    ("champions", (4, 5), (4, 5), (4, 5)),
    ("promising", (4, 5), (1, 2), (3, 5)),
    ("loyal", (3, 5), (3, 5), (3, 5)),
    ("potential_loyalist", (3, 5), (2, 3), (2, 4)),
    ("new", (5, 5), (1, 1), (1, 5)),
    ("low_spenders", (3, 5), (1, 5), (1, 2)),
    ("need_attention", (2, 3), (1, 2), (4, 5)),
    ("about_to_sleep", (2, 3), (1, 2), (1, 3)),
    ("at_risk", (1, 2), (1, 5), (3, 5)),
    ("lost", (1, 2), (1, 5), (1, 2)),
]


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, usecols=COLUMNS)


def to_units(amounts):
    """The amounts as integers of 10**-scale, `scale` being the most decimals any amount has."""
    if len(amounts) == 0:
        return np.zeros(0, dtype="int64"), 0
    negative = amounts.str.startswith("-").to_numpy()
    parts = amounts.str.lstrip("-").str.partition(".")
    whole, fraction = parts[0], parts[2]
    scale = int(fraction.str.len().max())
    units = (whole + fraction.str.ljust(scale, "0")).astype("int64").to_numpy()
    return np.where(negative, -units, units), scale


def from_units(units, scale):
    if scale == 0:
        return units.astype(str)
    magnitude = units.abs()
    text = (magnitude // 10**scale).astype(str) + "." + (magnitude % 10**scale).astype(str).str.zfill(scale)
    return text.where(units >= 0, "-" + text)


def quintiles(values):
    """qcut of the first-ranks into 5 equal-frequency bins, 1..5; ties by position."""
    if len(values) <= 1:
        # qcut needs distinct edges; a single rank is in bin 1.
        return pd.Series(1, index=values.index, dtype="int64")
    return pd.qcut(values.rank(method="first"), 5, labels=False).astype("int64") + 1


def score(orders, as_of):
    date = pd.to_datetime(orders["date"].str.slice(0, 10), format="%Y-%m-%d")
    units, scale = to_units(orders["amount"])
    lines = pd.DataFrame(
        {"customer_id": orders["customer_id"], "order_id": orders["order_id"], "date": date, "units": units}
    )[date <= as_of]
    if lines.empty:
        return pd.DataFrame(columns=OUTPUT)

    per = lines.groupby("customer_id", sort=False).agg(
        last=("date", "max"), frequency=("order_id", "nunique"), units=("units", "sum")
    )
    per = per.reset_index()
    # The tie order: numeric ids when all are integers, equal numbers by text; otherwise text.
    ids = per["customer_id"]
    if len(ids) and ids.str.fullmatch(r"-?[0-9]+").all():
        per["number"] = ids.map(int)
        per = per.sort_values(["number", "customer_id"], kind="stable")
    else:
        per = per.sort_values("customer_id", kind="stable")
    per = per.reset_index(drop=True)

    per["recency_days"] = (as_of - per["last"]).dt.days
    per["r"] = 6 - quintiles(per["recency_days"])
    per["f"] = quintiles(per["frequency"])
    per["m"] = quintiles(per["units"])
    conditions = [
        per["r"].between(*r) & per["f"].between(*f) & per["m"].between(*m) for _, r, f, m in SEGMENTS
    ]
    per["segment"] = np.select(conditions, [code for code, *_ in SEGMENTS], default="others")
    per["monetary"] = from_units(per["units"], scale)
    return per[OUTPUT]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders_csv")
    parser.add_argument("as_of", help="YYYY-MM-DD")
    parser.add_argument("--out", help="output CSV (default: standard output)")
    parser.add_argument("--timings", help="write the best times of each step here, as JSON")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the best time of each step counts")
    args = parser.parse_args()
    as_of = pd.Timestamp(args.as_of)

    best = {}
    for _ in range(max(args.repeat, 1)):
        t0 = time.perf_counter()
        orders = read(args.orders_csv)
        t1 = time.perf_counter()
        scores = score(orders, as_of)
        t2 = time.perf_counter()
        scores.to_csv(args.out or sys.stdout, index=False, lineterminator="\n")
        t3 = time.perf_counter()
        for step, seconds in [("read_s", t1 - t0), ("compute_s", t2 - t1), ("write_s", t3 - t2), ("end_to_end_s", t3 - t0)]:
            best[step] = min(best.get(step, seconds), seconds)
    if args.timings:
        with open(args.timings, "w") as f:
            json.dump({**best, "pandas": pd.__version__, "numpy": np.__version__, "runs": args.repeat}, f)


if __name__ == "__main__":
    main()
