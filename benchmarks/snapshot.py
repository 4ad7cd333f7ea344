"""Extraction output before and after a change: does a refactoring change behaviour?

Usage: python benchmarks/snapshot.py write FILE [--mutations 400]
       python benchmarks/snapshot.py compare FILE [--show 5]

``write`` runs ``caserecord.extract`` on a fixed set of inputs and stores
each record as JSON (report included) in FILE, one JSON line per input.
``compare`` runs them again and lists every input whose record differs,
with a unified diff of the first ``--show`` of them.  Use it around speed
work: a rewrite meant to be faster must give the same records.

The inputs, all rebuilt deterministically:

- the project's example narratives and ``benchmarks/heldout/*.txt``;
- the corpus narratives (``../shared/corpus/dev``) when that folder exists;
- ``--mutations`` seeded mutations of those and of the test narratives
  (``tests/fuzz_strategies.py``: sentences dropped, shuffled, merged,
  numbers changed, unicode noise, ...), which reach rule paths the clean
  narratives do not.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def inputs(mutations: int) -> list[tuple[str, str]]:
    """(name, text) of every input, in a fixed order."""
    from accuracy import narrative_of

    from fuzz_strategies import RandomChooser, mutate, paragraphs_of

    found: list[tuple[str, str]] = []
    folders = [ROOT / "examples" / "narratives", ROOT / "benchmarks" / "heldout", CORPUS]
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.txt")):
                text = narrative_of(path.read_text(encoding="utf-8"))
                found.append((f"{folder.name}/{path.name}", text))
    bases = [paragraphs_of(text) for _, text in found]
    for index in range(mutations):
        choose = RandomChooser(random.Random(f"snapshot:{index}"))
        base = bases[choose.integer(0, len(bases) - 1)] if index % 2 and bases else None
        found.append((f"mutation/{index}", mutate(choose, base=base, max_mutations=4)))
    return found


def run(items: list[tuple[str, str]]) -> tuple[dict[str, str], float]:
    from caserecord import extract

    out: dict[str, str] = {}
    started = time.perf_counter()
    for name, text in items:
        out[name] = extract(text).model_dump_json(indent=1)
    return out, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["write", "compare"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--mutations", type=int, default=400)
    parser.add_argument("--show", type=int, default=5, help="diffs to print")
    args = parser.parse_args(argv)
    if args.action == "write":
        items = inputs(args.mutations)
        records, seconds = run(items)
        with args.file.open("w", encoding="utf-8") as out:
            json.dump({"mutations": args.mutations}, out)
            out.write("\n")
            for name, text in items:
                out.write(json.dumps({"name": name, "text": text, "record": records[name]}) + "\n")
        print(f"{len(items)} records written to {args.file} ({seconds:.1f} s)")
        return 0
    lines = args.file.read_text(encoding="utf-8").splitlines()
    stored = [json.loads(line) for line in lines[1:]]
    items = [(entry["name"], entry["text"]) for entry in stored]
    records, seconds = run(items)
    changed = [entry for entry in stored if records[entry["name"]] != entry["record"]]
    for entry in changed[: args.show]:
        diff = difflib.unified_diff(
            entry["record"].splitlines(),
            records[entry["name"]].splitlines(),
            "before",
            "after",
            lineterm="",
            n=2,
        )
        print(f"=== {entry['name']}")
        print("\n".join(diff))
    print(f"{len(changed)} of {len(items)} records changed ({seconds:.1f} s)")
    for entry in changed[args.show :]:
        print(f"  also changed: {entry['name']}")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
