"""Serving latency and throughput against in-process scoring and `mlflow models serve`.

On the demo's champion (run `make demo` first) and one of its scored customers, in one
run:

- `in-process`: the unwrapped champion scoring that customer's feature row: the
  booster alone on a prepared 1-row matrix (predict + TreeSHAP), the limit the server's
  overhead is held to, and the model's own `scores` (feature row -> input matrix ->
  probability + TreeSHAP); also each route's work without HTTP: the whole live path
  (`score_history`: raw history -> features -> probability -> reasons) and the by-id
  store lookup, each with its response validated and serialized;
- `ours`: `churn serve` as a subprocess; `GET /v1/customers/{id}` and `POST /v1/score`
  (one customer's raw history per request, reasons included; requests cycle through 64
  customers spread over the risk range, so concurrent ones can be scored together),
  sequential and with concurrent clients (`bench/http_load.py`: a lean load generator,
  as it shares the machine's cores with the servers);
- `mlflow`: `mlflow models serve --env-manager local` on the same model version;
  `POST /invocations` with the same feature row, same measurements, at our number of
  HTTP workers (`--workers`, default one per core), at our number of processes (with
  several workers ours adds a scoring process, so one more) and at its default of one;
  the best of these is the reference;
- `batch`: `churn score`'s path (features are built first and not timed: score,
  TreeSHAP, reasons, ranking and the atomic SQLite write) on `--batch-customers`
  simulated customers (default 200,000, the demo's world with another seed) against
  XGBoost's TreeSHAP alone (`pred_contribs`, all cores) on the same rows, in customers
  per second.

Servers listen on 127.0.0.1 only, on free ports, and are always stopped. Machines here
are shared and noisy (their speed drifts over minutes), so all servers run at once and
take turns under load, in rounds, and the result is the ratios measured in the same run,
printed and written to bench/results/serving.json.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib.metadata
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import uvloop
from http_load import Connection, load

from serving.history import ACTIVITY, history_item, plain

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
RESULTS = HERE / "results" / "serving.json"
VERSIONED = ("mlflow", "uvicorn", "fastapi", "xgboost", "numpy", "pandas")
CONFIG = ROOT / "data" / "demo" / "churn.yaml"
TRACKING_URI = f"sqlite:///{ROOT / 'mlflow' / 'mlflow.db'}"
DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'scores.db'}"
HOST = "127.0.0.1"
START_TIMEOUT_S = 90.0
BATCH_SEED = 4242
TARGETS = {
    "by_id_p50_ms": 5.0,
    "score_p50_ms": 15.0,
    "rps_vs_mlflow": 10.0,
    "by_id_overhead_vs_booster": 3.0,
    "score_overhead_vs_booster": 3.0,
    "batch_vs_treeshap": 0.8,
}
"""The issue's targets. "Server overhead within 3x of the in-process limit" is read as:
what HTTP adds (server p50 minus the same work in process) is at most 3x the booster's
predict + TreeSHAP of one row."""


# -- data -------------------------------------------------------------------------------
def invocation(row: pd.DataFrame, schema_columns: list[str]) -> dict[str, Any]:
    """The pyfunc signature's input for one feature row; categoricals as strings."""
    values = [plain(row[name].iloc[0]) for name in schema_columns]
    values = [str(v) if isinstance(v, str | bool) else v for v in values]
    return {"dataframe_split": {"columns": schema_columns, "data": [values]}}


# -- timing -----------------------------------------------------------------------------
def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000.0
    return {f"p{q}_ms": float(np.percentile(ms, q)) for q in (50, 95, 99)}


def repeat_median(func: Any, repeats: int, time_limit_s: float) -> dict[str, float]:
    """Median and p95 milliseconds of `func()` over `repeats` calls (bounded in time)."""
    func()  # warm-up
    times: list[float] = []
    deadline = time.perf_counter() + time_limit_s
    while len(times) < repeats and time.perf_counter() < deadline:
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return {
        "median_ms": statistics.median(times) * 1000.0,
        "repeats": len(times),
        "p95_ms": float(np.percentile(np.asarray(times) * 1000.0, 95)),
    }


