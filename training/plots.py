"""Diagnostic plots logged with every run (PNG files). Figures are closed after saving;
no backend is forced, so notebooks keep theirs and headless runs fall back to Agg."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def calibration_curve(y: np.ndarray, scores: dict[str, np.ndarray], path: Path) -> Path:
    """Observed churn rate per decile of predicted probability, for each contender."""
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect")
    for name, p in scores.items():
        bins = pd.qcut(p, 10, duplicates="drop")
        grouped = pd.DataFrame({"p": p, "y": y}).groupby(bins, observed=True).mean()
        ax.plot(grouped["p"], grouped["y"], marker="o", label=name)
    ax.set(xlabel="predicted churn probability", ylabel="observed churn rate", title="Calibration")
    ax.legend()
    return _save(fig, path)


def gains_chart(y: np.ndarray, scores: dict[str, np.ndarray], path: Path) -> Path:
    """Share of all churners caught when contacting the top x% by score."""
    fig, ax = plt.subplots(figsize=(5, 5))
    x = np.arange(1, len(y) + 1) / len(y)
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="random")
    for name, p in scores.items():
        caught = np.cumsum(y[np.argsort(-p, kind="stable")]) / max(y.sum(), 1)
        ax.plot(x, caught, label=name)
    ax.set(xlabel="share of customers contacted", ylabel="share of churners caught", title="Gains")
    ax.legend()
    return _save(fig, path)


def score_distribution(y: np.ndarray, p: np.ndarray, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 4))
    bins = np.linspace(0, 1, 41)
    ax.hist(p[y == 0], bins=bins, alpha=0.6, label="stayed", density=True)
    ax.hist(p[y == 1], bins=bins, alpha=0.6, label="churned", density=True)
    ax.set(xlabel="predicted churn probability", ylabel="density", title="Scores by outcome")
    ax.legend()
    return _save(fig, path)


def feature_importance(importance: dict[str, float], path: Path, *, top: int = 25) -> Path:
    ranked = sorted(importance.items(), key=lambda kv: kv[1])[-top:]
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(ranked) + 1))
    ax.barh([k for k, _ in ranked], [v for _, v in ranked])
    ax.set(xlabel="total gain", title="Feature importance (XGBoost gain)")
    return _save(fig, path)


def shap_summary(contributions: np.ndarray, matrix: pd.DataFrame, path: Path) -> Path:
    """SHAP beeswarm of the booster's margin contributions (bias column dropped), without
    features unknown in every row shown (a year's spend on four months of data): no value
    to colour them by."""
    import shap

    values = matrix.apply(lambda c: c.cat.codes.where(c.notna()) if c.dtype == "category" else c)
    known = values.notna().any().to_numpy()
    shap.summary_plot(
        contributions[:, :-1][:, known], values.loc[:, known], show=False, max_display=20
    )
    fig = plt.gcf()
    fig.set_size_inches(8, 8)
    return _save(fig, path)


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
