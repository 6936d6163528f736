"""The PDF readiness report, the panel summary, the radar chart and the streamed ZIP export."""

import io
import shutil
import subprocess
import zipfile
from dataclasses import replace

import pytest
from reportlab.platypus import Table

from reports import fonts
from reports.bundle import write_zip
from reports.data import report_data
from reports.charts import DrawingFlowable, radar_for, radar_svg
from reports.grid import Grid
from reports.pdf import panel_story, render_panel_summary, render_report, report_story
from reports.sample import NAMES, framework, sample_panel, sample_report, sample_sheets
from reports.text import TextBlock
from rubrics.readiness import RaterSheet, assess_readiness
from tests.engine_sheets import with_written_evidence

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
UNICODE_NAMES = ["Łukasz Nowak", "Zoë Müller-Šimić", "Nguyễn Thị Lan"]


def story_text(story) -> str:
    """All text a story carries: text blocks, table cells (strings and blocks) and drawing strings."""
    out = []

    def walk(item):
        if isinstance(item, (TextBlock, Grid)):
            out.append(item.text)
        elif isinstance(item, Table):
            for row in item._cellvalues:
                for cell in row:
                    for part in cell if isinstance(cell, (list, tuple)) else [cell]:
                        walk(part)
        elif isinstance(item, str):
            out.append(item)
        elif isinstance(item, DrawingFlowable):
            out.append(" ".join(getattr(s, "text", "") for g in item.drawing.contents for s in getattr(g, "contents", [])))

    for item in story:
        walk(item)
    return "\n".join(out)