def pooled(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Several `load` runs of one kind as one: requests over total time, pooled latencies."""
    latencies = [t for part in parts for t in part["latencies"]]
    wall = sum(part["wall_s"] for part in parts)
    statuses: dict[int, int] = {}
    for part in parts:
        for status, count in part["bad_statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "clients": parts[0]["clients"],
        "requests": len(latencies),
        "failures": sum(part["failures"] for part in parts),
        "bad_statuses": statuses,
        "wall_s": wall,
        "rps": len(latencies) / wall if wall > 0 else 0.0,
        **(percentiles(latencies) if latencies else {}),
    }


def measure_interleaved(
    targets: dict[str, tuple[str, list[bytes] | None]], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Each target (name -> URL, bodies) warmed up, then `args.rounds` rounds in which every
    target takes its turn at sequential load (a fixed number of requests) and at
    concurrent load (as many as fit in `args.window_s`: every contender gets the same time,
    and a fast one is not timed over a burst too short to leave its ramp-up and
    ramp-down behind). This host's speed drifts
    over minutes (other tenants), so contenders measured one after the other would be
    compared across different machines; taking turns, all see the same one."""
    for url, data in targets.values():
        warm = load(url, data, clients=1, per_client=args.warmup, time_limit_s=30.0)
        if warm["failures"]:
            raise RuntimeError(f"{url}: warm-up failed ({warm['bad_statuses']})")
    runs: dict[str, dict[str, list]] = {
        name: {"sequential": [], "concurrent": []} for name in targets
    }
    for _ in range(args.rounds):
        for name, (url, data) in targets.items():
            runs[name]["sequential"].append(
                load(
                    url,
                    data,
                    clients=1,
                    per_client=args.sequential // args.rounds,
                    time_limit_s=60.0 / args.rounds,
                )
            )
            runs[name]["concurrent"].append(
                load(
                    url,
                    data,
                    clients=args.clients,
                    per_client=None,
                    time_limit_s=args.window_s,
                )
            )
    return {
        name: {kind: pooled(parts) for kind, parts in kinds.items()} for name, kinds in runs.items()
    }


def interleaved_overhead(
    url: str, bodies: list[dict] | None, same_work: Any, repeats: int
) -> dict[str, float]:
    """What HTTP adds: request k over HTTP, then the same work in process, alternated so
    both see the same machine (a difference of two separately measured medians is mostly
    this machine's noise); median over `repeats` of each."""
    return uvloop.run(_interleaved(url, bodies, same_work, repeats))


async def _interleaved(
    url: str, bodies: list[dict] | None, same_work: Any, repeats: int
) -> dict[str, float]:
    data = None if bodies is None else [json.dumps(body).encode() for body in bodies]
    http: list[float] = []
    local: list[float] = []
    connection = await Connection.open(url)
    try:
        for k in range(repeats):
            started = time.perf_counter()
            status = await connection.send(None if data is None else data[k % len(data)])
            http.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"{url}: answered {status}")
            started = time.perf_counter()
            same_work(k)
            local.append(time.perf_counter() - started)
    finally:
        connection.close()
    http_ms, local_ms = statistics.median(http) * 1e3, statistics.median(local) * 1e3
    return {
        "http_p50_ms": http_ms,
        "in_process_p50_ms": local_ms,
        "overhead_ms": http_ms - local_ms,
    }


# -- servers ----------------------------------------------------------------------------
def mlflow_workers(workers: int) -> list[int]:
    """mlflow's worker counts: ours, our process count (several workers share one
    scoring process), and its default of one; most first."""
    processes = workers + 1 if workers > 1 else workers
    return sorted({processes, workers, 1}, reverse=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(cmd: list[str], probe: str, log: Path) -> Iterator[subprocess.Popen]:
    """Start `cmd` in its own process group; yield once `probe` answers 200; always stop."""
    env = {**os.environ, "MLFLOW_TRACKING_URI": TRACKING_URI, "CHURN_DATABASE_URL": DATABASE_URL}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # mlflow execs `uvicorn` by name
    env.pop("CHURN_API_KEY", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.perf_counter() + START_TIMEOUT_S
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"exited with {proc.returncode}: {tail(log)}")
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"not ready within {START_TIMEOUT_S:.0f}s: {tail(log)}")
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    response = httpx.get(probe, timeout=2.0)
                    ready = not probe.endswith("/ready") or response.json().get("ready")
                    if response.status_code == 200 and ready:
                        break
                time.sleep(0.5)
            yield proc
        finally:
            stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group, SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


