"""Loading the extraction vocabularies shipped as package data.

Each file is JSON, read once and checked on load: a malformed rule file is
a packaging bug and fails loudly with the file name, not later with a
confusing KeyError inside a rule.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load_json"]


@cache
def load_json(name: str) -> Any:
    path = resources.files("caserecord.extraction") / "data" / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:  # pragma: no cover - packaging bug
        raise RuntimeError(f"caserecord rule file data/{name} is unreadable: {exc}") from exc
    if not isinstance(data, dict):
        raise RuntimeError(f"caserecord rule file data/{name} must hold a JSON object")
    return data
