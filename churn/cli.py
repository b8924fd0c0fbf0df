"""The `churn` command: one thin function per command; the work lives in the packages.

User mistakes (bad config, bad data, bad arguments) print one clear line and exit with
code 2; nothing is written. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, ParamSpec, TypeVar

import pandas as pd
import typer

from churn import progress, summary
from churn.console import StderrHandler, make_console, tagged
from churn.output import atomic_parquet, atomic_text

if TYPE_CHECKING:
    from churn.model import FeatureLayout
    from features.contract import RunConfig
    from features.registry import FeatureSpec
    from features.tables import Tables
    from serving.batch import BatchResult, Job, UnseenLevels
    from serving.store import Replaced

app = typer.Typer(
    help="Churn Radar: churn risk as of a cutoff, with reasons in plain words.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
USER_ERROR_EXIT = 2

P = ParamSpec("P")
R = TypeVar("R")

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="The run config (churn.yaml).", show_default=False)
]


@app.callback()
def _quiet_libraries() -> None:
    """Keep library chatter out of the terminal: MLflow's INFO lines ("Creating initial
    MLflow database tables", "Validating input example against model signature") and its
    CloudPickle WARNING on logging a model, both through its own loggers, which MLflow
    sets up when imported (at INFO, `MLFLOW_LOGGING_LEVEL`): the level set here alone was
    undone by the import that came later, so the variable is set before it (a user's own
    setting wins). MLflow's errors still show, and so do ours."""
    import logging
    import os
    import warnings

    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "ERROR")
    logging.getLogger("mlflow").setLevel(logging.ERROR)  # when already imported
    logging.getLogger("alembic").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="mlflow")
    ours = logging.getLogger("features")  # data warnings, one line each, on stderr
    if not ours.handlers:
        ours.addHandler(StderrHandler())
        ours.propagate = False


USER_ERRORS = frozenset(
    {
        ("features.contract", "ConfigError"),
        ("features.sources.table", "DataError"),
        ("training.dataset", "PlanError"),
        ("training.promote", "PromotionError"),
        ("serving.batch", "ServingError"),
        ("serving.queries", "NoScoresError"),
        ("serving.queries", "UnknownSegmentError"),
        ("serving.store", "StoreError"),
    }
)
"""The project's user-facing errors, by module and name: told apart without importing
their modules, which pull in mlflow, xgboost and scikit-learn, seconds that `--help`, a
worklist or a "no scores yet" would otherwise wait for (whatever raised one has loaded
its module already)."""


def is_user_error(exc: BaseException) -> bool:
    return any((kind.__module__, kind.__qualname__) in USER_ERRORS for kind in type(exc).__mro__)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the project's user-facing errors into one red line and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            if not is_user_error(exc):
                raise
            make_console(stderr=True).print(tagged("error", exc, style="bold red"), soft_wrap=True)
            raise typer.Exit(USER_ERROR_EXIT) from None

    return wrapper


