"""Feature build speed and memory against a hand-written DuckDB query, in one run.

Simulates (once, cached under bench/data/) a retail data set of ~1M customers and ~10M
transaction lines, then runs each contender in its own process so peak memory is its
own:

- `ours`: `load_tables` (read + validate Parquet) and `build` (every feature family) at
  one cutoff; timed both together and the build alone;
- `duckdb`: one SQL query over the same Parquet computing the RFM and window aggregates
  (recency, purchase occasions and spend in 30/90/365 days, lifetime totals).

Machines here are shared and noisy, so the result is the *ratio* of the two measured in
the same run (best of `--repeats`), printed and written to bench/results/features.json.
The RFM columns of both are compared, so the ratio is between equal answers.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "features.json"
RFM = ["days_since_last_purchase", "orders_30d", "spend_30d", "orders_90d", "spend_90d",
       "orders_365d", "spend_365d", "orders_total", "spend_total"]  # fmt: skip


def duckdb_query(config_path: Path, cutoff: str) -> str:
    """The reference query, written against the config's own column names."""
    from features.contract import load_config

    config = load_config(config_path)
    spec = config.data.transactions
    files = [str(file) for file in config.files(spec.path)]  # a duckdb list of one or more
    c = spec.source_column
    order = f', "{c("order_id")}"' if "order_id" in spec.columns else ""
    windows = ",\n".join(
        f"count(DISTINCT (d{order})) FILTER (WHERE d > DATE '{cutoff}' - {n}) AS orders_{n}d, "
        f"coalesce(sum(amount) FILTER (WHERE d > DATE '{cutoff}' - {n}), 0) AS spend_{n}d"
        for n in (30, 90, 365)
    )
    return f"""
        WITH t AS (
            SELECT "{c("customer_id")}" AS customer_id, CAST("{c("timestamp")}" AS DATE) AS d,
                   "{c("amount")}" AS amount{order}
            FROM read_parquet({files!r})
            WHERE CAST("{c("timestamp")}" AS DATE) <= DATE '{cutoff}'
        )
        SELECT customer_id,
               date_diff('day', max(d), DATE '{cutoff}') AS days_since_last_purchase,
               {windows},
               count(DISTINCT (d{order})) AS orders_total,
               sum(amount) AS spend_total
        FROM t GROUP BY customer_id
    """


def run_child(kind: str, config_path: Path, cutoff: str, out: Path) -> dict:
    """One contender in this process; prints its timings as JSON."""
    started = time.perf_counter()
    if kind == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("PRAGMA threads=2")
        frame = con.execute(duckdb_query(config_path, cutoff)).df()
        timings = {"total_s": time.perf_counter() - started}
    else:
        from features.build import build
        from features.contract import load_config
        from features.sources import load_tables

        tables = load_tables(load_config(config_path))
        loaded = time.perf_counter()
        built = build(tables, cutoffs=cutoff)
        frame = built.frame
        timings = {
            "total_s": time.perf_counter() - started,
            "load_s": loaded - started,
            "build_s": time.perf_counter() - loaded,
            "features": len(built.specs),
        }
    frame = frame[frame["days_since_last_purchase"].notna()][["customer_id", *RFM]]
    frame.to_parquet(out)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {**timings, "rows": len(frame), "peak_rss_gib": peak_kib / 2**20}


def measure(
    kinds: list[str], config_path: Path, cutoff: str, repeats: int, scratch: Path
) -> dict[str, dict]:
    """Each contender `repeats` times in a fresh process, taking turns (this host's speed
    drifts over minutes: back-to-back blocks would compare different machines); the
    fastest run of each, and its highest peak memory."""
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for _ in range(repeats):
        for kind in kinds:
            cmd = [sys.executable, __file__, "--child", kind, "--config", str(config_path),
                   "--cutoff", cutoff, "--scratch", str(scratch)]  # fmt: skip
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            runs[kind].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        kind: {
            **min(done, key=lambda r: r["total_s"]),
            "peak_rss_gib": max(r["peak_rss_gib"] for r in done),
        }
        for kind, done in runs.items()
    }


def same_answers(scratch: Path) -> bool:
    ours = pd.read_parquet(scratch / "ours.parquet").set_index("customer_id").sort_index()
    ref = pd.read_parquet(scratch / "duckdb.parquet").set_index("customer_id").sort_index()
    ref = ref.astype("float64")
    return (
        len(ours) == len(ref)
        and ((ours[RFM] - ref[RFM]).abs() < 1e-6 * (1 + ref[RFM].abs())).all().all()
    )


def ensure_data(customers: int, months: int) -> Path:
    from features.simulate import simulate_to_dir

    folder = HERE / "data" / f"retail_{customers}_{months}m"
    config = folder / "churn.yaml"
    if not config.exists():
        print(f"simulating {customers:,} customers x {months} months into {folder} ...")
        simulate_to_dir(folder, customers=customers, months=months, seed=7)
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--child", choices=["ours", "duckdb"])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--cutoff")
    parser.add_argument("--scratch", type=Path)
    args = parser.parse_args()
    if args.child:
        out = args.scratch / f"{args.child}.parquet"
        print(json.dumps(run_child(args.child, args.config, args.cutoff, out)))
        return
    config = ensure_data(args.customers, args.months)
    from features.contract import load_config

    cutoff = str(load_config(config).data.as_of)
    scratch = HERE / "data" / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    measured = measure(["duckdb", "ours"], config, cutoff, args.repeats, scratch)
    report(args, config, cutoff, measured["ours"], measured["duckdb"], same_answers(scratch))


def report(args, config: Path, cutoff: str, ours: dict, reference: dict, same: bool) -> None:
    transactions = sum(pq.ParquetFile(f).metadata.num_rows for f in transactions_files(config))
    result = {
        "customers": args.customers,
        "transaction_lines": transactions,
        "cutoff": cutoff,
        "ours": ours,
        "duckdb": reference,
        "ratio_total_vs_duckdb": ours["total_s"] / reference["total_s"],
        "ratio_build_only_vs_duckdb": ours["build_s"] / reference["total_s"],
        "rfm_columns_identical": bool(same),
        "targets": {"ratio_total_vs_duckdb": 2.0, "peak_rss_gib": 4.0},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nfeatures at {cutoff}: {args.customers:,} customers, {transactions:,} lines")
    print(f"{'contender':<28}{'seconds':>10}{'peak GiB':>10}")
    print(
        f"{'duckdb RFM query':<28}{reference['total_s']:>10.2f}{reference['peak_rss_gib']:>10.2f}"
    )
    print(f"{'ours: load + all features':<28}{ours['total_s']:>10.2f}{ours['peak_rss_gib']:>10.2f}")
    print(f"{'ours: build only':<28}{ours['build_s']:>10.2f}")
    print(f"ratio ours/duckdb: {result['ratio_total_vs_duckdb']:.2f}x (target <= 2x); "
          f"build only {result['ratio_build_only_vs_duckdb']:.2f}x; "
          f"{ours['features']} features vs {len(RFM)} RFM columns; "
          f"RFM identical: {same}")  # fmt: skip
    print(f"wrote {RESULTS}")


def transactions_files(config: Path) -> list[Path]:
    from features.contract import load_config

    run = load_config(config)
    return run.files(run.data.transactions.path)


if __name__ == "__main__":
    main()