def pdf_text(pdf: bytes, tmp_path, *, layout: bool = True) -> str:
    """The PDF's text by pdftotext: laid out as on the page, or (``layout=False``) in reading order, where a
    table cell that wraps onto two lines stays together."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def qpdf_check(pdf: bytes, tmp_path):
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def with_comment(data, text: str):
    """The report data with a manager comment on the first competency replaced by ``text``."""
    fw = framework()
    ids = [c.id for c in fw.competencies]
    sheets = [
        RaterSheet("self-1", "self", {i: 3 for i in ids}, {ids[0]: text}),
        RaterSheet("manager-1", "manager", {i: 3 for i in ids}, {ids[0]: text, ids[1]: text}),
    ]
    return replace(data, result=assess_readiness(fw, data.result.target_role_id, sheets))


def test_story_has_every_part_of_the_report():
    """Cover, verdict and rules, profile, competencies, development, comments and methodology are there."""
    data = sample_report(2)
    text = story_text(report_story(data))
    result = data.result
    for needed in [
        "PROMOTION READINESS REPORT",
        data.candidate_name,
        f"{data.current_role_name} → {data.target_role_name}",
        data.cycle_name,
        "Confidential.",
        "Verdict",
        result.band_label,
        "Rules",
        "Profile",
        "Competencies",
        "Strengths",
        "Blind spots",
        "Hidden strengths",
        "Development priorities",
        "Rater comments",
        "Methodology",
        data.content_hash,
        data.framework_version,
    ]:
        assert needed in text, needed
    for rule in result.rules:
        assert rule.text in text
    for comp in result.competencies:
        assert comp.name in text
    for priority in result.top_development_priorities:
        assert priority.action in text
    for priority in result.further_development_priorities:
        assert priority.name in text
    for source in data.sources:
        assert source.title in text and source.file in text
    for line in data.rules_text:
        assert line in text
    for block in result.comments:
        for comment in block.texts:
            assert f"“{comment}”" in text


def test_calibrated_verdict_shown_beside_computed():
    """A calibrated verdict appears with its rationale, author, and the computed verdict kept."""
    data = sample_report(2, calibrated=True)
    assert data.calibration is not None
    text = story_text(report_story(data))
    assert "Computed verdict for" in text and "Calibrated verdict (recorded by HR)" in text
    assert data.calibration.rationale in text and data.calibration.by in text
    plain = story_text(report_story(replace(data, calibration=None)))
    assert "Calibrated verdict" not in plain


@needs_poppler
def test_candidate_version_leaves_out_spread_and_the_calibrator(tmp_path):
    """HR's PDF shows rater disagreement and who calibrated; the candidate's (same data otherwise) shows neither."""
    fw = framework()
    hr_data = sample_report(2, calibrated=True)
    ids = [c.id for c in fw.competencies]
    # Two managers far apart: mean and spread together would give away each manager's level.
    sheets = [RaterSheet("manager-1", "manager", {i: 1 for i in ids}),
              RaterSheet("manager-2", "manager", {i: 5 for i in ids})]
    role_id = hr_data.result.target_role_id
    hr_data = replace(hr_data, result=assess_readiness(fw, role_id, with_written_evidence(fw, role_id, sheets)))
    assert hr_data.audience == "hr" and hr_data.calibration is not None and hr_data.result.disagreements
    hr_text = " ".join(pdf_text(render_report(hr_data), tmp_path).split())
    assert "Raters differ" in hr_text and "apart across 2 raters" in hr_text
    assert f"Recorded by {hr_data.calibration.by} on" in hr_text
    candidate_text = " ".join(pdf_text(render_report(replace(hr_data, audience="candidate")), tmp_path).split())
    assert "Raters differ" not in candidate_text and "apart across" not in candidate_text
    assert hr_data.calibration.by not in candidate_text and "Recorded on" in candidate_text
    assert hr_data.calibration.rationale.split()[0] in candidate_text  # the calibrated verdict itself stays


def test_report_data_refuses_an_unknown_audience():
    """The audience is "hr" or "candidate"; anything else is a programming error, not a quiet default."""
    with pytest.raises(ValueError, match="audience"):
        sample_report(0, audience="manager")


def test_suppressed_peers_never_reach_the_report():
    """With fewer peers than the threshold, no peer comment text is in the story and the reason is."""
    fw = framework()
    ids = [c.id for c in fw.competencies]
    sheets = [
        RaterSheet("manager-1", "manager", {i: 3 for i in ids}, {ids[0]: "manager evidence"}),
        RaterSheet("peer-1", "peer", {i: 5 for i in ids}, {ids[0]: "secret peer remark"}),
    ]
    data = replace(sample_report(0), result=assess_readiness(fw, "head_of_operations", sheets))
    text = story_text(report_story(data))
    assert "manager evidence" in text
    assert "secret peer remark" not in text
    assert "Peer comments are not shown" in text
    assert "the band conditions below do not apply" not in text  # the manager alone is enough evidence here


def test_thinly_rated_competency_hides_its_peers_in_the_report(tmp_path):
    """Three peers, one level on a competency: its Peers cell is a dagger, that peer's comment is absent."""
    fw = framework()
    ids = [c.id for c in fw.competencies]
    thin = "performance_metrics"
    lone = {thin: 1}
    sheets = [
        RaterSheet("manager-1", "manager", {i: 4 for i in ids}),
        RaterSheet("peer-1", "peer", {i: 4 for i in ids} | lone, {thin: "lone peer remark", ids[0]: "group remark"}),
        RaterSheet("peer-2", "peer", {i: 4 for i in ids} | {thin: "not_observed"}),
        RaterSheet("peer-3", "peer", {i: 4 for i in ids if i != thin}),
    ]
    result = assess_readiness(fw, "head_of_operations", with_written_evidence(fw, "head_of_operations", sheets))
    data = replace(sample_report(0, calibrated=False), result=result)
    text = story_text(report_story(data))
    assert "group remark" in text and "lone peer remark" not in text
    assert "†Fewer than 3 peers gave a level on this competency" in text
    assert "Peer comments on a competency are shown only where at least 3 peers gave a level" in text
    row = next(line for line in text.splitlines() if line.startswith("Performance metrics") and "against" not in line)
    assert "–†" in row and "\t1.0" not in row, row
    # The lone peer counts in HR's decision (rubric 2026.12); the candidate's copy withholds what depends on it.
    candidate = report_data(fw, result, candidate_name="Zoë", current_role="operations_manager",
                            cycle_name="c", assessed_on=data.assessed_on, audience="candidate")
    text = story_text(report_story(candidate))
    row = next(line for line in text.splitlines() if line.startswith("Performance metrics") and "against" not in line)
    assert row.split("\t")[4:7] == ["–†", "–‡", "–‡"], row


def test_unobserved_critical_competency_report_gives_no_band():
    """A critical competency nobody observed: the verdict page says insufficient evidence and names it."""
    fw = framework()
    role = fw.role("head_of_operations")
    ratings = {r.competency_id: r.required for r in role.requirements} | {"people_leadership": "not_observed"}
    sheets = with_written_evidence(fw, role.id, [RaterSheet("manager-1", "manager", ratings)])
    result = assess_readiness(fw, role.id, sheets)
    text = story_text(report_story(replace(sample_report(0, calibrated=False), result=result)))
    assert "Insufficient evidence: People leadership not observed." in text
    assert "Every critical competency was rated by a manager or a peer." in text
    assert "the evidence rule that was not met holds the verdict back" in text


