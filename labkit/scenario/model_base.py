"""Building blocks shared by the scenario models (kept apart so the network model can use them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

IDENTIFIER = r"^[a-z][a-z0-9_]*$"

LocalizedText = str | dict[str, str]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
