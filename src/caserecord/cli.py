"""The ``caserecord`` command: extract, show and convert from the terminal.

Four subcommands, each with ``--help``:

- ``extract FILE...``: narratives to records as JSON, JSON lines, a CSV
  measurement table or FHIR Bundles; unreadable inputs are reported by
  name and skipped;
- ``show FILE``: a narrative's record (or a saved JSON record) in the
  terminal, with the narrative's extracted spans highlighted;
- ``acuity VALUE``: a visual acuity in every notation;
- ``schema``: the JSON Schema of a case record.

Exit status: 0 on success; 1 when an input was skipped or an output could
not be written; 2 for a usage error, an unreadable acuity, or a missing
optional extra.  :func:`main` returns the status instead of exiting, so
tests and other programs can call it with an argument list.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from caserecord.errors import AmbiguousNotationError, CaseRecordError, MissingExtraError
from caserecord.outcomes.acuity import AcuityNotation, VisualAcuity

if TYPE_CHECKING:
    from rich.console import Console

    from caserecord.record import CaseRecord

__all__ = ["main"]

PROG = "caserecord"

EXIT_OK = 0
EXIT_FAILED = 1  # some input skipped, or the output could not be written
EXIT_USAGE = 2  # argparse's status for bad arguments; also bad values and missing extras

FORMATS = ("json", "jsonl", "csv", "fhir")
# File name suffix of each format when -o is a directory (one file per input).
_SUFFIXES = {"json": ".json", "jsonl": ".jsonl", "csv": ".csv", "fhir": ".fhir.json"}
STDIN = "-"

TARGETS = ("logmar", "decimal", "snellen_ft", "snellen_m", "letters", "all")


class _SkippedError(Exception):
    """An input that cannot be read as a narrative; the message says why."""


class _Extracted(NamedTuple):
    record: CaseRecord
    bundle: Any = None  # for --format fhir: made while the input's name is at hand


# -- reading inputs -------------------------------------------------------------------------


def _read_text(name: str) -> str:
    """The UTF-8 text of a file (or of stdin for ``-``), refusing what is not a narrative."""
    try:
        data = sys.stdin.buffer.read() if name == STDIN else Path(name).read_bytes()
    except IsADirectoryError:
        raise _SkippedError("is a directory") from None
    except FileNotFoundError:
        raise _SkippedError("no such file") from None
    except OSError as exc:
        raise _SkippedError(f"cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is not part of the story
    except UnicodeDecodeError as exc:
        raise _SkippedError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    if "\x00" in text:
        raise _SkippedError("looks binary (contains NUL bytes)")
    if not text.strip():
        raise _SkippedError("empty file")
    return text


def _stem(name: str) -> str:
    return "stdin" if name == STDIN else Path(name).stem


def _record_id(name: str, taken: Counter[str]) -> str:
    """The file's stem as the record id; a repeated stem gets -2, -3..."""
    stem = _stem(name)
    taken[stem] += 1
    return stem if taken[stem] == 1 else f"{stem}-{taken[stem]}"


# -- output formats ------------------------------------------------------------------------


def _check_extras(fmt: str) -> Callable[[CaseRecord], Any] | None:
    """Fail before the work, not after it, when the format needs a missing extra.

    Returns :func:`caserecord.fhir.to_bundle` for ``fhir``.
    """
    needs = {"csv": ("pandas", "pandas"), "fhir": ("fhir", "fhir.resources")}
    if fmt not in needs:
        return None
    extra, module = needs[fmt]
    try:
        importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(extra, f"caserecord extract --format {fmt}") from None
    if fmt != "fhir":
        return None
    from caserecord.fhir import to_bundle

    return to_bundle


def _render(items: list[_Extracted], fmt: str, *, one_file_per_record: bool) -> str:
    """The text of the records in ``fmt``; a lone record alone when it gets its own file."""
    records = [item.record for item in items]
    if fmt == "csv":
        from caserecord.tables import to_frame

        text: str = to_frame(records).to_csv(index=False, lineterminator="\n")
        return text
    if fmt == "jsonl":
        return "".join(r.model_dump_json() + "\n" for r in records)
    if fmt == "fhir":
        indent = 2 if one_file_per_record else None
        # Several Bundles in one stream: NDJSON, as FHIR Bulk Data writes them.
        return "".join(item.bundle.model_dump_json(indent=indent) + "\n" for item in items)
    if one_file_per_record:
        return "".join(r.model_dump_json(indent=2) + "\n" for r in records)
    if not records:
        return "[]\n"
    return "[\n" + ",\n".join(r.model_dump_json(indent=2) for r in records) + "\n]\n"