@app.command()
@user_errors
def simulate(
    out: Annotated[Path, typer.Option(help="Folder to write the tables and churn.yaml into.")],
    customers: Annotated[int, typer.Option(min=10, help="Number of customers.")] = 20_000,
    months: Annotated[int, typer.Option(min=3, max=120, help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same data.")] = 42,
    kind: Annotated[
        Literal["retail", "subscription"], typer.Option(help="retail or subscription.")
    ] = "retail",
) -> None:
    """Simulate customers whose churn follows the mechanisms of DOMAIN.md, with known truth."""
    from features.simulate import simulate_to_dir

    started = time.perf_counter()
    with progress.bar(f"simulating {customers:,} {kind} customers", total=months) as advance:
        config_path = simulate_to_dir(
            out,
            customers=customers,
            months=months,
            seed=seed,
            kind=kind,
            progress=lambda done, total: advance(done),
        )
    make_console().print(f"wrote {config_path} in {time.perf_counter() - started:.1f}s")


@app.command()
@user_errors
def validate(config: ConfigOption) -> None:
    """Check every configured table and print a summary; exit 2 on errors."""
    from features.contract import load_config
    from features.report import render_report
    from features.sources import Issue
    from features.sources import validate as validate_tables
    from training.protocol import plan_shortfall

    run = load_config(config)
    tables, report = validate_tables(run, label_optional=True)  # what `churn score` reads
    if tables is not None and (said := _never_unmatched(run, tables)) is not None:
        report.issues.append(Issue("warning", "config", config, None, 0, said))
    if tables is not None and not report.errors and (stop := plan_shortfall(tables, run)):
        said = f"`churn train` would stop here: {stop}"
        report.issues.append(Issue("warning", "config", config, None, 0, said))
    render_report(report, make_console())
    if report.errors:
        raise typer.Exit(USER_ERROR_EXIT)


@app.command()
@user_errors
def features(
    config: ConfigOption,
    out: Annotated[Path, typer.Option(help="Parquet file to write.")],
    cutoffs: Annotated[
        list[str] | None,
        typer.Option(
            help="Cutoff dates (YYYY-MM-DD), comma-separated or repeated; default: the "
            "data's last day (a labelled snapshot's one cutoff, its extract date)."
        ),
    ] = None,
    labels: Annotated[bool, typer.Option(help="Add eligible / churned / observed.")] = True,
    train_cutoffs: Annotated[
        list[str] | None,
        typer.Option(help="Cutoffs to fit learned features (wallet, BG/NBD) on; default: all."),
    ] = None,
) -> None:
    """Build features as of each cutoff and write them (one row per customer and cutoff),
    as training builds them: without `cutoff_month` where the cutoffs fitted on do not
    hold each month in enough years to learn a season."""
    from features.bgnbd import complete_bgnbd
    from features.build import build
    from features.contract import load_config
    from features.labels import label_churn
    from features.sources import DataError, load_tables
    from features.tables import after_data_end, before_data_start
    from features.wallet import complete_wallet
    from serving.batch import resolve_cutoff
    from training.dataset import season_when_seen

    run = load_config(config)
    snapshot = _snapshot(run)
    given = sorted(set(parse_dates(cutoffs))) if cutoffs else None
    # as the frame's cutoffs are: dates matched none, and the wallet was fitted on nothing
    fit_on = [pd.Timestamp(d) for d in parse_dates(train_cutoffs)] if train_cutoffs else None
    tables = load_tables(run)
    own = resolve_cutoff(tables, None, snapshot=snapshot).date() if snapshot or not given else None
    cutoff_list = given or [own]
    if snapshot and cutoff_list != [own]:  # labels of after the extract beside other days
        asked = ", ".join(str(c) for c in cutoff_list)
        raise DataError(
            f"a labelled snapshot is read at its extract date ({own}), not {asked}: its "
            "labels say who left after it; leave out --cutoffs"
        )
    asked = [pd.Timestamp(c) for c in cutoff_list]
    if (why := after_data_end(tables, asked) or before_data_start(tables, asked)) is not None:
        raise DataError(why)  # before anything is written
    with progress.bar("building features", total=len(cutoff_list)) as advance:
        built = build(tables, cutoffs=cutoff_list, on_cutoff=lambda _: advance(1, relative=True))
    built = season_when_seen(built, fit_on or asked)
    built, _ = complete_wallet(built, train_cutoffs=fit_on)
    built, _ = complete_bgnbd(built, horizon_days=run.churn.horizon_days, train_cutoffs=fit_on)
    frame = built.frame
    if labels:
        found = label_churn(tables, run.churn, cutoffs=cutoff_list, context=built.context)
        # a label whose window the data do not reach yet is unknown, not "churned"
        found["churned"] = found["churned"].astype("boolean").mask(~found["observed"])
        frame = frame.merge(found, on=["customer_id", "cutoff"], how="left", validate="1:1")
    atomic_parquet(frame, out)
    console = make_console()
    summary.print_features(console, built, frame)
    console.print(f"wrote {len(frame):,} rows × {len(built.specs)} features to {out}")


@app.command()
@user_errors
def describe(config: ConfigOption) -> None:
    """List the features this data set yields: name, mechanism, reason template."""
    from features.contract import load_config
    from features.sources import load_tables

    run = load_config(config)
    tables = load_tables(run)
    console = make_console()
    summary.print_specs(console, _declared_specs(tables, run))
    if (said := _never_unmatched(run, tables)) is not None:
        console.print(tagged("warning", f"{config}: {said}"))


def _snapshot(run: RunConfig) -> bool:
    return run.churn.definition == "label_column"


def _declared_specs(tables: Tables, run: RunConfig) -> list[FeatureSpec]:
    """The features these tables yield, the fitted ones (wallet, BG/NBD) included; a
    labelled snapshot's without `cutoff_month`, which its one cutoff makes the same for
    every customer and training leaves out (`training.dataset.season_when_seen`), where
    describe had listed it as the purchase cycle's season."""
    from features.activity import day_of
    from features.build import declared_features
    from features.context import prepare
    from features.lifecycle import SEASON_SPEC
    from training.dataset import with_fitted_features

    end = tables.observed_until or pd.Timestamp.today()
    declared = declared_features(prepare(tables, last_cutoff_day=day_of(end)))
    if _snapshot(run):
        declared = [spec for spec in declared if spec.name != SEASON_SPEC.name]
    attributes = bool(tables.attributes)
    return with_fitted_features(
        declared, horizon_days=run.churn.horizon_days, attributes=attributes
    )


def _never_unmatched(run: RunConfig, tables: Tables) -> str | None:
    """What `reasons.never` names that is no feature (a typo leaves the attribute in
    every reason list: `never: [Var1260]` passed silently), or None. The features are
    declared only when a name is no attribute."""
    from features.sources import unmatched

    if set(run.reasons.never) <= set(tables.attributes):
        return None
    features = {spec.name for spec in _declared_specs(tables, run)}
    said = unmatched(
        "reasons.never", run.reasons.never, features, tables.unread_columns, noun="feature"
    )
    return None if said is None else f"{said}: those reasons are still shown"


@app.command()
@user_errors
def train(
    config: ConfigOption,
    tune: Annotated[
        bool, typer.Option(help="First search XGBoost parameters on the training cutoffs.")
    ] = False,
) -> None:
    """Train, calibrate and test a model (out of time on dated activity; a labelled
    snapshot on a stratified holdout); log it as one MLflow run."""
    from training.promote import behind_champion, compared, train_advice
    from training.report import print_report
    from training.train import train_and_log

    started = time.perf_counter()
    with make_console().status("training (features, XGBoost, calibration, baselines)..."):
        trained = train_and_log(config, tune=tune)
    console = make_console()
    print_report(console, trained.report)
    logged = f"logged run {trained.run_id} in {time.perf_counter() - started:.0f}s"
    promote = f"churn promote --config {config} --run {trained.run_id}"
    with console.status("comparing with the champion as the promotion gate will..."):
        advice = train_advice(
            trained.report, trained.model.config, model=trained.model, tables=trained.tables
        )
    refusals = advice.refusals
    if advice.decision is not None and advice.decision.champion is not None:
        console.print(f"gate's comparison: {compared(advice.decision)}", style="dim", markup=False)
    if not refusals:
        if (behind := behind_champion(advice.decision)) is not None:
            console.print(tagged("note", behind))
        console.print(f"{logged}; promote it with: {promote}", markup=False)
        return
    console.print(
        f"{logged}; the promotion gate will refuse it: {'; '.join(refusals)}. Promote it "
        f"anyway with: {promote} --force",
        markup=False,
    )


@app.command()
@user_errors
def evaluate(
    config: ConfigOption,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the report as JSON here.")
    ] = None,
) -> None:
    """Train and test per the config's `evaluation:` block; print model vs baselines."""
    from features.contract import load_config
    from features.sources import load_tables
    from training.protocol import run_protocol
    from training.report import build_report, print_report

    run = load_config(config)
    tables = load_tables(run)
    with make_console().status(f"evaluating ({run.evaluation.split})..."):
        report = build_report(run_protocol(tables, run), tables, run)
    print_report(make_console(), report)
    if run.churn.definition == "label_column" and run.evaluation.split == "out_of_time":
        make_console().print(
            tagged(
                "note",
                "a labelled snapshot has no time to test along: this is train's own "
                "stratified holdout again; evaluation: {split: customer_cv} tests over "
                f"{run.evaluation.folds} folds of the customers instead",
            )
        )
    if json_path is not None:
        atomic_text(json.dumps(report, indent=2), json_path)
        make_console().print(f"wrote {json_path}")


@app.command()
@user_errors
def promote(
    config: ConfigOption,
    run: Annotated[str | None, typer.Option(help="The MLflow run id to promote.")] = None,
    latest: Annotated[bool, typer.Option(help="Promote the latest finished run.")] = False,
    force: Annotated[bool, typer.Option(help="Promote even if the gate refuses.")] = False,
) -> None:
    """Register a run's model and make it `champion` if it passes the gate."""
    from features.contract import load_config
    from features.sources import load_tables
    from training.promote import compared
    from training.promote import promote as promote_run

    if (run is None) == (not latest):
        raise typer.BadParameter("give exactly one of --run RUN_ID or --latest")
    if run is not None and not run.strip():  # an unset shell variable: never the latest
        raise typer.BadParameter("--run is empty: give a run id, or --latest")
    run_config = load_config(config)
    result = promote_run(
        run_config, lambda: load_tables(run_config, warnings="counted"), run_id=run, force=force
    )
    console = make_console()
    console.print(compared(result.decision), style="dim", markup=False)
    if result.decision.set_aside:
        console.print(tagged("gate", result.decision.set_aside))
    for note in result.notes:
        console.print(tagged("note", note))
    for reason in result.decision.reasons:
        console.print(tagged("gate", reason))
    if result.version is None:
        console.print(
            tagged(
                "refused",
                f"run {result.run_id} stays unpromoted (--force promotes it anyway)",
                style="bold red",
            )
        )
        raise typer.Exit(1)
    forced = (
        (" (forced past the gate)" if result.decision.reasons else " (forced: not compared)")
        if result.forced
        else ""
    )
    console.print(
        f"{run_config.model_name} version {result.version} is now champion{forced}"
        + (f"; version {result.previous} is challenger" if result.previous else "")
    )


@app.command()
@user_errors
def score(
    config: ConfigOption,
    cutoff: Annotated[
        str | None,
        typer.Option(
            help="Score as of this date (YYYY-MM-DD); default: the data's last day "
            "(data.as_of when set)."
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace the batch of the same model version and cutoff even when this "
            "data holds under half of its customers (another extract, not a rerun).",
        ),
    ] = False,
) -> None:
    """Score active customers with the champion model into the score store."""
    from sqlalchemy.engine import make_url

    from features.contract import load_config
    from serving import left_out
    from serving.batch import (
        beyond_training,
        beyond_training_notes,
        filled_at_median,
        filled_note,
        prepare,
        read_as_probability,
        unseen_levels,
    )
    from serving.ranking import buried_note, unvalued_note
    from serving.settings import Settings

    run = load_config(config)
    when = parse_dates([cutoff])[0] if cutoff else None
    job = prepare(run, cutoff=when, settings=Settings(), replace=replace)
    with progress.bar(f"scoring {job.rows:,} customers", total=job.rows) as advance:
        result = job.run(on_chunk=lambda rows: advance(rows, relative=True))
    console = make_console()
    store_url = make_url(job.database_url).render_as_string(hide_password=True)
    console.print(
        f"scored {result.rows:,} customers as of {result.cutoff} with "
        f"{job.champion.name} version {result.model_version}; batch {result.batch_id} in "
        f"{store_url}\n"
        f"scoring, reasons and store write: {result.seconds:.1f}s "
        f"({result.per_second:,.0f} customers/s)"
    )
    if result.replaced is not None:
        console.print(replaced_note(result.replaced, result), highlight=False)
    if result.row_number_ids:
        console.print(tagged("note", ROW_NUMBER_IDS_NOTE))
    moved = result.movement
    if moved is not None:
        console.print(
            f"since {moved.previous_cutoff}: {moved.risen:,} customers' churn probability rose "
            f"by {moved.points * 100:.0f} points or more, {moved.fallen:,} fell as much; "
            f"{moved.new:,} new (`churn worklist --sort probability_change` lists the risers)"
            + (
                f"; the previous batch was scored by version {moved.previous_version}, so part "
                "of the movement is the model's"
                if moved.previous_version
                else ""
            )
        )
    if job.rate_note is not None:
        console.print(tagged("note", job.rate_note))
    if job.trained_note is not None:
        console.print(tagged("note", job.trained_note))
    if job.words_note is not None:
        console.print(tagged("note", job.words_note))
    if job.categories_note is not None:
        console.print(tagged("note", job.categories_note))
    if result.unlabelled is not None:
        console.print(tagged("note", result.unlabelled.note()))
    if (unvalued := unvalued_note(result.unvalued, result.rows)) is not None:
        console.print(tagged("note", unvalued))
    if (buried := buried_note(result.first_listed)) is not None:
        console.print(tagged("note", buried))
    if len(job.left_out):
        why = left_out.summary(job.left_out, run)
        n = len(job.left_out)
        console.print(f"{n:,} customer{'' if n == 1 else 's'} not scored: {why}", markup=False)
    if job.cutoff_note is not None:
        console.print(tagged("note", job.cutoff_note))
    shown = result.shown
    if shown is not None and shown["id"] != result.batch_id:
        console.print(
            tagged(
                "note",
                f"the worklist and the API show batch {shown['id']} (as of "
                f"{shown['cutoff']}): readers see the latest cutoff, and this batch's is earlier "
                "(`churn batches` lists them; `churn batches --remove ID` drops a wrong one)",
            )
        )
    kept_out = job.champion.model.config.reasons.never
    if set(run.reasons.never) != set(kept_out):
        console.print(
            tagged(
                "note",
                f"reasons.never here ({', '.join(run.reasons.never) or 'none'}) "
                f"is not the champion's ({', '.join(kept_out) or 'none'}): reasons follow the "
                "model's, the same in this batch and the API; train and promote a model with "
                "this config to change them",
            )
        )
    model = job.champion.model
    for unseen in unseen_levels(model.layout.levels, job.features, derived=model.derived_features):
        console.print(tagged("note", unseen_note(unseen, model.layout)))
    probabilities = read_as_probability(model.specs)
    pasts = beyond_training(model.info, job.features, probabilities=probabilities)
    for said in beyond_training_notes(pasts):
        console.print(tagged("note", said))
    for filled in filled_at_median(model.median_fills, job.features):
        said = filled_note(filled, f"{filled.customers:,} customers")
        console.print(tagged("note", said))
    for caveat in _model_caveats(job):  # last: what holds for every batch it scores
        console.print(tagged("model caveat", caveat))


def _model_caveats(job: Job) -> list[str]:
    """The champion's caveats `churn score` says, less the training's reading of a
    snapshot as of today where the batch's own note (`TODAY_NOTE`) said it just above."""
    from serving.batch import TODAY_NOTE
    from training.report import snapshot_today_note

    notes = job.champion.caveats.notes
    if job.cutoff_note != TODAY_NOTE:
        return list(notes)
    said = snapshot_today_note(job.champion.model.info["test_cutoffs"][0])
    return [note for note in notes if note != said]


ROW_NUMBER_IDS_NOTE = (
    "the customer ids are row numbers (the file has no id column): this batch is compared "
    "with no other, earlier or later, as the same row of two extracts is no one customer; map "
    "customer_id to follow customers from batch to batch"
)


def replaced_note(old: Replaced, result: BatchResult) -> str:
    """The batch this one replaced (same model version and cutoff): a rerun by design,
    but another extract scored at the same cutoff takes the place of the first too (past
    `--replace` when it holds fewer than half of the first's customers, or, numbered by
    row, another count of them: `prepare` refuses otherwise), and then the rest are no
    longer shown."""
    said = f"replaced batch {old.batch_id} ({old.rows:,} customers, same model version and cutoff)"
    if not old.loses_most(rows=result.rows, row_number_ids=result.row_number_ids):
        return said
    how_many = (  # row numbers are no identity: only the counts tell
        f"this batch holds {result.rows:,}, another file's rows (its row 5 another customer)"
        if result.row_number_ids
        else f"only {old.shared:,} of its customers are in this batch"
    )
    return (
        f"[yellow]{said}: {how_many}[/], so the worklist and the API no longer show the "
        "others; score every population in one extract to keep them together"
    )


def unseen_note(unseen: UnseenLevels, layout: FeatureLayout) -> str:
    """Customers holding a level the model does not know. Only a level never in training
    blames the extract: a column of more than `MAX_LEVELS` levels lost its rare ones,
    and scoring the training file itself said 6,843 customers' surnames were never
    trained on."""
    from features.levels import MAX_LEVELS

    said = f"{unseen.customers:,} customers hold a level of {unseen.feature} "
    examples = ", ".join(map(repr, unseen.examples))
    if unseen.derived:
        return (
            f"{said}the model never trained on ({examples}): scored as unknown, as a blank; "
            "the features derive it, and no training cutoff held a customer in it (too "
            "little history before them): a model trained on later cutoffs learns it"
        )
    rare = layout.too_rare_to_keep(unseen.feature)
    if rare == 0:
        return (
            f"{said}the model never trained on ({examples}): scored as unknown, as a blank; "
            "check the extract writes its levels as training's did"
        )
    rare_ones = f"one of the {rare:,} levels" if rare else "a level"
    return (
        f"{said}the model does not know ({examples}): new, or {rare_ones} too rare in "
        f"training to keep (a model keeps a column's {MAX_LEVELS} most frequent); scored "
        "as unknown, as a blank"
    )


WORKLIST_ON_SCREEN = 200
WORKLIST_MOST = 10_000_000
"""`churn worklist --out` writes every customer up to this (a store holds fewer)."""


@app.command()
@user_errors
def worklist(
    band: Annotated[str | None, typer.Option(help="low, medium or high.")] = None,
    tier: Annotated[
        str | None,
        typer.Option(help="most_valuable, most_growable, below_zero or standard."),
    ] = None,
    segment: Annotated[
        list[str] | None,
        typer.Option(
            help="Only customers of this segment, as name=value (name= for a blank); "
            "repeated, of every one."
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            help="value_at_risk, probability, or probability_change (risen most since "
            "the previous batch first)."
        ),
    ] = "value_at_risk",
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=WORKLIST_MOST,
            help="How many customers (default: 200 on screen, every one with --out).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write a CSV here (else print a table).")] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="The run config: its model's latest batch (default: the store's latest).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The customers to call first, with their reasons, from the latest `churn score`
    batch (the store in CHURN_DATABASE_URL): as GET /v1/customers, one row each; a
    caution above them when the model that scored it orders customers weakly."""
    from features.contract import load_config
    from serving import store
    from serving.queries import NoScoresError, WorklistQuery, segment_pair, worklist_page
    from serving.settings import Settings
    from serving.worklist_file import BANDS, SORTS, TIERS, worklist_frame

    _one_of("--band", band, BANDS)
    _one_of("--tier", tier, TIERS)
    _one_of("--sort", sort, SORTS)
    pairs = tuple(segment_pair(text) for text in segment or ())
    if None in pairs:
        raise typer.BadParameter(
            "give name=value or name:value, e.g. region=north", param_hint="--segment"
        )
    model_name = load_config(config).model_name if config is not None else None
    if limit is None:  # a CRM import wants the whole list; a screen, its top
        limit = WORKLIST_ON_SCREEN if out is None else WORKLIST_MOST
    engine = store.connect(Settings().database_url)
    try:
        query = WorklistQuery(
            band=band, tier=tier, segments=pairs, sort=sort, limit=limit, model_name=model_name
        )
        try:
            page = worklist_page(engine, query)
        except NoScoresError as error:  # a store beside another folder's: say which
            where = engine.url.render_as_string(hide_password=True)
            raise NoScoresError(f"{error} (the score store read: {where})") from None
        frame = worklist_frame(page.items)
        notes = page.notes
        if frame.empty:  # why it is empty (the first note) is the answer, where the list was
            make_console().print(notes[0], markup=False)
            notes = notes[1:]
        for note in notes:
            make_console(stderr=out is not None).print(tagged("note", note))
        if not frame.empty and sort == "probability_change" and "probability_change" not in frame:
            make_console(stderr=True).print(
                "note: this batch was compared with no earlier one (its model has none, or "
                "its ids are row numbers), so no change is known: listed by probability"
            )
    finally:
        engine.dispose()
    if page.caution and not frame.empty:
        make_console(stderr=out is not None).print(tagged("caution", "; ".join(page.caution)))
    if out is None:
        if not frame.empty:
            summary.print_worklist(frame, bands=page.bands)
        return
    atomic_text(frame.to_csv(index=False), out)
    capped = " (the first --limit of the list; raise it for more)" if len(frame) == limit else ""
    make_console().print(f"wrote {len(frame):,} customers to {out}{capped}")


@app.command()
@user_errors
def batches(
    remove: Annotated[
        int | None,
        typer.Option(
            "--remove",
            help="Delete this batch and its scores (e.g. one scored at a wrong, later cutoff, "
            "which the API would show over newer batches).",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="The run config: its model's batches only.", show_default=False
        ),
    ] = None,
) -> None:
    """The score batches in the store (CHURN_DATABASE_URL), the one the API and the
    worklist show first; with --remove, delete one."""
    from features.contract import load_config
    from serving import store
    from serving.settings import Settings

    model_name = load_config(config).model_name if config is not None else None
    engine = store.connect(Settings().database_url)
    try:
        if remove is not None:
            gone = store.remove_batch(engine, remove)
            make_console().print(
                f"removed batch {gone['id']} ({gone['model_name']} version "
                f"{gone['model_version']}, as of {gone['cutoff']}, {gone['rows']:,} "
                f"customer{'' if gone['rows'] == 1 else 's'})"
            )
        listed = store.list_batches(engine, model_name=model_name)
    finally:
        engine.dispose()
    summary.print_batches(listed)


def _one_of(option: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint=option)


@app.command()
@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Serve this run config's model (else CHURN_MODEL_NAME)."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="HTTP processes (one per core for throughput); with more than one, they "
            "share one scoring process that scores their live requests together.",
        ),
    ] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            help="Log a line per request (off by default, as in gunicorn: /metrics counts "
            "requests by route and status)."
        ),
    ] = False,
) -> None:
    """Serve the HTTP API (settings from the environment / .env; see .env.example)."""
    import os

    from serving import server
    from serving.settings import Settings

    if config is not None:
        from features.contract import load_config

        os.environ["CHURN_MODEL_NAME"] = load_config(config).model_name
    elif not Settings().model_name:  # a server that could never load a model
        raise typer.BadParameter(
            "no model to serve: give the run config (--config churn.yaml) or set "
            "CHURN_MODEL_NAME (in the environment or .env)",
            param_hint="--config",
        )
    server.run(host=host, port=port, workers=workers, access_log=access_log)


def parse_dates(values: list[str]) -> list[dt.date]:
    """'2024-01-31,2024-02-29' and repeated options -> dates; a bad one is a user error."""
    dates = []
    for item in (part.strip() for value in values for part in value.split(",")):
        if not item:
            continue
        try:
            dates.append(dt.date.fromisoformat(item))
        except ValueError:
            raise typer.BadParameter(f"'{item}' is not a date like 2024-06-30") from None
    if not dates:
        raise typer.BadParameter("give at least one date like 2024-06-30")
    return dates


if __name__ == "__main__":  # pragma: no cover - `python -m churn.cli`
    app()