def test_insufficient_evidence_report_says_no_band_is_given():
    """With too little evidence the verdict says so and the band conditions are marked informational."""
    fw = framework()
    ids = [c.id for c in fw.competencies]
    sheets = [RaterSheet("self-1", "self", {i: 4 for i in ids})]
    data = replace(sample_report(0, calibrated=False), result=assess_readiness(fw, "head_of_operations", sheets))
    text = story_text(report_story(data))
    assert "Insufficient evidence" in text and "the band conditions below do not apply" in text


@needs_qpdf
@needs_poppler
@pytest.mark.parametrize("seed", range(len(NAMES)))
def test_rendered_report_is_valid_and_carries_the_text(seed, tmp_path):
    """Each demo-like report passes qpdf --check; its text has the verdict, competencies and names intact."""
    data = sample_report(seed)
    pdf = render_report(data)
    assert pdf.startswith(b"%PDF-")
    qpdf_check(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert data.candidate_name in text
    assert data.result.band_label in text
    pages = text.count("\f")
    assert pages >= 4
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    # Reading order: a long competency name wraps in its table cell, and -layout would interleave the rest
    # of the row between its two lines.
    flat = " ".join(pdf_text(pdf, tmp_path, layout=False).split())
    for comp in data.result.competencies:
        assert comp.name in flat, comp.name


@needs_poppler
def test_unicode_names_and_german_text_survive(tmp_path):
    """Polish, German-Croatian and Vietnamese names and German comments come out of the PDF intact."""
    german = "Hat die Schichtplanung im Werk Süd übernommen; Überstunden um ein Viertel gesenkt (ß, ä, ö)."
    for name in UNICODE_NAMES:
        data = with_comment(replace(sample_report(0), candidate_name=name), german)
        text = pdf_text(render_report(data), tmp_path)
        assert name in text
        assert german in " ".join(text.split())


@needs_qpdf
@needs_poppler
@pytest.mark.parametrize(
    "comment",
    [
        "Budget < plan & costs > forecast; <b>not markup</b> &amp; <para> stays text",
        "x" * 200,
        "Unbroken" + "ä" * 200 + " then normal words after it.",
        ("Over the year she led the restructuring of the northern sites & the ERP rollout. " * 62)[:5000],
        "First paragraph.\r\n\r\nSecond\tparagraph after a tab.\nThird line.",
    ],
    ids=["markup-chars", "200-char-word", "200-char-umlaut-word", "5000-chars", "line-breaks-and-tabs"],
)
def test_nasty_comments_build_and_stay_on_the_page(comment, tmp_path):
    """Comments with <, &, 200-character words or 5,000 characters build, validate and keep their text."""
    data = with_comment(sample_report(1), comment)
    pdf = render_report(data)
    qpdf_check(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    joined = "".join(text.split())
    # The text survives (long words may be broken across lines, so compare without whitespace).
    assert "".join(comment.split())[:300] in joined
    # Nothing is drawn beyond the right margin: pdftotext -bbox would be heavy; the layout text keeps
    # every line within the page's character width instead.
    assert max(len(line) for line in text.splitlines()) < 200


def test_text_block_breaks_long_words_within_the_width():
    """A 200-character word is cut into lines that each fit the available width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from reports.pdf import styles

    block = TextBlock((("W" * 200, False),), styles()["body"])
    block.wrap(300, 1000)
    assert len(block._lines) > 1
    for line in block._lines:
        for text, font, x in line:
            assert x + stringWidth(text, font, styles()["body"].size) <= 300 + 1e-6


def test_text_block_splits_across_pages():
    """A long block splits between lines; the two parts carry all lines."""
    from reports.pdf import styles

    block = TextBlock((("word " * 800, False),), styles()["body"])
    _, height = block.wrap(400, 10_000)
    head, tail = block.split(400, height / 3)
    assert len(head._lines) + len(tail._lines) == len(block._lines)
    assert head.wrap(400, 10_000)[1] <= height / 3


@needs_qpdf
@needs_poppler
def test_panel_summary_builds_with_heat_map_and_counts(tmp_path):
    """The panel summary lists every candidate, every competency and the verdict counts."""
    panel = sample_panel(24)
    text = story_text(panel_story(panel))
    assert "Verdicts" in text and "Decision scores against the required level" in text
    pdf = render_panel_summary(panel)
    qpdf_check(pdf, tmp_path)
    out = pdf_text(pdf, tmp_path)
    for row in panel.rows:
        assert row.candidate_name in out
    computed = {}
    for row in panel.rows:
        computed[row.band_label] = computed.get(row.band_label, 0) + 1
    for _, label in panel.bands:
        assert label in out


def test_radar_svg_draws_every_axis_and_the_legend():
    """The SVG radar has every competency name and the legend, and no XML prolog (inlinable)."""
    data = sample_report(3)
    svg = radar_svg(data.result)
    assert svg.startswith("<svg") and 'role="img"' in svg.split(">", 1)[0]
    assert svg.count("<title>") == 1 and "levels required for" in svg and "<desc>...</desc>" not in svg
    assert "'DejaVu Sans'" in svg
    assert "Decision score" in svg and "Self (not in the verdict)" in svg
    for comp in data.result.competencies:
        for word in comp.name.split():
            assert word in svg


def _shapes(drawing, colour):
    """The polygons and polylines of one colour in a drawing, and its strings."""
    from reportlab.graphics.shapes import PolyLine, Polygon, String

    shapes, strings = [], []

    def walk(nodes):
        for n in nodes:
            if hasattr(n, "contents"):
                walk(n.contents)
            elif isinstance(n, (Polygon, PolyLine)) and n.strokeColor == colour:
                shapes.append(n)
            elif isinstance(n, String):
                strings.append(n.text)

    walk(drawing.contents)
    return shapes, strings


def _axis_of(x, y, count, cx, cy):
    import math

    angle = math.atan2(y - cy, x - cx)
    return round((math.pi / 2 - angle) / (2 * math.pi / count)) % count


def test_radar_draws_no_line_across_an_axis_without_a_score():
    """An axis nobody scored gets no decision line through it, a dashed spoke and "(no score)" under its label."""
    from reports.charts import DECISION

    data = sample_report(3)
    comps = list(data.result.competencies)
    count = len(comps)
    full_shapes, full_strings = _shapes(radar_for(data.result), DECISION)
    assert len(full_shapes) == 1 and len(full_shapes[0].points) == 2 * count, "every axis scored: one closed ring"
    assert "(no score)" not in full_strings
    for missing in ([0], [0, 5], [3, 4]):
        changed = [replace(c, decision_score=None) if i in missing else c for i, c in enumerate(comps)]
        drawing = radar_for(replace(data.result, competencies=tuple(changed)), width=440, height=330)
        shapes, strings = _shapes(drawing, DECISION)
        cx, cy = 440 / 2, 22 + (330 - 22) / 2
        for shape in shapes:
            assert type(shape).__name__ == "PolyLine", "with a gap the decision line is open, never a ring"
            axes = [_axis_of(shape.points[k], shape.points[k + 1], count, cx, cy)
                    for k in range(0, len(shape.points), 2)]
            for a, b in zip(axes, axes[1:]):
                assert (b - a) % count == 1, f"a line joins axes {a} and {b} across a missing axis"
            assert not set(axes) & set(missing)
        assert strings.count("(no score)") == len(missing)


def test_radar_colours_have_at_least_3_to_1_contrast_on_white():
    """The self line, the decision and target lines and the level numbers are at least 3:1 against white."""
    from reports import charts

    def luminance(colour):
        def channel(c):
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.red) + 0.7152 * channel(colour.green) + 0.0722 * channel(colour.blue)

    for name in ("SELF", "DECISION", "TARGET", "SCALE_LABEL"):
        ratio = 1.05 / (luminance(getattr(charts, name)) + 0.05)
        assert ratio >= 3, f"{name} has {ratio:.2f}:1 on white"
        fill = (luminance(charts.DECISION_FILL) + 0.05) / (luminance(getattr(charts, name)) + 0.05)
        assert fill >= 3, f"{name} has {fill:.2f}:1 on the decision fill"
    svg = radar_svg(sample_report(3).result)
    assert "#d08a00" not in svg.lower()


def test_missing_font_fails_with_the_paths_tried(monkeypatch, tmp_path):
    """Without DejaVu Sans in the configured directory, the error names the paths tried."""
    monkeypatch.setenv("OPSLADDER_FONT_DIR", str(tmp_path))
    fonts.register_fonts.cache_clear()
    try:
        with pytest.raises(fonts.FontNotFound) as info:
            fonts.register_fonts()
        assert str(tmp_path / "DejaVuSans.ttf") in str(info.value)
        assert "OPSLADDER_FONT_DIR" in str(info.value)
    finally:
        monkeypatch.delenv("OPSLADDER_FONT_DIR")
        fonts.register_fonts.cache_clear()
        fonts.register_fonts()


@pytest.mark.parametrize("workers", [1, 2])
def test_write_zip_streams_every_report_with_progress(workers):
    """The ZIP holds one valid PDF per item, in order, plus extras; progress counts up to the total."""
    items = [(f"{k}.pdf", sample_report(k)) for k in range(5)]
    calls = []
    buffer = io.BytesIO()
    written = write_zip(items, buffer, workers=workers, progress=lambda d, t: calls.append((d, t)),
                        extra=[("panel-summary.pdf", b"%PDF-panel")])
    assert written == 5
    assert calls == [(k, 5) for k in range(1, 6)]
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert archive.namelist() == ["panel-summary.pdf"] + [name for name, _ in items]
        for name, data in items:
            assert archive.read(name).startswith(b"%PDF-")


def test_write_zip_accepts_a_generator():
    """Items may come from a generator (no length): progress then reports no total."""
    calls = []
    gen = ((f"{k}.pdf", sample_report(k)) for k in range(3))
    assert write_zip(gen, io.BytesIO(), progress=lambda d, t: calls.append((d, t))) == 3
    assert calls == [(1, None), (2, None), (3, None)]


def test_sample_data_is_deterministic_and_varied():
    """The same seed gives the same report data; the demo-like set covers several verdicts and peer modes."""
    assert sample_report(4) == sample_report(4)
    fw = framework()
    import random

    sheets = sample_sheets(fw, "head_of_operations", random.Random(1), 0.0, 0.0, 3)
    assert {s.group for s in sheets} == {"self", "manager", "peer"}
    results = [sample_report(k).result for k in range(30)]
    assert len({r.band_id for r in results}) >= 2
    assert {r.peer_mode for r in results} >= {"shown", "suppressed"}


def test_header_text_is_cut_to_fit():
    """A very long candidate name is cut with an ellipsis in the page header, never run into the margin."""
    from reports.pdf import fit_text
    from reports.text import width_of

    font, _ = fonts.register_fonts()
    long = "Promotion readiness report · " + "Maximiliane-Theodora " * 10
    cut = fit_text(long, font, 7.5, 300)
    assert cut.endswith("…") and width_of(cut, font, 7.5) <= 300
    assert fit_text("short", font, 7.5, 300) == "short"
    pdf = render_report(replace(sample_report(0), candidate_name="Maximiliane-Theodora " * 10))
    assert pdf.startswith(b"%PDF-")


def test_grid_splits_by_rows_and_repeats_the_header():
    """A grid taller than the frame splits between rows; both parts keep the header; colours follow rows."""
    from reportlab.lib import colors

    from reports.grid import GridStyle
    from reports.pdf import styles

    cell = styles()["cell"]
    style = GridStyle(text=cell, header=cell.but(font=cell.bold), wrap=frozenset({0}))
    rows = [[f"Competency {k} " + "long name " * (k % 3), str(k)] for k in range(40)]
    grid = Grid(["Name", "Level"], rows, [120, 40], style, backgrounds={(30, 1): colors.red})
    _, height = grid.wrap(160, 10_000)
    head, tail = grid.split(160, height / 2)
    assert head.header == tail.header == ["Name", "Level"]
    assert head.rows + tail.rows == rows
    assert tail.backgrounds == {(30 - len(head.rows), 1): colors.red}
    assert head.wrap(160, 10_000)[1] <= height / 2
    assert grid.split(160, 1) == []


def test_benchmark_script_runs_and_prints_its_table():
    """bench/reports.py runs end to end on a tiny workload and prints every figure (no timing asserted)."""
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "bench" / "reports.py"
    out = subprocess.run([sys.executable, str(script), "--timed", "6", "--reports", "4"], check=True,
                         capture_output=True, text=True, timeout=300).stdout
    for needed in ["full report (data -> PDF bytes)", "floor (bare canvas, same text)", "ratio report / floor",
                   "ZIP export of 4 reports", "RSS at 25/50/75/100%", "Reports in English", "Reports in Deutsch"]:
        assert needed in out, out
    # One and two workers, in each language.
    assert len([line for line in out.splitlines() if line.strip().startswith(("1 ", "2 "))]) == 4
