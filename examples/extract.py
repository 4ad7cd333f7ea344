"""Extract a case record from a narrative and pretty-print it with its evidence.

Run:  python examples/extract.py [NARRATIVE.txt ...]

Without arguments it reads examples/narratives/zhang.txt, a case story
written for this project.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

import caserecord

HERE = Path(__file__).resolve().parent


def main(paths: list[str]) -> int:
    console = Console()
    for path in [Path(p) for p in paths] or [HERE / "narratives" / "zhang.txt"]:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            console.print(f"[red]cannot read {path}: {exc}[/red]")
            return 1
        record = caserecord.extract(text, id=path.stem)
        console.print(record)
        console.print(record.evidence_view())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