def tail(log: Path, lines: int = 8) -> str:
    return " | ".join(log.read_text(errors="replace").strip().splitlines()[-lines:])


# -- the run ----------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    """The options, and the request counts and windows they scale (`--quick`: a fifth)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Fewer requests (a smoke run).")
    parser.add_argument("--skip-mlflow", action="store_true")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="Worker processes per server."
    )
    parser.add_argument("--batch-customers", type=int, default=200_000)
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    args.sequential = int(300 * scale)
    args.clients = 8
    args.window_s = 3.0 * scale
    args.warmup = int(30 * scale)
    args.repeats = int(500 * scale)
    args.rounds = 2 if args.quick else 4
    if args.quick:
        args.batch_customers = min(args.batch_customers, 20_000)
    return args


@dataclass(frozen=True)
class Setup:
    """The demo's champion, its latest batch and what the bench sends: one customer (the
    median scored one by probability) for lookups and mlflow's feature row, and 64
    customers spread over the risk range whose raw histories `POST /v1/score` cycles
    through (concurrent clients post different customers, as a CRM calling per customer
    would; the server scores concurrent requests together, never two of one customer)."""

    name: str
    version: str
    cutoff: Any
    job: Any
    model: Any
    row: pd.DataFrame
    probability: float
    customer: str
    score_bodies: list[dict[str, Any]]
    invocation_body: dict[str, Any]
    rows_posted: int
    """The bench customer's activity rows, as their history posts them."""
    live_score: Callable[[int], str]
    """The live path in process (no HTTP), cycling through the score bodies."""
    lookup: Callable[[int], str]
    """The by-id lookup in process (no HTTP)."""

    @property
    def facts(self) -> dict[str, Any]:
        """What the results file says of the model, the customer and the bodies posted."""
        pool_rows = [
            sum(len(body["customers"][0].get(k, [])) for k in ACTIVITY)
            for body in self.score_bodies
        ]
        return {
            "name": self.name,
            "version": self.version,
            "cutoff": str(self.cutoff),
            "customer": self.customer,
            "activity_rows_posted": self.rows_posted,
            "score_pool_rows_median": float(np.median(pool_rows)),
            "score_pool_rows_max": int(max(pool_rows)),
        }


