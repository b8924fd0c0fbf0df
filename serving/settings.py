"""Deployment settings for serving, read from the environment when asked (never at import).

- `CHURN_DATABASE_URL`: the score store; default a SQLite file `data/scores.db` beside the
  MLflow store's folder (the project's root), found as the registry is: a `churn score`
  run from a subfolder wrote a store of its own there, which the server never read.
- `MLFLOW_TRACKING_URI`: where the registry lives; default the project's SQLite store
  `mlflow/mlflow.db`, found by `churn.locations` exactly as training finds it.
- `CHURN_MODEL_NAME`: the registered model the API serves (its `champion` alias).
- `CHURN_RELOAD_SECONDS`: how often the API checks whether `champion` moved (default 30).
- `CHURN_API_KEY`: when set (one key or a comma-separated list), every `/v1` route needs
  one of them in `X-API-Key` or `Authorization: Bearer`; unset, the API is open.

`CHURN_SCORING_SOCKET` is not for users: `churn serve --workers N` sets it for its
workers (the shared scoring process's socket).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from churn.locations import default_tracking_uri, mlflow_dir

DEFAULT_SCORES = Path("data") / "scores.db"


def default_database_url() -> str:
    return f"sqlite:///{mlflow_dir().parent / DEFAULT_SCORES}"


class Settings(BaseSettings):
    """Where the model registry and the score store are."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore", env_file=".env")

    database_url: str = Field(default_factory=default_database_url, alias="CHURN_DATABASE_URL")
    tracking_uri: str = Field(default_factory=default_tracking_uri, alias="MLFLOW_TRACKING_URI")
    model_name: str | None = Field(default=None, alias="CHURN_MODEL_NAME")
    reload_seconds: float = Field(default=30.0, gt=0, alias="CHURN_RELOAD_SECONDS")
    api_key: str | None = Field(default=None, alias="CHURN_API_KEY", repr=False)
    scoring_socket: str | None = Field(default=None, alias="CHURN_SCORING_SOCKET")
    """Set by `churn serve --workers N` for its workers: the shared scoring process."""

    @property
    def api_keys(self) -> list[str]:
        """The accepted keys; empty means auth is off."""
        return [key.strip() for key in (self.api_key or "").split(",") if key.strip()]
