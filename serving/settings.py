"""Deployment settings for serving, read from the environment when asked (never at import).

- `CHURN_DATABASE_URL`: the score store; default a SQLite file `data/scores.db` under the
  working directory.
- `MLFLOW_TRACKING_URI`: where the registry lives; default the project's SQLite store
  `mlflow/mlflow.db`, found the same way training finds it (the nearest `mlflow/` folder
  holding its README at or above the working directory). The logic is copied, not
  imported: serving never imports `training`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MLFLOW_DIR = Path("mlflow")
DEFAULT_SCORES = Path("data") / "scores.db"


def default_tracking_uri() -> str:
    """The project's local MLflow store, shared with `churn train` and the notebooks."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / MLFLOW_DIR / "README.md").is_file():
            return f"sqlite:///{folder / MLFLOW_DIR / 'mlflow.db'}"
    return f"sqlite:///{here / MLFLOW_DIR / 'mlflow.db'}"


def default_database_url() -> str:
    return f"sqlite:///{Path.cwd().resolve() / DEFAULT_SCORES}"


class Settings(BaseSettings):
    """Where the model registry and the score store are."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore")

    database_url: str = Field(default_factory=default_database_url, alias="CHURN_DATABASE_URL")
    tracking_uri: str = Field(default_factory=default_tracking_uri, alias="MLFLOW_TRACKING_URI")