def _wants_directory(output: str) -> bool:
    return output.endswith(("/", "\\")) or Path(output).is_dir()


def _write(done: list[_Extracted], fmt: str, output: str | None) -> list[str]:
    """Write the records where ``-o`` says; return the paths written (none for stdout)."""
    if output is None:
        sys.stdout.write(_render(done, fmt, one_file_per_record=False))
        sys.stdout.flush()
        return []
    if not _wants_directory(output):
        Path(output).write_text(_render(done, fmt, one_file_per_record=False), "utf-8")
        return [output]
    directory = Path(output)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for item in done:
        path = directory / f"{item.record.id}{_SUFFIXES[fmt]}"
        path.write_text(_render([item], fmt, one_file_per_record=True), "utf-8")
        written.append(str(path))
    return written


def _bundle(to_bundle: Callable[[CaseRecord], Any] | None, record: CaseRecord) -> Any:
    if to_bundle is None:
        return None
    try:
        return to_bundle(record)
    except ValueError as exc:  # a conversion refused, or a resource fhir.resources rejects
        raise _SkippedError(f"no FHIR Bundle ({exc})") from None


# -- progress and summary ------------------------------------------------------------------


def _stderr_console() -> Console:
    from rich.console import Console

    # File names are data, not markup: "[draft].txt" must print as written.
    return Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def _interactive() -> bool:
    return sys.stderr.isatty()


