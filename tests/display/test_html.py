from caserecord import CaseRecord, Condition, Patient, VisualAcuity, VisualAcuityMeasurement


def test_record_html_escapes_every_value() -> None:
    record = CaseRecord(
        id="<script>alert(1)</script>",
        patient=Patient(occupation="<b>engineer</b>"),
        conditions=[Condition(name="optic <i>atrophy</i> & more")],
        measurements=[VisualAcuityMeasurement(time="month 1", acuity="20/40")],
    )
    html = record._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;engineer&lt;/b&gt;" in html
    assert "optic &lt;i&gt;atrophy&lt;/i&gt; &amp; more" in html
    assert "<pre>" in html  # plain-text fallback
    assert ".caserecord" in html  # CSS from package data
    assert "20/40" in html


def test_acuity_html() -> None:
    html = VisualAcuity.parse("6/60")._repr_html_()
    assert "6/60" in html
    assert "1.00" in html or "1.0" in html
