"""Offline, rule-based extraction of case records from English narratives.

``extract(text)`` reads a clinic testimonial, a published case report or a
clinician's letter and returns a validated :class:`~caserecord.CaseRecord`
whose values all carry evidence (the span of words they came from), with
an :class:`~caserecord.ExtractionReport` of assumptions, ambiguities,
unmapped sentences and warnings.  It is deterministic, uses no network and
no model files, and never raises on a ``str``.

One module per concept (``demographics``, ``diagnosis``, ``treatment``,
``adverse``, ``acuity``, ``findings``, ``time``), their vocabularies in
``data/*.json``, and ``assemble`` to build the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caserecord.report import ExtractionReport, NoteKind

if TYPE_CHECKING:
    from caserecord.record import CaseRecord

__all__ = ["MAX_CHARS", "extract"]

#: Longer inputs are cut here (and the cut reported): a case narrative is a
#: few pages; megabytes are a concatenation or a mistake, and rules are linear
#: anyway, so the limit only bounds the time a pathological input can take.
MAX_CHARS = 2_000_000


def extract(text: str, *, id: str | None = None) -> CaseRecord:
    """Extract a validated :class:`CaseRecord` from a case narrative.

    Raises ``TypeError`` when ``text`` is not a ``str``; never raises on a
    ``str``: the worst case is an empty record whose report says why.
    """
    from caserecord.record import CaseRecord, Narrative

    if not isinstance(text, str):
        raise TypeError(f"extract() needs the narrative as str (got {type(text).__name__})")
    clipped = text[:MAX_CHARS]
    try:
        # Imported here, inside the guard: even a damaged rule file must not make
        # extract() raise; it yields an empty record whose report says why.
        from caserecord.extraction.assemble import build_record

        record = build_record(clipped, id=id)
    except Exception as exc:
        report = ExtractionReport()
        report.add(
            NoteKind.WARNING, f"extraction failed ({type(exc).__name__}: {exc}); record left empty"
        )
        record = CaseRecord(id=id, source=Narrative(text=clipped), report=report)
    if len(text) > MAX_CHARS and record.report is not None:
        record.report.add(
            NoteKind.WARNING, f"text of {len(text)} characters cut to the first {MAX_CHARS}"
        )
    return record