@contextmanager
def _progress(console: Console, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on an interactive stderr; a no-op advance otherwise."""
    if not _interactive():
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("extract", total=total)
        yield lambda: progress.advance(task)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _summary(done: list[_Extracted], skipped: int, given: int) -> str:
    notes = Counter(
        note.kind.value
        for item in done
        if item.record.report is not None
        for note in item.record.report.notes
    )
    measurements = sum(len(item.record.measurements) for item in done)
    read = f"{given - skipped} of {given} files" if skipped else _plural(given, "file")
    text = (
        f"{read} read: {_plural(len(done), 'record')}, "
        f"{_plural(measurements, 'measurement')}, {_plural(notes.total(), 'report note')}"
    )
    if notes:
        text += " (" + ", ".join(f"{n} {kind}" for kind, n in sorted(notes.items())) + ")"
    if skipped:
        text += f"; {skipped} skipped"
    return text


# -- subcommands ---------------------------------------------------------------------------


def _cmd_extract(args: argparse.Namespace) -> int:
    from caserecord.extraction import extract

    console = _stderr_console()
    try:
        to_bundle = _check_extras(args.format)
    except MissingExtraError as exc:
        console.print(f"{PROG} extract: error: {exc}")
        return EXIT_USAGE

    names: list[str] = args.files
    taken: Counter[str] = Counter()
    done: list[_Extracted] = []
    skipped = 0
    with _progress(console, len(names)) as advance:
        for name in names:
            try:
                record = extract(_read_text(name), id=_record_id(name, taken))
                done.append(_Extracted(record, _bundle(to_bundle, record)))
            except _SkippedError as reason:
                skipped += 1
                console.print(f"{PROG}: skipped {name}: {reason}")
            advance()

    try:
        written = _write(done, args.format, args.output)
    except OSError as exc:
        console.print(f"{PROG} extract: error: cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_FAILED
    if not args.quiet:
        summary = _summary(done, skipped, len(names))
        if written:
            where = written[0] if len(written) == 1 else f"{len(written)} files in {args.output}"
            summary += f"; wrote {where}"
        console.print(summary)
    return EXIT_FAILED if skipped else EXIT_OK


def _load_saved(text: str) -> list[CaseRecord] | None:
    """Records from JSON written by ``extract``; None when the text is not JSON.

    One record, an array or JSON lines of them, in caserecord JSON or as FHIR
    Bundles.  A record that does not validate raises ``ValueError``.
    """
    from caserecord.record import CaseRecord

    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        try:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError:
            return None  # a narrative that happens to begin with a bracket
    items = data if isinstance(data, list) else [data]
    return [
        CaseRecord.from_fhir(item)
        if isinstance(item, dict) and item.get("resourceType") == "Bundle"
        else CaseRecord.model_validate(item)
        for item in items
    ]


def _cmd_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from caserecord.extraction import extract

    errors = _stderr_console()
    name: str = args.file
    try:
        text = _read_text(name)
    except _SkippedError as reason:
        errors.print(f"{PROG} show: error: {name}: {reason}")
        return EXIT_FAILED
    try:
        records = _load_saved(text)
    except (ValueError, MissingExtraError) as exc:  # pydantic's ValidationError is a ValueError
        errors.print(f"{PROG} show: error: {name} is JSON but not a case record:\n{exc}")
        return EXIT_FAILED
    if records is None:
        records = [extract(text, id=_stem(name))]

    console = Console()
    for record in records:
        console.print(record)
        if args.evidence and record.source is not None:
            console.print(record.evidence_view())
    return EXIT_OK


def _number(value: float) -> str:
    # Three places: a letter is 0.02 logMAR, and 20/40 reads 0.301, not 0.30103.
    return repr(round(value, 3) + 0.0)


def _conversions(acuity: VisualAcuity) -> dict[str, str]:
    return {
        "logmar": _number(acuity.as_logmar()),
        "decimal": _number(acuity.as_decimal()),
        "snellen_ft": acuity.as_snellen("ft"),
        "snellen_m": acuity.as_snellen("m"),
        "letters": str(acuity.as_etdrs_letters()),
    }


def _cmd_acuity(args: argparse.Namespace) -> int:
    errors = _stderr_console()
    try:
        acuity = VisualAcuity.parse(args.value, args.notation)
        values = _conversions(acuity)
    except AmbiguousNotationError as exc:
        errors.print(f"{PROG} acuity: error: {exc}; on the command line: --notation NOTATION")
        return EXIT_USAGE
    except CaseRecordError as exc:
        errors.print(f"{PROG} acuity: error: {exc}")
        return EXIT_USAGE

    substitute = acuity.is_qualitative
    if args.to != "all":
        print(values[args.to])
        if substitute:
            errors.print(
                f"note: {acuity.level} is off the chart; {args.to} is from its conventional "
                "logMAR substitute (Schulze-Bonsel 2006), not a measurement"
            )
        return EXIT_OK

    category = acuity.who_category()
    lines = {
        "acuity": f"{acuity} ({acuity.notation.value})",
        **{k: v + (" (substitute)" if substitute else "") for k, v in values.items()},
        "who": f"category {category.value}, {category.label} (ICD-11 9D90)",
    }
    width = max(map(len, lines))
    for key, value in lines.items():
        print(f"{key:<{width}}  {value}")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from caserecord.record import CaseRecord

    print(json.dumps(CaseRecord.model_json_schema(), indent=args.indent, ensure_ascii=False))
    return EXIT_OK


# -- the parser ------------------------------------------------------------------------------

_MAIN_EPILOG = f"""\
examples:
  {PROG} extract case.txt                        record as JSON on stdout
  {PROG} extract cases/*.txt --format csv -o measurements.csv
  {PROG} show case.txt                           summary and highlighted evidence
  {PROG} acuity 20/200 --to logmar               prints 1.0
  {PROG} schema > caserecord.schema.json

Run '{PROG} COMMAND --help' for the options of a command.
"""

_EXTRACT_EPILOG = f"""\
output (-o):
  none          everything to stdout
  FILE          everything to FILE
  DIRECTORY/    one file per input, named by its record id (the file stem):
                ID.json, ID.jsonl, ID.csv or ID.fhir.json; a path that
                exists as a directory or ends in '/' is a directory

formats:
  json    one JSON array of records (in a directory: one record per file)
  jsonl   one record per line
  csv     the tidy measurement table, one row per measurement
          (caserecord.tables.to_frame; needs caserecord[pandas])
  fhir    one FHIR Bundle per record, one per line (NDJSON) in a stream
          (needs caserecord[fhir])

Record ids are the file stems; a repeated stem gets -2, -3...  Unreadable,
empty, binary and non-UTF-8 files are reported by name and skipped, and the
exit status is then 1.  '-' reads a narrative from stdin.  A progress bar
shows when stderr is a terminal; a summary follows on stderr (-q hides it).

examples:
  {PROG} extract case.txt > case.json
  {PROG} extract cases/*.txt --format jsonl -o records.jsonl
  {PROG} extract cases/*.txt --format csv -o measurements.csv
  {PROG} extract cases/*.txt --format fhir -o bundles/
  cat case.txt | {PROG} extract -
"""

_SHOW_EPILOG = f"""\
FILE is a narrative, or JSON written by '{PROG} extract' in any format but
csv (one record, an array of records, JSON lines, or FHIR Bundles).  A
record that carries its narrative is followed by the text with every
extracted value highlighted.

examples:
  {PROG} show case.txt
  {PROG} show case.json --no-evidence
"""

_ACUITY_EPILOG = f"""\
VALUE is an acuity as a chart writes it: 20/200, 6/60, 20/40-2, 0.30 logMAR,
0.5 decimal, 70 letters, CF 30 cm, HM, LP, NLP.  A bare number is
ambiguous (decimal? logMAR? letters?) and needs --notation.  CF, HM, LP and
NLP convert through conventional logMAR substitutes (1.9, 2.3, 2.7, 3.0;
Schulze-Bonsel 2006), which are marked as such.

examples:
  {PROG} acuity 20/200 --to logmar          1.0
  {PROG} acuity 0.15 --notation decimal     every notation and the WHO category
  {PROG} acuity 6/12 --to snellen_ft        20/40
  {PROG} acuity "CF 1 m"
"""

_SCHEMA_EPILOG = f"""\
examples:
  {PROG} schema > caserecord.schema.json
  {PROG} schema --indent 0
"""


def _version() -> str:
    from caserecord import __version__

    return f"{PROG} {__version__}"


def build_parser() -> argparse.ArgumentParser:
    """The ``caserecord`` argument parser (exposed for documentation tools)."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Validated, time-anchored case records from clinical case narratives.",
        epilog=_MAIN_EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    extract = commands.add_parser(
        "extract",
        help="extract records from narrative files",
        description="Extract a case record from each narrative file.",
        epilog=_EXTRACT_EPILOG,
        formatter_class=formatter,
    )
    extract.add_argument("files", nargs="+", metavar="FILE", help="narrative text files (UTF-8)")
    extract.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default="json",
        help="output format (default: %(default)s)",
    )
    extract.add_argument(
        "-o", "--output", metavar="OUT", help="output file, or directory for one file per input"
    )
    extract.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    extract.set_defaults(run=_cmd_extract)

    show = commands.add_parser(
        "show",
        help="pretty-print a narrative's record, or a saved JSON record",
        description="Show a case record in the terminal, with its evidence highlighted.",
        epilog=_SHOW_EPILOG,
        formatter_class=formatter,
    )
    show.add_argument("file", metavar="FILE", help="a narrative, or a JSON record")
    show.add_argument(
        "--no-evidence",
        dest="evidence",
        action="store_false",
        help="do not show the narrative with the extracted spans highlighted",
    )
    show.set_defaults(run=_cmd_show)

    acuity = commands.add_parser(
        "acuity",
        help="convert a visual acuity between notations",
        description="Read a visual acuity and print it in other notations.",
        epilog=_ACUITY_EPILOG,
        formatter_class=formatter,
    )
    acuity.add_argument("value", metavar="VALUE", help="the acuity, e.g. 20/200 or 'CF 30 cm'")
    acuity.add_argument(
        "-n",
        "--notation",
        choices=[n.value for n in AcuityNotation],
        help="the notation VALUE is written in, needed for a bare number",
    )
    acuity.add_argument(
        "-t",
        "--to",
        choices=TARGETS,
        default="all",
        help="print only this notation (default: %(default)s)",
    )
    acuity.set_defaults(run=_cmd_acuity)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a case record",
        description="Print the JSON Schema of CaseRecord, the JSON that 'extract' writes.",
        epilog=_SCHEMA_EPILOG,
        formatter_class=formatter,
    )
    schema.add_argument(
        "--indent", type=int, default=2, help="spaces per indent level (default: %(default)s)"
    )
    schema.set_defaults(run=_cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:
        return 130  # 128 + SIGINT, as shells report it
    except BrokenPipeError:
        # `caserecord extract ... | head`: the reader left.  Point stdout at
        # devnull so the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    return status
