"""Soak test: ``caserecord.extract`` on 100,000 fuzzed inputs, reporting every failure.

Usage: python benchmarks/soak.py [--count 100000] [--seed 0] [--start 0] [--jobs 1]
                                 [--out FILE] [--slow 5] [--hang 60]

Not run in CI: at tens of milliseconds an input, 100,000 inputs take an
hour or more per core.  Inputs come from the generators of
``tests/fuzz_strategies.py`` (the ones ``tests/test_fuzz.py`` runs under
Hypothesis):

- 70 % mutations of the narratives written for the tests;
- 15 % mutations of the corpus narratives (``../shared/corpus/dev``), when
  that folder exists (otherwise more of the above);
- 15 % arbitrary text (story words, numbers, punctuation, unicode noise).

Input ``i`` is rebuilt from ``(seed, i)`` alone, so a failure is reproduced
with ``--seed S --start I --count 1``.  A failure is anything
``fuzz_strategies.check_extraction`` reports (extract raised, a rule
crashed behind a guard, the record does not round-trip through JSON) or an
input still running after ``--hang`` seconds; inputs slower than ``--slow``
seconds are listed apart.  Each failure is written, with its full input, as
one JSON line to ``--out`` (default ``soak-failures.jsonl``); the summary
groups them by problem and shows the shortest input of each group.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CHUNK = 200  # inputs per task handed to a worker


@dataclass
class Result:
    index: int
    kind: str
    seconds: float
    problems: list[str]
    text: str


class _HangError(BaseException):
    """Not an Exception: the guards in extraction must not swallow it."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    # The regex engine checks for signals while it backtracks, so this
    # interrupts a runaway match as well as runaway Python code.
    raise _HangError


def corpus_paragraphs() -> list[list[list[str]]]:
    from accuracy import narrative_of

    from fuzz_strategies import paragraphs_of

    if not CORPUS.is_dir():
        return []
    return [
        paragraphs_of(narrative_of(path.read_text(encoding="utf-8")))
        for path in sorted(CORPUS.glob("*.txt"))
    ]


_CORPUS: list[list[list[str]]] | None = None


def make_input(seed: int, index: int) -> tuple[str, str]:
    """(kind, text) of input ``index`` of ``seed``: the same pair on every machine."""
    from fuzz_strategies import RandomChooser, arbitrary_text, mutate

    global _CORPUS  # noqa: PLW0603 - loaded once per worker process
    if _CORPUS is None:
        _CORPUS = corpus_paragraphs()
    choose = RandomChooser(random.Random(f"{seed}:{index}"))
    roll = choose.integer(0, 99)
    if roll < 15:
        return "arbitrary", arbitrary_text(choose)
    if roll < 30 and _CORPUS:
        base = _CORPUS[choose.integer(0, len(_CORPUS) - 1)]
        return "corpus-mutation", mutate(choose, base=base, max_mutations=5)
    return "mutation", mutate(choose, max_mutations=5)


def run_chunk(seed: int, start: int, stop: int, slow: float, hang: int) -> list[Result]:
    """Check inputs ``start..stop``; return the failures and the slow ones."""
    from fuzz_strategies import check_extraction

    signal.signal(signal.SIGALRM, _on_alarm)
    kept: list[Result] = []
    for index in range(start, stop):
        kind, text = make_input(seed, index)
        started = time.perf_counter()
        signal.alarm(hang)
        try:
            problems = check_extraction(text).problems
        except _HangError:
            problems = [f"still running after {hang} s (hang)"]
        finally:
            signal.alarm(0)
        seconds = time.perf_counter() - started
        if problems or seconds > slow:
            kept.append(Result(index, kind, seconds, problems, text))
    return kept


def chunks(start: int, count: int) -> Iterator[tuple[int, int]]:
    for low in range(start, start + count, CHUNK):
        yield low, min(low + CHUNK, start + count)


def summarise(failures: list[Result], slow: list[Result], done: int, elapsed: float) -> None:
    print(
        f"\n{done:,} inputs in {elapsed:.0f} s ({done / elapsed:.1f}/s): "
        f"{len(failures)} failures, {len(slow)} slow"
    )
    groups: dict[str, list[Result]] = {}
    for result in failures:
        key = result.problems[0].splitlines()[0][:160]
        groups.setdefault(key, []).append(result)
    for key, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        shortest = min(members, key=lambda r: len(r.text))
        print(f"\n[{len(members)}x] {key}")
        print(f"  shortest: input {shortest.index} ({shortest.kind}, {len(shortest.text)} chars)")
        print(f"  {shortest.text[:400]!r}{' ...' if len(shortest.text) > 400 else ''}")
    for result in sorted(slow, key=lambda r: -r.seconds)[:10]:
        print(
            f"slow: input {result.index} ({result.kind}, {len(result.text)} chars) "
            f"{result.seconds:.2f} s: {result.text[:120]!r}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs to run")
    parser.add_argument("--seed", type=int, default=0, help="seed of the input sequence")
    parser.add_argument("--start", type=int, default=0, help="index of the first input")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--out", type=Path, default=Path("soak-failures.jsonl"))
    parser.add_argument("--slow", type=float, default=5.0, help="report inputs slower than this")
    parser.add_argument("--hang", type=int, default=60, help="seconds before an input is a hang")
    args = parser.parse_args(argv)

    failures: list[Result] = []
    slow: list[Result] = []
    done = 0
    started = time.perf_counter()
    report_every = max(CHUNK, args.count // 50)
    print(
        f"soak: {args.count:,} inputs from seed {args.seed}, index {args.start}, "
        f"{args.jobs} job(s); failures to {args.out}",
        flush=True,
    )
    with (
        args.out.open("w", encoding="utf-8") as out,
        ProcessPoolExecutor(max_workers=args.jobs) as pool,
    ):
        futures = [
            pool.submit(run_chunk, args.seed, low, high, args.slow, args.hang)
            for low, high in chunks(args.start, args.count)
        ]
        for future, (low, high) in zip(futures, chunks(args.start, args.count), strict=True):
            for result in future.result():
                (failures if result.problems else slow).append(result)
                record: dict[str, Any] = {"seed": args.seed, **asdict(result)}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                out.flush()
            done += high - low
            if done % report_every < CHUNK or done == args.count:
                elapsed = time.perf_counter() - started
                print(
                    f"  {done:,}/{args.count:,} inputs, {len(failures)} failures, "
                    f"{len(slow)} slow, {done / elapsed:.1f}/s",
                    flush=True,
                )
    summarise(failures, slow, done, time.perf_counter() - started)
    if not failures and not slow and args.out.stat().st_size == 0:
        os.remove(args.out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
