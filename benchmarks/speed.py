"""Extraction speed: throughput, stages, scaling, pathological inputs, validation, imports.

Usage: python benchmarks/speed.py [--corpus DIR] [--runs N] [--json FILE] [--timeout S]
                                  [--records N] [--skip-pathological] [--profile]
                                  [--audit-regexes]

Measures, on one core and in this process (no multiprocessing):

- throughput of ``caserecord.extract`` over the narratives of
  ``../shared/corpus/dev`` (the project's ``examples/narratives`` when that
  folder is absent): narratives/s and MB/s, median of ``--runs`` runs, with
  the time of each stage (sentence split, time expressions, acuity,
  demographics, ...) measured by calling the stage functions directly and
  assembly/model construction as the rest;
- the same texts through spaCy's blank English tokenizer, and the ratio;
- the cost of 1x, 10x and 100x the median narrative (concatenated);
- 1 MB pathological inputs, each in a child process with a timeout, so a
  catastrophically backtracking regex cannot hang the benchmark;
- ``CaseRecord.model_validate_json`` over a batch of ``--records`` realistic
  records (the corpus records, repeated), and the batch's peak memory;
- the time of ``import caserecord`` next to ``import pydantic`` alone, and
  that it imports no pandas, matplotlib or fhir.resources.

Each figure is printed with its target and PASS/FAIL; ``--json FILE`` also
writes them as JSON.  ``--profile`` adds the top functions (cProfile) and
the top regular expressions (each module-level pattern of
``caserecord.extraction`` timed per call) over the corpus and, for every
pathological input that missed its target, over a prefix of that input.
``--audit-regexes`` times every module-level pattern alone on adversarial
strings of 16 KB and 64 KB (CPU time) and lists those whose cost grows
faster than the text: the ones that backtrack.  Everything at once:
``python benchmarks/speed.py --profile --audit-regexes --json speed.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import importlib.metadata
import json
import os
import pkgutil
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from accuracy import narrative_of

import caserecord
from caserecord import CaseRecord

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
EXAMPLES = ROOT / "examples" / "narratives"

# Targets (issue 5).
TARGET_NARRATIVES_PER_S = 500  # per core, narratives of 2-3 KB
TARGET_SPACY_RATIO = 1.0  # extraction time / spaCy tokenisation time
TARGET_SCALE_100X = 120  # 100x input at most 120x the 1x time
TARGET_PATHOLOGICAL_S = 1.0  # 1 MB input
FORBIDDEN_IMPORTS = ("pandas", "matplotlib", "fhir.resources")

MEGABYTE = 1_000_000
TYPICAL_BYTES = (2000, 3000)  # "narratives of 2-3 KB"

clock = time.perf_counter


# -- results ------------------------------------------------------------------------


@dataclass
class Check:
    """One figure, its target, and whether it meets it (None: no target)."""

    section: str
    name: str
    value: str
    target: str = ""
    ok: bool | None = None


@dataclass
class Results:
    checks: list[Check] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def add(
        self, section: str, name: str, value: str, target: str = "", ok: bool | None = None
    ) -> None:
        self.checks.append(Check(section, name, value, target, ok))


def _load() -> str:
    # Other processes on the machine slow every figure: say how busy it was.
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


# -- the corpus ---------------------------------------------------------------------


def load_corpus(folder: Path | None) -> tuple[Path, list[tuple[str, str]]]:
    """(folder, [(name, narrative)]): the corpus, or the examples when it is absent."""
    for candidate in (folder, CORPUS, EXAMPLES):
        if candidate is not None and candidate.is_dir():
            paths = sorted(candidate.glob("*.txt"))
            if paths:
                return candidate, [
                    (p.stem, narrative_of(p.read_text(encoding="utf-8"))) for p in paths
                ]
        if candidate is folder and folder is not None:
            print(f"no *.txt narratives in {folder}; falling back", file=sys.stderr)
    raise SystemExit("no narratives found (corpus and examples both missing)")


# -- throughput and stages ------------------------------------------------------------

STAGES = (
    "sentence split",
    "demographics",
    "conditions",
    "treatments",
    "adverse events",
    "findings",
    "acuity",
    "assembly / model construction",
)


def time_extraction(texts: list[str]) -> list[float]:
    """Seconds of ``extract`` for each text (one pass)."""
    extract = caserecord.extract
    times = []
    for text in texts:
        started = clock()
        extract(text)
        times.append(clock() - started)
    return times


def time_stages(texts: list[str]) -> tuple[dict[str, float], int]:
    """Seconds per stage over all texts (one pass), and how many stage calls raised.

    The stages run in the order of ``assemble._Builder.build`` on one parsed
    Document and through its ``memo``, as in the pipeline: a pass one stage
    computes for the next (day 0 from the treatment pass, say) is charged
    to the first and reused by the second.  Time expressions have no row of
    their own: every stage reads them as it needs them.  Assembly is
    ``build_record`` on the same Document: time placement, model
    construction and validation, the unmapped-sentence check.
    """
    from caserecord.extraction._document import Document
    from caserecord.extraction.acuity import extract_acuity
    from caserecord.extraction.adverse import extract_adverse
    from caserecord.extraction.assemble import build_record
    from caserecord.extraction.demographics import extract_patient
    from caserecord.extraction.diagnosis import extract_conditions
    from caserecord.extraction.findings import extract_findings
    from caserecord.extraction.treatment import extract_treatments

    passes: list[tuple[str, Callable[[Document], Any]]] = [
        ("demographics", extract_patient),
        ("conditions", extract_conditions),
        ("treatments", extract_treatments),
        ("adverse events", extract_adverse),
        ("findings", extract_findings),
        ("acuity", extract_acuity),
    ]
    totals = dict.fromkeys(STAGES, 0.0)
    failures = 0

    def run(stage: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        nonlocal failures
        started = clock()
        try:
            return func(*args, **kwargs)
        except Exception:
            failures += 1
            return None
        finally:
            totals[stage] += clock() - started

    for text in texts:
        doc = run("sentence split", Document.parse, text)
        if doc is None:
            continue
        for stage, func in passes:
            run(stage, doc.memo, func)
        run("assembly / model construction", build_record, text, doc=doc)
    return totals, failures


def measure_throughput(
    results: Results, corpus: list[tuple[str, str]], runs: int
) -> dict[str, Any]:
    names = [name for name, _ in corpus]
    texts = [text for _, text in corpus]
    sizes = [_size(t) for t in texts]
    typical = [i for i, s in enumerate(sizes) if TYPICAL_BYTES[0] <= s <= TYPICAL_BYTES[1]]

    time_extraction(texts)  # warm up: rule files, lazy imports, regex caches
    time_stages(texts)
    totals, typical_totals, per_text = [], [], []
    stage_runs: list[dict[str, float]] = []
    failures = 0
    for _ in range(runs):
        each = time_extraction(texts)
        per_text.append(each)
        totals.append(sum(each))
        typical_totals.append(sum(each[i] for i in typical))
        stages, failed = time_stages(texts)
        stage_runs.append(stages)
        failures += failed

    total = _median(totals)
    rate = len(texts) / total
    mb_rate = sum(sizes) / MEGABYTE / total
    section = "throughput (1 core)"
    results.add(section, "narratives", f"{len(texts)} ({sum(sizes) / 1000:.1f} KB)")
    results.add(section, "extract, all narratives", f"{rate:.1f} narratives/s")
    results.add(section, "extract, all narratives (MB/s)", f"{mb_rate:.3f} MB/s")
    results.add(section, "mean time per narrative", f"{total / len(texts) * 1000:.2f} ms")
    if len(typical) >= 3:
        typical_rate = len(typical) / _median(typical_totals)
        label = f"extract, {len(typical)} narratives of 2-3 KB"
    else:
        typical_rate, label = rate, "extract (no 2-3 KB subset: all narratives)"
    results.add(
        section,
        label,
        f"{typical_rate:.1f} narratives/s",
        f">= {TARGET_NARRATIVES_PER_S}/s",
        typical_rate >= TARGET_NARRATIVES_PER_S,
    )

    stage_medians = {stage: _median([r[stage] for r in stage_runs]) for stage in stage_runs[0]}
    stage_total = sum(stage_medians.values())
    for stage, seconds in sorted(stage_medians.items(), key=lambda kv: -kv[1]):
        results.add(
            "stages (median, all narratives)",
            stage,
            f"{seconds / len(texts) * 1000:7.2f} ms/narrative  {seconds / stage_total:6.1%}",
        )
    if failures:
        results.add("stages (median, all narratives)", "stage calls that raised", str(failures))

    slowest = sorted(
        zip(names, sizes, (_median(list(t)) for t in zip(*per_text, strict=True)), strict=True),
        key=lambda item: -item[2],
    )[:5]
    for name, size, seconds in slowest:
        results.add("slowest narratives", name, f"{seconds * 1000:.1f} ms ({size} B)")
    return {
        "narratives": len(texts),
        "bytes": sum(sizes),
        "runs": runs,
        "seconds_per_run": totals,
        "median_seconds": total,
        "narratives_per_s": rate,
        "mb_per_s": mb_rate,
        "typical_narratives": len(typical),
        "typical_narratives_per_s": typical_rate,
        "stage_seconds_median": stage_medians,
        "stage_failures": failures,
        "slowest": [{"name": n, "bytes": s, "seconds": t} for n, s, t in slowest],
    }


# -- spaCy ----------------------------------------------------------------------------


def measure_spacy(
    results: Results, texts: list[str], runs: int, extract_seconds: float
) -> dict[str, Any]:
    section = "spaCy blank('en') tokenizer"
    try:
        import spacy
    except ImportError:
        message = "spaCy not installed: pip install 'caserecord[bench]'"
        print(message)
        results.add(section, "spaCy", message)
        return {"installed": False}
    tokenizer = spacy.blank("en").tokenizer
    tokens = sum(len(tokenizer(t)) for t in texts)  # also the warm-up pass
    seconds = []
    for _ in range(runs):
        started = clock()
        for text in texts:
            tokenizer(text)
        seconds.append(clock() - started)
    spacy_seconds = _median(seconds)
    ratio = extract_seconds / spacy_seconds
    version = importlib.metadata.version("spacy")
    results.add(section, "version", version)
    results.add(section, "tokenise", f"{len(texts) / spacy_seconds:.1f} narratives/s")
    results.add(
        section, "tokenise (MB/s)", f"{sum(map(_size, texts)) / MEGABYTE / spacy_seconds:.3f} MB/s"
    )
    results.add(
        section,
        "extract time / tokenise time",
        f"{ratio:.1f}x",
        f"<= {TARGET_SPACY_RATIO:.1f}x",
        ratio <= TARGET_SPACY_RATIO,
    )
    budget = measure_rule_budget(results, texts, runs, spacy_seconds, extract_seconds)
    return {
        "installed": True,
        "version": version,
        "budget": budget,
        "tokens": tokens,
        "seconds_per_run": seconds,
        "median_seconds": spacy_seconds,
        "narratives_per_s": len(texts) / spacy_seconds,
        "extract_over_tokenise": ratio,
    }


def measure_rule_budget(
    results: Results, texts: list[str], runs: int, spacy_seconds: float, extract_seconds: float
) -> dict[str, Any]:
    """What each speed target leaves for the extraction rules, per sentence.

    Two costs do not depend on how the rules are written: splitting the text
    into sentences (spans every rule reads) and validating the finished
    record (the library's promise).  Whatever a target leaves after them is
    all the rules may spend; spread over the sentences of a narrative it
    shows whether a target is a matter of tuning or of a compiled core.
    """
    from caserecord.extraction._document import Document

    dumps = [caserecord.extract(text).model_dump() for text in texts]
    split_runs, validate_runs = [], []
    for _ in range(runs):
        started = clock()
        docs = [Document.parse(text) for text in texts]
        split_runs.append(clock() - started)
        started = clock()
        for dump in dumps:
            CaseRecord.model_validate(dump)
        validate_runs.append(clock() - started)
    count = len(texts)
    sentences = sum(len(doc.sentences) for doc in docs) / count
    fixed = (_median(split_runs) + _median(validate_runs)) / count
    now = extract_seconds / count - fixed
    section = "what the targets leave for the rules"
    results.add(section, "sentences per narrative", f"{sentences:.1f}")
    results.add(
        section,
        "fixed cost: split + validate the record",
        f"{_median(split_runs) / count * 1e3:.2f} + {_median(validate_runs) / count * 1e3:.2f} ms",
    )
    results.add(section, "rules now", f"{now / sentences * 1e6:.0f} us/sentence")
    figures = {"sentences": sentences, "fixed_seconds": fixed, "rules_now_seconds": now}
    for label, seconds in (
        # the throughput target is for 2-3 KB narratives, a little longer than the mean
        (f"rules at {TARGET_NARRATIVES_PER_S}/s", 1 / TARGET_NARRATIVES_PER_S),
        ("rules at the spaCy target", spacy_seconds / count),
    ):
        left = seconds - fixed
        results.add(section, label, f"{left / sentences * 1e6:.0f} us/sentence")
        figures[label] = left
    return figures


# -- child processes ----------------------------------------------------------------------


def run_child(payload: dict[str, Any], timeout: float) -> dict[str, Any] | None:
    """Run ``payload`` through this script's child mode; None when it times out."""
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child"],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["exit " + str(done.returncode)]}
    reply: dict[str, Any] = json.loads(done.stdout)
    return reply


def child_main() -> int:
    """Child mode: time ``extract`` on the text from stdin (optionally profile its regexes)."""
    payload = json.load(sys.stdin)
    if payload.get("audit"):
        audit_child()
        return 0
    text: str = payload["text"]
    caserecord.extract("A 47-year-old man had 20/200 vision OD before treatment.")
    reply: dict[str, Any] = {}
    if payload.get("profile"):
        reply["regexes"], reply["functions"] = profile_run([text], top=payload.get("top", 8))
        print(json.dumps(reply))
        return 0
    times = []
    for _ in range(payload.get("repeats", 1)):
        started = clock()
        caserecord.extract(text)
        times.append(clock() - started)
    reply["times"] = times
    print(json.dumps(reply))
    return 0


# -- scaling ----------------------------------------------------------------------------


def measure_scaling(results: Results, texts: list[str], timeout: float) -> dict[str, Any]:
    section = "scaling (median narrative, concatenated)"
    median_text = sorted(texts, key=len)[len(texts) // 2]
    figures: dict[str, Any] = {"base_bytes": _size(median_text)}
    seconds: dict[int, float | None] = {}
    for factor, repeats in ((1, 9), (10, 5), (100, 3)):
        text = "\n\n".join([median_text] * factor)
        reply = run_child({"text": text, "repeats": repeats}, timeout * max(1, repeats))
        if reply is None or "times" not in reply:
            seconds[factor] = None
            results.add(
                section, f"{factor}x ({_size(text) / 1000:.0f} KB)", f"timeout/error {reply}"
            )
            continue
        median = _median(reply["times"])
        seconds[factor] = median
        results.add(section, f"{factor}x ({_size(text) / 1000:.0f} KB)", f"{median * 1000:.1f} ms")
    one, hundred = seconds.get(1), seconds.get(100)
    ratio = hundred / one if one and hundred else None
    results.add(
        section,
        "100x time / 1x time",
        f"{ratio:.1f}x" if ratio is not None else "n/a",
        f"<= {TARGET_SCALE_100X}x",
        ratio is not None and ratio <= TARGET_SCALE_100X,
    )
    ten = seconds.get(10)
    if ten and one:
        results.add(section, "10x time / 1x time", f"{ten / one:.1f}x")
    figures.update(seconds={str(k): v for k, v in seconds.items()}, ratio_100x=ratio)
    return figures


# -- pathological inputs --------------------------------------------------------------------


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


CLINICAL_WORDS = "vision improved to 20/40 in the right eye at "


def pathological_inputs(size: int = MEGABYTE) -> dict[str, str]:
    """Inputs (1 MB by default) that make careless rules and regexes backtrack."""
    half = size // 2
    return {
        "one repeated character": "a" * size,
        "digits and slashes": _fill("20/200/1/2/3/", size),
        "nested brackets": "(" * half + ")" * (size - half),
        "mixed nested brackets": _fill("([{<", size)[:half] + _fill(">}])", size)[: size - half],
        '"very very very ..."': _fill("very ", size),
        "full stops": "." * size,
        "newlines": "\n" * size,
        "header-like lines": _fill("Age: 5\n", size),
        "one sentence of clinical words": _fill(
            "vision improved to 20/40 in the right eye at ", size
        ),
        "digits and spaces": _fill("1 ", size),
        "whitespace run inside a sentence": "Vision" + " " * (size - 15) + "improved.",
        "list of acuities": _fill("20/40 OD, ", size),
        # Realistic phrases repeated: linear, but every repetition is a mention.
        "repeated cell abbreviations": _fill("MSCs MSC UC-MSC ", size),
        "repeated ages": _fill("a 45-year-old man ", size),
        "repeated failed treatments": _fill(
            "after standard treatment with steroids failed, ", size
        ),
        "repeated injections": _fill("stem cells were injected into the vitreous. ", size),
    }


def measure_pathological(results: Results, timeout: float, profile: bool) -> dict[str, Any]:
    section = "pathological inputs (1 MB each, child process)"
    figures: dict[str, Any] = {}
    for name, text in pathological_inputs().items():
        reply = run_child({"text": text, "repeats": 1}, timeout)
        if reply is None:
            seconds, shown = None, f"> {timeout:.0f} s (timeout)"
        elif "times" not in reply:
            seconds, shown = None, f"error: {reply.get('error')}"
        else:
            seconds = reply["times"][0]
            shown = f"{seconds:.2f} s"
        ok = seconds is not None and seconds < TARGET_PATHOLOGICAL_S
        results.add(section, name, shown, f"< {TARGET_PATHOLOGICAL_S:.0f} s", ok)
        figures[name] = {"seconds": seconds, "timeout": reply is None}
        if profile and not ok:
            figures[name]["profile"] = profile_pathological(results, name, timeout)
    return figures


def profile_pathological(results: Results, name: str, timeout: float) -> dict[str, Any] | None:
    """Top regexes and functions on 20 KB and 80 KB of one input: growth shows superlinearity.

    The input is rebuilt at the smaller size rather than cut, so an input
    whose shape depends on its end ("Vision <spaces> improved.") keeps it.
    """
    section = f"profile: {name}"
    out: dict[str, Any] = {}
    for size in (20_000, 80_000):
        text = pathological_inputs(size)[name]
        reply = run_child({"text": text, "profile": True, "top": 5}, timeout)
        if reply is None or "regexes" not in reply:
            results.add(section, f"{size // 1000} KB", "timeout/error")
            continue
        out[str(size)] = reply
        for row in reply["regexes"][:5]:
            results.add(
                section,
                f"{size // 1000} KB  regex {row['where']}",
                f"{row['seconds']:.3f} s in {row['calls']} calls  /{row['pattern'][:60]}/",
            )
        for row in reply["functions"][:3]:
            results.add(
                section,
                f"{size // 1000} KB  function {row['function']}",
                f"{row['seconds']:.3f} s own",
            )
    return out


# -- validation -----------------------------------------------------------------------------


def measure_validation(
    results: Results, texts: list[str], count: int, runs: int
) -> dict[str, Any]:
    section = f"validation (CaseRecord.model_validate_json, {count:,} records)"
    records = [caserecord.extract(t, id=f"n{i}") for i, t in enumerate(texts)]
    batch = [
        records[i % len(records)].model_copy(update={"id": f"record-{i}"}).model_dump_json()
        for i in range(count)
    ]
    json_bytes = sum(map(_size, batch))
    validate = CaseRecord.model_validate_json
    for text in batch[: len(records)]:
        validate(text)  # warm up
    seconds = []
    for _ in range(runs):
        started = clock()
        for text in batch:
            validate(text)
        seconds.append(clock() - started)
    median = _median(seconds)

    tracemalloc.start()
    kept = [validate(text) for text in batch]
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept

    results.add(section, "records/s", f"{count / median:,.0f} records/s")
    results.add(section, "JSON MB/s", f"{json_bytes / MEGABYTE / median:.2f} MB/s")
    results.add(section, "JSON of the batch", f"{json_bytes / MEGABYTE:.1f} MB")
    results.add(section, "peak memory (tracemalloc)", f"{peak / MEGABYTE:.1f} MB")
    results.add(section, "peak memory per record", f"{peak / count / 1000:.1f} KB")
    return {
        "records": count,
        "json_bytes": json_bytes,
        "seconds_per_run": seconds,
        "records_per_s": count / median,
        "peak_bytes": peak,
        "retained_bytes": current,
    }


# -- imports ---------------------------------------------------------------------------------


def _process_seconds(code: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = clock()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(clock() - started)
    return _median(times)


def _importtime(module: str, repeats: int) -> float:
    """Cumulative import time of ``module`` in seconds, by ``python -X importtime``."""
    pattern = re.compile(rf"import time:\s+\d+\s+\|\s+(\d+)\s+\|\s*{re.escape(module)}\s*$")
    times = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
        )
        for line in done.stderr.splitlines():
            if match := pattern.match(line):
                times.append(int(match[1]) / 1e6)
    return _median(times)


def measure_imports(results: Results, repeats: int) -> dict[str, Any]:
    section = "import cost"
    interpreter = _process_seconds("pass", repeats)
    pydantic_process = _process_seconds("import pydantic", repeats)
    caserecord_process = _process_seconds("import caserecord", repeats)
    pydantic_cumulative = _importtime("pydantic", repeats)
    caserecord_cumulative = _importtime("caserecord", repeats)
    first_extract = _median(
        [
            json.loads(
                subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "import json, time, caserecord\n"
                        "t = time.perf_counter()\n"
                        "caserecord.extract('A 47-year-old man had 20/200 OD.')\n"
                        "print(json.dumps(time.perf_counter() - t))",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(3)
        ]
    )
    probe = (
        "import json, sys, caserecord\n"
        f"wanted = {FORBIDDEN_IMPORTS!r}\n"
        "after_import = [m for m in wanted if m in sys.modules]\n"
        "caserecord.extract('A 47-year-old man had 20/200 OD.')\n"
        "after_extract = [m for m in wanted if m in sys.modules]\n"
        "print(json.dumps([after_import, after_extract]))"
    )
    after_import, after_extract = json.loads(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    )
    results.add(section, "python -c pass", f"{interpreter * 1000:.0f} ms (process)")
    results.add(
        section,
        "import pydantic",
        f"{(pydantic_process - interpreter) * 1000:.0f} ms over the interpreter; "
        f"{pydantic_cumulative * 1000:.0f} ms by -X importtime",
    )
    results.add(
        section,
        "import caserecord",
        f"{(caserecord_process - interpreter) * 1000:.0f} ms over the interpreter; "
        f"{caserecord_cumulative * 1000:.0f} ms by -X importtime",
    )
    results.add(
        section,
        "caserecord's own share",
        f"{(caserecord_cumulative - pydantic_cumulative) * 1000:.0f} ms "
        f"({caserecord_cumulative / pydantic_cumulative:.1f}x pydantic alone)",
    )
    results.add(
        section, "first extract() after import (loads rules)", f"{first_extract * 1000:.0f} ms"
    )
    results.add(
        section,
        "heavy modules after import caserecord",
        ", ".join(after_import) or "none",
        "none of " + ", ".join(FORBIDDEN_IMPORTS),
        not after_import,
    )
    results.add(
        section,
        "heavy modules after extract()",
        ", ".join(after_extract) or "none",
        "none",
        not after_extract,
    )
    return {
        "interpreter_s": interpreter,
        "pydantic_process_s": pydantic_process,
        "caserecord_process_s": caserecord_process,
        "pydantic_importtime_s": pydantic_cumulative,
        "caserecord_importtime_s": caserecord_cumulative,
        "first_extract_s": first_extract,
        "heavy_after_import": after_import,
        "heavy_after_extract": after_extract,
    }


# -- profiling ---------------------------------------------------------------------------------


class _RegexStats:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.patterns: dict[str, str] = {}

    def charge(self, where: str, seconds: float) -> None:
        self.seconds[where] = self.seconds.get(where, 0.0) + seconds
        self.calls[where] = self.calls.get(where, 0) + 1


class _TimedIterator:
    __slots__ = ("_iterator", "_stats", "_where")

    def __init__(self, iterator: Iterator[Any], stats: _RegexStats, where: str) -> None:
        self._iterator, self._stats, self._where = iterator, stats, where

    def __iter__(self) -> _TimedIterator:
        return self

    def __next__(self) -> Any:
        started = clock()
        try:
            return next(self._iterator)
        finally:
            self._stats.seconds[self._where] += clock() - started


class _TimedPattern:
    """A compiled pattern that charges the time of every call to its name."""

    __slots__ = ("_pattern", "_stats", "_where")

    def __init__(self, pattern: re.Pattern[str], stats: _RegexStats, where: str) -> None:
        self._pattern, self._stats, self._where = pattern, stats, where
        stats.patterns[where] = pattern.pattern
        stats.seconds.setdefault(where, 0.0)
        stats.calls.setdefault(where, 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)

    def _timed(self, method: str, *args: Any, **kwargs: Any) -> Any:
        started = clock()
        try:
            return getattr(self._pattern, method)(*args, **kwargs)
        finally:
            self._stats.charge(self._where, clock() - started)

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("search", *args, **kwargs)

    def match(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("match", *args, **kwargs)

    def fullmatch(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("fullmatch", *args, **kwargs)

    def findall(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("findall", *args, **kwargs)

    def sub(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("sub", *args, **kwargs)

    def subn(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("subn", *args, **kwargs)

    def split(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("split", *args, **kwargs)

    def finditer(self, *args: Any, **kwargs: Any) -> Any:
        started = clock()
        iterator = self._pattern.finditer(*args, **kwargs)
        self._stats.charge(self._where, clock() - started)
        return _TimedIterator(iterator, self._stats, self._where)


def _instrument(value: Any, where: str, stats: _RegexStats, depth: int = 0) -> Any:
    """``value`` with every compiled pattern inside (to depth 3) replaced by a timed one."""
    if isinstance(value, re.Pattern):
        return _TimedPattern(value, stats, where)
    if depth >= 3:
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _instrument(item, f"{where}[{i}]", stats, depth + 1)
        return value
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = tuple(
            _instrument(x, f"{where}[{i}]", stats, depth + 1) for i, x in enumerate(value)
        )
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        for key in list(value):
            value[key] = _instrument(value[key], f"{where}[{key!r}]", stats, depth + 1)
    return value


def _instrument_extraction(stats: _RegexStats) -> None:
    """Time every module-level pattern of caserecord.extraction, from now on.

    Lists and dicts are changed in place, tuples and bare patterns rebound
    on their module.  Nothing is undone: profiling is the last thing a
    process running it does.
    """
    import caserecord.extraction as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, value in list(vars(module).items()):
            if name.startswith("__") or not isinstance(value, re.Pattern | list | tuple | dict):
                continue
            new = _instrument(value, f"{info.name}.{name}", stats)
            if new is not value:
                setattr(module, name, new)


def profile_run(texts: list[str], top: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(top regexes, top functions by own time) over ``texts``; leaves the regexes timed."""
    caserecord.extract("warm up")
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        caserecord.extract(text)
    profiler.disable()
    table = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    functions = [
        {
            "function": f"{Path(file).name}:{line}({name})" if file != "~" else name,
            "seconds": own,
            "cumulative": cumulative,
            "calls": calls,
        }
        for (file, line, name), (_, calls, own, cumulative, _) in sorted(
            table.items(), key=lambda kv: -kv[1][2]
        )[:top]
    ]
    stats = _RegexStats()
    _instrument_extraction(stats)
    for text in texts:
        caserecord.extract(text)
    regexes = [
        {
            "where": where,
            "seconds": seconds,
            "calls": stats.calls[where],
            "pattern": stats.patterns[where],
        }
        for where, seconds in sorted(stats.seconds.items(), key=lambda kv: -kv[1])[:top]
    ]
    return regexes, functions


def measure_profile(results: Results, texts: list[str]) -> dict[str, Any]:
    regexes, functions = profile_run(texts, top=15)
    per = len(texts)
    for row in functions:
        results.add(
            "profile: top functions by own time (corpus, cProfile)",
            row["function"],
            f"{row['seconds'] / per * 1000:.2f} ms/narrative own, "
            f"{row['cumulative'] / per * 1000:.2f} cumulative, {row['calls'] // per} calls",
        )
    for row in regexes:
        results.add(
            "profile: top module-level regexes (corpus)",
            row["where"],
            f"{row['seconds'] / per * 1000:.2f} ms/narrative, {row['calls'] // per} calls  "
            f"/{row['pattern'][:70]}{'...' if len(row['pattern']) > 70 else ''}/",
        )
    return {"functions": functions, "regexes": regexes}


# -- regex audit ---------------------------------------------------------------------------

# Below ~16 KB timings jump for reasons unrelated to the pattern (4 KB -> 16 KB
# often costs 8x for plainly linear patterns); 16 KB -> 64 KB is a clean signal.
AUDIT_SIZES = (16_000, 64_000)
# Superlinear: 4x the text costs more than this many times as much (linear is 4x,
# quadratic 16x), and the larger run is slow enough to matter.
AUDIT_GROWTH = 7.0
AUDIT_MIN_SECONDS = 0.02
# The minimum of a few runs: a busy machine preempts single runs for milliseconds.
AUDIT_REPEATS = 3


def _scan_seconds(pattern: re.Pattern[str], text: str) -> float:
    # CPU time, not wall time: on a busy machine a scan longer than a scheduler
    # slice is preempted, which looks like superlinear growth when it is not.
    started = time.process_time()
    for _ in pattern.finditer(text):
        pass
    return time.process_time() - started


def _min_scan_seconds(pattern: re.Pattern[str], text: str) -> float:
    best = _scan_seconds(pattern, text)
    for _ in range(AUDIT_REPEATS - 1):
        if best > 0.2:  # slow enough that preemption does not matter
            break
        best = min(best, _scan_seconds(pattern, text))
    return best


def audit_inputs(size: int) -> dict[str, str]:
    """Adversarial strings for single patterns: runs that make ``\\s+x`` or ``\\w+x`` backtrack."""
    return {
        "spaces": "x" + " " * size + "x",
        "tabs and newlines": "x" + _fill(" \t", size) + "x",
        "letters": "a" * size,
        "digits": "7" * size,
        "digits and slashes": _fill("20/200/", size),
        "digits and spaces": _fill("1 ", size),
        "digits and dots": _fill("1.", size),
        "words": _fill("very ", size),
        "clinical words": _fill(CLINICAL_WORDS, size),
        "brackets": "(" * (size // 2) + ")" * (size // 2),
        "hyphens": _fill("-", size),
        "commas": _fill(", and ", size),
    }


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern reachable from module level in caserecord.extraction."""
    import caserecord.extraction as package

    found: list[tuple[str, re.Pattern[str]]] = []
    seen: set[int] = set()

    def walk(value: Any, where: str, depth: int) -> None:
        if isinstance(value, re.Pattern):
            if id(value) not in seen:  # one pattern reached by several names
                seen.add(id(value))
                found.append((where, value))
        elif depth < 3 and type(value).__module__.startswith(package.__name__):
            # the extractors' own holders (FoldedPattern: its fast and lead patterns)
            for name, item in getattr(value, "__dict__", {}).items():
                walk(item, f"{where}.{name}", depth + 1)
        elif depth < 3 and isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]", depth + 1)
        elif depth < 3 and isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}[{key!r}]", depth + 1)

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, value in vars(module).items():
            if not name.startswith("__"):
                walk(value, f"{info.name}.{name}", 0)
    return found


def audit_child() -> None:
    """Child mode: time every pattern on every adversarial input, one JSON line each."""
    inputs = {size: audit_inputs(size) for size in AUDIT_SIZES}
    for where, pattern in _patterns():
        for kind in inputs[AUDIT_SIZES[0]]:
            print(json.dumps({"start": where, "input": kind}), flush=True)
            seconds = [_min_scan_seconds(pattern, inputs[size][kind]) for size in AUDIT_SIZES]
            print(json.dumps({"where": where, "input": kind, "seconds": seconds}), flush=True)


def measure_regex_audit(results: Results, timeout: float) -> dict[str, Any]:
    section = (
        f"regex audit (each module-level pattern, finditer on {AUDIT_SIZES[0] // 1000} KB "
        f"and {AUDIT_SIZES[1] // 1000} KB adversarial strings)"
    )
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child"],
            input=json.dumps({"audit": True}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        output, timed_out = done.stdout, False
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or ""
        output, timed_out = raw.decode() if isinstance(raw, bytes) else raw, True
    rows = [json.loads(line) for line in output.splitlines() if line.strip()]
    measured = [r for r in rows if "seconds" in r]
    if timed_out and rows and "start" in rows[-1]:
        hung = rows[-1]
        results.add(
            section,
            f"{hung['start']} on {hung['input']}",
            f"> {timeout:.0f} s (audit stopped here)",
            "linear",
            False,
        )
    patterns = {where for where, _ in _patterns()}
    flagged = []
    for row in measured:
        small, large = row["seconds"]
        growth = large / small if small > 0 else float("inf")
        if growth > AUDIT_GROWTH and large > AUDIT_MIN_SECONDS:
            flagged.append({**row, "growth": growth})
    for row in sorted(flagged, key=lambda r: -r["seconds"][1]):
        small, large = row["seconds"]
        results.add(
            section,
            f"{row['where']} on {row['input']}",
            f"{small * 1000:.1f} ms -> {large * 1000:.1f} ms "
            f"({row['growth']:.0f}x for 4x the text)",
            "linear",
            False,
        )
    results.add(
        section,
        "patterns audited",
        f"{len(patterns)} patterns x {len(audit_inputs(1))} inputs; {len(flagged)} superlinear",
    )
    results.add(
        section,
        "note",
        "finditer tries every start position: a pattern only ever used with match() at one "
        "position (e.g. once per line) may not be superlinear where it is used",
    )
    return {"flagged": flagged, "timed_out": timed_out, "measured": len(measured)}


# -- output -------------------------------------------------------------------------------------


def print_table(results: Results) -> None:
    width = max(len(c.name) for c in results.checks)
    value_width = min(60, max(len(c.value) for c in results.checks))
    section = None
    for check in results.checks:
        if check.section != section:
            section = check.section
            print(f"\n{section}\n{'-' * len(section)}")
        status = "" if check.ok is None else ("PASS" if check.ok else "FAIL")
        target = f"target {check.target}" if check.target else ""
        line = f"  {check.name:<{width}}  {check.value:<{value_width}}  {target:<16} {status}"
        print(line.rstrip())
    judged = [c for c in results.checks if c.ok is not None]
    failed = [c for c in judged if not c.ok]
    print(f"\n{len(judged) - len(failed)} of {len(judged)} targets met")
    for check in failed:
        print(f"  FAIL  {check.section}: {check.name} = {check.value} (target {check.target})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help=f"folder of NAME.txt (default {CORPUS})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--records", type=int, default=10_000, help="records to validate")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per child run")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write figures as JSON")
    parser.add_argument("--skip-pathological", action="store_true", help="no 1 MB inputs")
    parser.add_argument("--profile", action="store_true", help="top functions and regexes")
    parser.add_argument(
        "--audit-regexes", action="store_true", help="find superlinear module-level regexes"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main()

    folder, corpus = load_corpus(args.corpus)
    texts = [text for _, text in corpus]
    results = Results()
    results.add("setup", "narratives from", str(folder))
    results.add("setup", "python", f"{platform.python_version()} ({platform.machine()})")
    results.add("setup", "caserecord", caserecord.__version__)
    results.add("setup", "runs per figure", f"{args.runs} (median)")
    results.add("setup", "CPUs / load average", f"{os.cpu_count()} / {_load()}")
    figures = results.figures
    print(f"timing {len(texts)} narratives from {folder} ...", file=sys.stderr)
    figures["throughput"] = measure_throughput(results, corpus, args.runs)
    figures["spacy"] = measure_spacy(
        results, texts, args.runs, figures["throughput"]["median_seconds"]
    )
    print("scaling ...", file=sys.stderr)
    figures["scaling"] = measure_scaling(results, texts, args.timeout)
    if not args.skip_pathological:
        print("pathological inputs ...", file=sys.stderr)
        figures["pathological"] = measure_pathological(results, args.timeout, args.profile)
    print("validation ...", file=sys.stderr)
    figures["validation"] = measure_validation(
        results, texts, args.records, max(3, args.runs // 2)
    )
    print("imports ...", file=sys.stderr)
    figures["imports"] = measure_imports(results, max(5, args.runs))
    if args.audit_regexes:
        print("auditing regexes ...", file=sys.stderr)
        figures["regex_audit"] = measure_regex_audit(results, args.timeout * 5)
    if args.profile:
        print("profiling ...", file=sys.stderr)
        figures["profile"] = measure_profile(results, texts)

    setup_rows = sum(1 for c in results.checks if c.section == "setup")
    results.checks.insert(setup_rows, Check("setup", "load average at the end", _load()))
    print_table(results)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"checks": [asdict(c) for c in results.checks], "figures": figures}, indent=2
            ),
            encoding="utf-8",
        )
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
