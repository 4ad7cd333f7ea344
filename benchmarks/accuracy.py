"""Extraction accuracy on a corpus of annotated narratives.

Usage: python benchmarks/accuracy.py CORPUS_DIR [--out PRED_DIR]

Runs ``caserecord.extract`` on every ``NAME.txt`` of CORPUS_DIR (the
``shared/corpus`` layout: a header of ``key: value`` lines ending at a line
``---``, then the narrative), writes each prediction as ``PRED_DIR/NAME.json``
in the flat gold format of ``shared/corpus/FORMAT.md``, and prints the
scores of ``shared/eval/score.py`` when that scorer is present.

The mapping from CaseRecord to the gold format lives here, not in the
library: it is the benchmark's convention, not an API.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from caserecord import CaseRecord, extract
from caserecord.outcomes.acuity import AcuityNotation, VisualAcuity
from caserecord.timeline import CaseTime, Phase, TimeUnit

SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"


def narrative_of(raw: str) -> str:
    """The narrative after the corpus header (the whole text when there is none)."""
    head, sep, body = raw.partition("\n---\n")
    return body if sep and all(":" in line for line in head.splitlines() if line) else raw


def time_json(time: CaseTime | None) -> Any:
    if time is None:
        return None
    if time.value is not None and time.unit is not None:
        out: dict[str, Any] = {"value": time.value, "unit": time.unit.value}
        if time.unit is TimeUnit.HOUR:  # the gold format counts in days at the finest
            out = {"value": time.value / 24, "unit": "day"}
        if time.date is not None:
            out["absolute"] = time.date.isoformat()
        return out
    return (
        {
            Phase.BASELINE: "baseline",
            Phase.DISCHARGE: "discharge",
            Phase.FOLLOW_UP: "followup",
        }.get(time.phase)
        if time.phase
        else None
    )


def acuity_json(acuity: VisualAcuity) -> dict[str, Any]:
    notation = acuity.notation
    if notation is AcuityNotation.QUALITATIVE:
        out: dict[str, Any] = {"value": acuity.level.value if acuity.level else str(acuity)}
        if acuity.distance:
            out["distance"] = acuity.distance
        return out
    if notation in (AcuityNotation.SNELLEN_FT, AcuityNotation.SNELLEN_M):
        return {"value": str(acuity), "notation": notation.value}
    return {"value": acuity.value, "notation": notation.value}


def measurement_json(m: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "measure": m.measure,
        "eye": m.eye.value if m.eye else None,
        "time": time_json(m.time),
    }
    if m.subject:
        out["subject"] = m.subject
    words = m.status or m.change
    word = words.value if words else None
    if m.kind == "visual_acuity":
        if m.acuity is not None:
            out.update(acuity_json(m.acuity))
        else:
            out["value"] = word
        return out
    quantity = m.measured_quantity()
    if quantity is not None:
        unit = {"um": "um", "min": "minute", "h": "hour", "s": "second", "deg": "degree"}.get(
            quantity.unit, quantity.unit
        )
        out.update(value=quantity.value, unit=unit)
    elif getattr(m, "grade", None):
        out["value"] = m.grade
    else:
        out["value"] = word
    return out


def to_gold(record: CaseRecord, name: str) -> dict[str, Any]:
    p = record.patient
    return {
        "id": name,
        "patient": {
            "sex": p.sex.value if p.sex else None,
            "age": {"value": p.age.value, "unit": p.age.unit.value} if p.age else None,
            "occupation": p.occupation,
        },
        "conditions": [
            {
                "name": c.name,
                "laterality": c.laterality.value if c.laterality else None,
                "cause": c.cause,
                "onset": time_json(c.onset),
            }
            for c in record.conditions
        ],
        "prior_treatments": [t.name for t in record.prior_treatments],
        "interventions": [
            {
                "name": i.name,
                "cell_type": i.cell_type,
                "cell_source": i.cell_source,
                "route": i.route,
                "laterality": i.laterality.value if i.laterality else None,
                "count": i.sessions,
                "dose": (i.dose.text or str(i.dose)) if i.dose else None,
            }
            for i in record.interventions
        ],
        "adverse_events": [
            {
                "description": a.description,
                "severity": a.severity.value if a.severity else None,
                "time": time_json(a.onset),
            }
            for a in record.adverse_events
        ],
        "measurements": [measurement_json(m) for m in record.measurements],
        "negated": [f.description for f in record.absent_findings],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of NAME.txt (+ NAME.gold.json)")
    parser.add_argument("--out", type=Path, help="where to write NAME.json predictions")
    args = parser.parse_args(argv)
    texts = sorted(args.corpus.glob("*.txt"))
    if not texts:
        print(f"no *.txt narratives in {args.corpus}", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="caserecord-pred-"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    notes = 0
    for path in texts:
        record = extract(narrative_of(path.read_text(encoding="utf-8")), id=path.stem)
        notes += len(record.report.notes) if record.report else 0
        (out / f"{path.stem}.json").write_text(json.dumps(to_gold(record, path.stem), indent=1))
    elapsed = time.perf_counter() - started
    print(
        f"extracted {len(texts)} narratives in {elapsed:.2f} s into {out} ({notes} report notes)"
    )
    if SCORER.exists() and any(args.corpus.glob("*.gold.json")):
        result = subprocess.run(
            [sys.executable, str(SCORER), str(args.corpus), str(out), "--verbose"],
            capture_output=True,
            text=True,
            check=False,
        )
        print(result.stdout, end="")
        if result.returncode:
            print(result.stderr, file=sys.stderr, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