def set_up() -> Setup:
    import mlflow
    from features.contract import load_config
    from features.sources import load_tables
    from serving import queries, store
    from serving.batch import prepare
    from serving.live import score_history
    from serving.schemas import CustomerScoreOut, ScoreIn, ScoreOut
    from serving.scorer import Loaded
    from serving.settings import Settings

    config = load_config(CONFIG)
    name = config.model_name
    engine = store.connect(DATABASE_URL)
    batch = store.latest_batch(engine)
    if batch is None or batch["model_name"] != name:
        sys.exit(f"no score batch of {name} in {DATABASE_URL}: run `make demo` first")
    cutoff = batch["cutoff"]
    settings = Settings(MLFLOW_TRACKING_URI=TRACKING_URI, CHURN_DATABASE_URL=DATABASE_URL)
    job = prepare(config, cutoff=cutoff, settings=settings)
    pyfunc = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    model = pyfunc.unwrap_python_model()
    version = job.champion.version
    features = job.features.reset_index(drop=True)
    tables = load_tables(config)

    probability = model.predict_proba(features)
    index = int(np.argsort(probability)[len(probability) // 2])
    customer = features["customer_id"].iloc[index]
    row = features.iloc[[index]]
    customer_body = history_item(tables, customer)
    pool = features["customer_id"].iloc[np.argsort(probability)[:: max(len(features) // 64, 1)]]
    score_bodies = [
        {"cutoff": cutoff.isoformat(), "customers": [history_item(tables, other)]} for other in pool
    ]
    schema_columns = pyfunc.metadata.get_input_schema().input_names()
    loaded = Loaded(model=model, name=name, version=version)

    def live_score(k: int) -> str:
        request = ScoreIn.model_validate(score_bodies[k % len(score_bodies)])
        return ScoreOut.model_validate(score_history(request, loaded)).model_dump_json()

    def lookup(_: int) -> str:
        found = queries.customer_score(engine, str(customer))
        return CustomerScoreOut.model_validate(found).model_dump_json()

    return Setup(
        name=name,
        version=version,
        cutoff=cutoff,
        job=job,
        model=model,
        row=row,
        probability=float(probability[index]),
        customer=str(customer),
        score_bodies=score_bodies,
        invocation_body=invocation(row, schema_columns),
        rows_posted=sum(len(customer_body.get(k, [])) for k in ACTIVITY),
        live_score=live_score,
        lookup=lookup,
    )


def measure_in_process(setup: Setup, args: argparse.Namespace) -> dict[str, Any]:
    """The booster alone on a prepared row, the model's own scoring of the feature row,
    and each route's work without HTTP."""
    model, row = setup.model, setup.row
    matrix, booster = model.dmatrix(row), model._booster_for(1)
    counter = itertools.count()
    return {
        "booster_predict_plus_treeshap_1row": repeat_median(
            lambda: (
                booster.predict(matrix, output_margin=True),
                booster.predict(matrix, pred_contribs=True),
            ),
            args.repeats,
            60.0,
        ),
        "model_scores_1row": repeat_median(lambda: model.scores(row), args.repeats, 60.0),
        "score_history_no_http": repeat_median(
            lambda: setup.live_score(next(counter)), max(args.repeats // 5, 20), 60.0
        ),
        "by_id_lookup_no_http": repeat_median(lambda: setup.lookup(0), args.repeats, 60.0),
    }


def measure_servers(
    setup: Setup, args: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Our server's routes and `mlflow models serve` at the worker counts of
    `mlflow_workers` (until uvicorn fixed #3149 its multi-worker mode had the Nagle stall of
    serving/server.py and one worker did better; the best is the reference). All
    servers run at once and take turns under load (`measure_interleaved`)."""
    logs = Path(tempfile.mkdtemp(prefix="serving_bench_"))  # server logs, for errors only
    atexit.register(shutil.rmtree, logs, ignore_errors=True)
    base = f"http://{HOST}:{free_port()}"
    ours_cmd = [
        *(str(BIN / "churn"), "serve", "--config", str(CONFIG), "--host", HOST),
        *("--port", base.rsplit(":", 1)[1], "--workers", str(args.workers)),
    ]
    by_id_url = f"{base}/v1/customers/{setup.customer}"
    mlflow_result: dict[str, Any] = {"by_workers": {}}
    if args.skip_mlflow:
        mlflow_result["error"] = "skipped (--skip-mlflow)"
    with contextlib.ExitStack() as servers:
        servers.enter_context(server(ours_cmd, f"{base}/ready", logs / "churn_serve.log"))
        targets: dict[str, tuple[str, list[bytes] | None]] = {
            "by_id": (by_id_url, None),
            "score": (
                f"{base}/v1/score",
                [json.dumps(body).encode() for body in setup.score_bodies],
            ),
        }
        for workers in [] if args.skip_mlflow else mlflow_workers(args.workers):
            url = start_mlflow(servers, setup, workers, logs, mlflow_result)
            if url is not None:
                targets[f"mlflow_{workers}"] = (url, [json.dumps(setup.invocation_body).encode()])
        measured = measure_interleaved(targets, args)
        ours: dict[str, Any] = {"by_id": measured["by_id"], "score": measured["score"]}
        for workers in mlflow_workers(args.workers):
            if f"mlflow_{workers}" in measured:
                mlflow_result["by_workers"][workers] = measured[f"mlflow_{workers}"]
        ours["overhead"] = {
            "by_id": interleaved_overhead(by_id_url, None, setup.lookup, args.sequential),
            "score": interleaved_overhead(
                f"{base}/v1/score", setup.score_bodies, setup.live_score, args.sequential // 2
            ),
        }
    if mlflow_result["by_workers"]:
        best = max(mlflow_result["by_workers"].items(), key=lambda kv: kv[1]["concurrent"]["rps"])
        mlflow_result["reference_workers"], mlflow_result["invocations"] = best
    return ours, mlflow_result


def start_mlflow(
    servers: contextlib.ExitStack,
    setup: Setup,
    workers: int,
    logs: Path,
    result: dict[str, Any],
) -> str | None:
    """`mlflow models serve` on the champion with `workers` workers, checked to answer
    the bench customer's probability; its invocations URL, or None (the error recorded
    in `result`, the run goes on)."""
    base = f"http://{HOST}:{free_port()}"
    cmd = [
        *(str(BIN / "mlflow"), "models", "serve", "-m", f"models:/{setup.name}@champion"),
        *("--env-manager", "local", "-h", HOST, "-p", base.rsplit(":", 1)[1]),
        *("-w", str(workers)),
    ]
    try:
        servers.enter_context(server(cmd, f"{base}/ping", logs / f"mlflow_serve_{workers}.log"))
        answer = httpx.post(f"{base}/invocations", json=setup.invocation_body, timeout=30.0)
        answer.raise_for_status()
    except Exception as error:  # recorded, the run goes on
        result["error"] = f"{type(error).__name__}: {error}"[:2000]
        return None
    served = float(answer.json()["predictions"][0]["churn_probability"])
    result["same_probability"] = bool(abs(served - setup.probability) < 1e-9)
    return f"{base}/invocations"


def main() -> None:
    args = parse_args()
    if not CONFIG.exists():
        sys.exit(f"{CONFIG} not found: run `make demo` first")
    os.environ["MLFLOW_TRACKING_URI"] = TRACKING_URI
    os.chdir(ROOT)
    setup = set_up()
    print(
        f"{setup.name} v{setup.version}, cutoff {setup.cutoff}, customer {setup.customer} "
        f"({setup.rows_posted} rows posted)"
    )
    in_process = measure_in_process(setup, args)
    print(f"in-process: {json.dumps(in_process)}")
    ours, mlflow_result = measure_servers(setup, args)
    print(f"ours: {json.dumps(ours)}")
    print(f"mlflow: {json.dumps(mlflow_result)}")
    # batch: churn score's path on a bigger simulated world, against TreeSHAP alone
    batch_result = measure_batch(args, setup.job.champion)
    print(f"batch: {json.dumps(batch_result)}")
    report(args, setup.facts, in_process, ours, mlflow_result, batch_result)


def measure_batch(args: argparse.Namespace, champion: Any) -> dict[str, Any]:
    """`Job.run` (score, TreeSHAP, reasons, rank, atomic write) vs TreeSHAP alone: XGBoost's
    own (`pred_contribs`, all cores), the reference; and, for information, the model's
    compiled trees (features/trees.py), which the job itself uses."""
    from features.contract import load_config
    from features.simulate import simulate_to_dir
    from serving.batch import prepare
    from serving.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="serving_bench_batch_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    print(f"batch: simulating {args.batch_customers:,} customers ...")
    path = simulate_to_dir(folder, customers=args.batch_customers, months=24, seed=BATCH_SEED)
    settings = Settings(
        MLFLOW_TRACKING_URI=TRACKING_URI, CHURN_DATABASE_URL=f"sqlite:///{folder / 'scores.db'}"
    )
    job = prepare(load_config(path), cutoff=None, settings=settings, champion=champion)
    model = champion.model
    result: dict[str, Any] = {"customers": job.rows}
    timings: dict[str, list[float]] = {
        "treeshap_only": [],
        "compiled_treeshap_only": [],
        "churn_score_path": [],
    }
    for _ in range(2):  # interleaved, so all see the same machine
        started = time.perf_counter()
        model.booster.predict(model.dmatrix(job.features), pred_contribs=True)
        timings["treeshap_only"].append(time.perf_counter() - started)
        started = time.perf_counter()
        model.contributions(job.features)
        timings["compiled_treeshap_only"].append(time.perf_counter() - started)
        timings["churn_score_path"].append(job.run().seconds)
    for key, seconds in timings.items():
        best = min(seconds)
        result[key] = {"seconds": seconds, "customers_per_s": job.rows / best}
    return result


def report(args, facts, in_process, ours, mlflow_result, batch) -> None:
    """The ratios against their targets, written to `RESULTS` and printed as tables."""
    ratios = ratios_of(in_process, ours, mlflow_result, batch)
    met = {
        key: None
        if value is None
        else (value >= TARGETS[key] if CHECK_LABELS[key][1] == ">=" else value <= TARGETS[key])
        for key, value in ratios.items()
    }
    result = {
        **facts,
        "quick": args.quick,
        "workers": args.workers,
        "versions": versions(),
        "in_process": in_process,
        "ours": ours,
        "mlflow": mlflow_result,
        "batch": batch,
        "ratios": ratios,
        "targets": TARGETS,
        "targets_met": met,
        "extra_ratios": extra_ratios(in_process, ours, mlflow_result),
        "notes": notes(args),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print_measurements(args, facts, in_process, ours, mlflow_result, batch)
    print_checks(ratios, met)
    print(f"wrote {RESULTS}")


def versions() -> dict[str, str]:
    """The packages the ratios depend on (until uvicorn fixed #3149, mlflow's multi-worker
    server waited for a delayed ACK on every keep-alive request: serving/server.py)."""
    return {name: importlib.metadata.version(name) for name in VERSIONED}


def ratios_of(in_process, ours, mlflow_result, batch) -> dict[str, float | None]:
    """Each of `TARGETS`' measures (None: mlflow not measured)."""
    booster_ms = in_process["booster_predict_plus_treeshap_1row"]["median_ms"]
    invocations = mlflow_result.get("invocations")
    return {
        "by_id_p50_ms": ours["by_id"]["sequential"]["p50_ms"],
        "score_p50_ms": ours["score"]["sequential"]["p50_ms"],
        "rps_vs_mlflow": ours["score"]["concurrent"]["rps"] / invocations["concurrent"]["rps"]
        if invocations
        else None,
        "by_id_overhead_vs_booster": ours["overhead"]["by_id"]["overhead_ms"] / booster_ms,
        "score_overhead_vs_booster": ours["overhead"]["score"]["overhead_ms"] / booster_ms,
        "batch_vs_treeshap": batch["churn_score_path"]["customers_per_s"]
        / batch["treeshap_only"]["customers_per_s"],
    }


def extra_ratios(in_process, ours, mlflow_result) -> dict[str, float | None]:
    """For information: the lookup's throughput against mlflow's, and the live route's
    latency against its parts in process."""
    invocations = mlflow_result.get("invocations")
    score_ms = ours["score"]["sequential"]["p50_ms"]
    return {
        "by_id_rps_vs_mlflow": ours["by_id"]["concurrent"]["rps"] / invocations["concurrent"]["rps"]
        if invocations
        else None,
        "score_p50_vs_in_process_score_history": score_ms
        / in_process["score_history_no_http"]["median_ms"],
        "score_p50_vs_model_scores": score_ms / in_process["model_scores_1row"]["median_ms"],
        "score_p50_vs_booster_alone": score_ms
        / in_process["booster_predict_plus_treeshap_1row"]["median_ms"],
    }


def notes(args: argparse.Namespace) -> dict[str, str]:
    """What each ratio compares, as measured in this run."""
    return {
        "rps_vs_mlflow": "POST /v1/score (raw history, features, reasons) requests/s over "
        "mlflow POST /invocations (precomputed feature row, probability only), "
        f"{args.clients} clients; ours with {args.workers} HTTP worker(s)"
        f"{' and a scoring process' if args.workers > 1 else ''}, mlflow with whichever "
        f"of {', '.join(map(str, mlflow_workers(args.workers)))} worker(s) gave it more "
        "requests/s",
        "overhead_vs_booster": "(p50 over HTTP - p50 of the same work in process: store "
        "lookup or live scoring, response validated and serialized; the two alternated "
        "request by request) / the booster's predict + TreeSHAP of one prepared row",
        "batch_vs_treeshap": "churn score's path (score, TreeSHAP, reasons, rank, atomic "
        "SQLite write; features built beforehand) over XGBoost's TreeSHAP alone "
        "(pred_contribs, all cores), same rows",
    }


def print_measurements(args, facts, in_process, ours, mlflow_result, batch) -> None:
    """Latencies and requests/s per contender, in process and over HTTP, and the batch."""
    print(
        f"\nserving {facts['name']} v{facts['version']} at {facts['cutoff']}; "
        f"by id: customer {facts['customer']}; POST /v1/score: 64 customers' histories, "
        f"{facts['score_pool_rows_median']:.0f} activity rows each (median), "
        f"{facts['score_pool_rows_max']} at most; "
        + ", ".join(f"{name} {version}" for name, version in versions().items())
    )
    print(
        f"{'contender':<34}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'rps':>9}"
        f"{'8x p50':>9}{'8x p99':>9}{'8x rps':>9}"
    )
    rows = [
        (f"ours GET /v1/customers/{{id}} ({args.workers}w)", ours["by_id"]),
        (f"ours POST /v1/score ({args.workers}w)", ours["score"]),
    ]
    invocations = mlflow_result.get("invocations")
    if invocations:
        for workers, measured in mlflow_result["by_workers"].items():
            rows.append((f"mlflow POST /invocations ({workers}w)", measured))
    for label, m in rows:
        s, c = m["sequential"], m["concurrent"]
        print(
            f"{label:<34}{s['p50_ms']:>9.2f}{s['p95_ms']:>9.2f}{s['p99_ms']:>9.2f}"
            f"{s['rps']:>9.0f}{c['p50_ms']:>9.2f}{c['p99_ms']:>9.2f}{c['rps']:>9.0f}"
        )
    if not invocations:
        print(f"{'mlflow POST /invocations':<34}  not measured: {mlflow_result.get('error')}")
    for label, key in (
        ("in-process booster alone, 1 row", "booster_predict_plus_treeshap_1row"),
        ("in-process model.scores, 1 row", "model_scores_1row"),
        ("in-process score_history (no HTTP)", "score_history_no_http"),
        ("in-process by-id lookup (no HTTP)", "by_id_lookup_no_http"),
    ):
        print(f"{label:<34}{in_process[key]['median_ms']:>9.2f}{in_process[key]['p95_ms']:>9.2f}")
    for route, measured in ours["overhead"].items():
        print(
            f"{'HTTP overhead, ' + route + ' (interleaved)':<34}{measured['overhead_ms']:>9.2f}"
            f"  ({measured['http_p50_ms']:.2f} over HTTP, {measured['in_process_p50_ms']:.2f} "
            "in process)"
        )
    print(
        f"batch, {batch['customers']:,} active customers: "
        f"XGBoost TreeSHAP alone {batch['treeshap_only']['customers_per_s']:,.0f}/s, "
        f"compiled TreeSHAP alone {batch['compiled_treeshap_only']['customers_per_s']:,.0f}/s, "
        f"churn score path {batch['churn_score_path']['customers_per_s']:,.0f}/s"
    )


CHECK_LABELS = {
    "by_id_p50_ms": ("by-id p50 (ms)", "<="),
    "score_p50_ms": ("score-with-reasons p50 (ms)", "<="),
    "rps_vs_mlflow": ("score rps / mlflow rps (8 clients)", ">="),
    "by_id_overhead_vs_booster": ("by-id HTTP overhead / booster 1 row", "<="),
    "score_overhead_vs_booster": ("score HTTP overhead / booster 1 row", "<="),
    "batch_vs_treeshap": ("churn score / XGBoost TreeSHAP (cust/s)", ">="),
}


def print_checks(ratios: dict[str, float | None], met: dict[str, bool | None]) -> None:
    print(f"\n{'check':<42}{'measured':>10}{'target':>10}  met")
    for key, (label, sign) in CHECK_LABELS.items():
        value = ratios[key]
        shown = "n/a" if value is None else f"{value:.2f}"
        print(f"{label:<42}{shown:>10}{sign + format(TARGETS[key], 'g'):>10}  {met[key]}")


if __name__ == "__main__":
    main()
