"""Clinical outcomes of a case: visual acuity and dated outcome measurements.

Visual acuity notations and conversions follow Holladay (J Cataract Refract
Surg 2004), Beck et al. (Am J Ophthalmol 2003), Gregori et al. (Retina 2010)
and Schulze-Bonsel et al. (IOVS 2006); impairment categories follow ICD-11
9D90.  See :mod:`caserecord.outcomes.acuity`.
"""

from caserecord.outcomes.acuity import (
    AcuityNotation,
    QualitativeAcuity,
    VisualAcuity,
    VisualImpairment,
)

__all__ = ["AcuityNotation", "QualitativeAcuity", "VisualAcuity", "VisualImpairment"]
