"""The public API is exactly what __all__ says, sorted, and every name resolves."""

import caserecord


def test_all_is_sorted_and_unique() -> None:
    names = [n for n in caserecord.__all__ if n != "__version__"]
    assert names == sorted(names)
    assert len(set(caserecord.__all__)) == len(caserecord.__all__)


def test_every_exported_name_exists() -> None:
    missing = [n for n in caserecord.__all__ if not hasattr(caserecord, n)]
    assert missing == []


def test_public_classes_are_exported() -> None:
    public = {
        name
        for name, value in vars(caserecord).items()
        if not name.startswith("_")
        and isinstance(value, type)
        and value.__module__.startswith("caserecord")
    }
    assert public <= set(caserecord.__all__)


def test_version_is_a_string() -> None:
    assert isinstance(caserecord.__version__, str)
    assert caserecord.__version__[0].isdigit()


def test_lazy_deidentification_names_are_the_deid_modules_all() -> None:
    # __init__ lists them by hand so that importing caserecord does not import deid.
    from caserecord import deid

    assert frozenset(deid.__all__) == caserecord._DEID_NAMES
    assert set(deid.__all__) <= set(caserecord.__all__)
