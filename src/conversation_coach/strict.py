"""The one pydantic base for the file formats: a misspelt field is an error, never silently dropped."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A model that forbids unknown fields."""

    model_config = ConfigDict(extra="forbid")
