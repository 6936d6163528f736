"""`opsladder report` and `opsladder export`: thin wrappers over the same services as the pages."""

import zipfile

import pytest

from tests.results_helpers import move_cycle, rated_assessment


@pytest.fixture
def cycle(make):
    cycle = make.cycle(name="Spring round")
    for name, level in (("Łukasz Nowak", 4), ("Ayşe Demir", 2)):
        rated_assessment(make, cycle=cycle, manager=level, self_level=3, candidate=make.user(name=name))
    move_cycle(cycle, "closed", "released")
    return cycle


def test_report_writes_one_candidates_pdf(runner, cycle, tmp_path):
    """`opsladder report --assessment ID -o FILE` writes that candidate's PDF and says so."""
    assessment = cycle.assessments[0]
    target = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "--assessment", str(assessment.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF") and "Łukasz Nowak" in result.output


def test_report_for_an_unknown_assessment_fails_clearly(runner, app, tmp_path):
    """An unknown id is an error naming the id; no file is written."""
    result = runner.invoke(args=["report", "--assessment", "424242", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "no assessment with id 424242" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_export_writes_a_zip_with_progress(runner, cycle, tmp_path, workers):
    """`opsladder export --cycle ID -o DIR` writes one ZIP with every report and the panel, showing progress."""
    result = runner.invoke(args=["export", "--cycle", str(cycle.id), "-o", str(tmp_path / "out"),
                                 "--workers", workers])
    assert result.exit_code == 0, result.output
    (archive,) = (tmp_path / "out").glob("*.zip")
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert all(opened.read(name).startswith(b"%PDF") for name in names)
    assert len(names) == 3 and any("panel" in name for name in names)
    assert "3/3 files" in result.output and "Wrote 3 PDF files" in result.output


def test_export_files_writes_the_pdfs_into_the_folder(runner, cycle, tmp_path):
    """With --files the PDFs and the panel summary are written as separate files."""
    result = runner.invoke(args=["export", "--cycle", str(cycle.id), "-o", str(tmp_path), "--files"])
    assert result.exit_code == 0, result.output
    pdfs = sorted(path.name for path in tmp_path.glob("*.pdf"))
    assert len(pdfs) == 3 and any("panel" in name for name in pdfs)
    assert all(path.read_bytes().startswith(b"%PDF") for path in tmp_path.glob("*.pdf"))


def test_export_of_an_unknown_cycle_fails_clearly(runner, app, tmp_path):
    """An unknown cycle id is an error naming the id."""
    result = runner.invoke(args=["export", "--cycle", "777", "-o", str(tmp_path)])
    assert result.exit_code != 0 and "no cycle with id 777" in result.output


def test_results_rebuild_stores_every_result_of_the_cycle(runner, cycle):
    """`opsladder results rebuild --cycle ID` computes and stores each result (equal to a fresh one), with progress."""
    import sqlalchemy as sa

    from assessment.extensions import db
    from assessment.models import StoredResult
    from assessment.services import readiness

    db.session.execute(sa.delete(StoredResult))
    db.session.commit()
    result = runner.invoke(args=["results", "rebuild", "--cycle", str(cycle.id)])
    assert result.exit_code == 0, result.output
    assert "Stored 2 readiness results of Spring round." in result.output
    assert "Results of Spring round" in result.output  # the progress bar's label (the bar itself needs a terminal)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredResult)) == 2
    fresh = readiness.compute_results(cycle.assessments)
    assert {o.assessment.id: o.result for o in readiness.assess_cycle(cycle)} == fresh
    again = runner.invoke(args=["results", "rebuild", "--cycle", str(cycle.id), "--missing-only"])
    assert again.exit_code == 0 and "Stored 0 readiness results" in again.output


def test_results_rebuild_of_an_unknown_cycle_fails_clearly(runner, app):
    """An unknown cycle id is an error naming the id."""
    result = runner.invoke(args=["results", "rebuild", "--cycle", "424242"])
    assert result.exit_code != 0 and "no cycle with id 424242" in result.output
