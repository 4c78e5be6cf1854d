"""Charts in PDFs: drawn once per data (cached), cleared after drawing, the same picture
from a worker process, embedded without ASCII85; the audit trail written in batches."""

from __future__ import annotations

import hashlib
import json
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate

from qmsdesk.reports import chart_cache, chart_images, chart_pool
from qmsdesk.reports.charts_dashboard import count_bars
from qmsdesk.reports.fingerprint import _parts
from qmsdesk.services.exchange import tables

COUNTS = {"Open": 3, "Done": 5, "Cancelled": 1}


@pytest.fixture(autouse=True)
def fresh_cache():
    chart_cache.clear_memory()
    yield
    chart_cache.clear_memory()


@pytest.fixture
def drawn(monkeypatch):
    """The figures drawn in this process, counted (no worker processes)."""
    monkeypatch.setattr(chart_pool, "workers", lambda: 0)
    calls: list[object] = []
    render = chart_images.render_figure

    def counting(fig, dpi=chart_images.DPI):
        calls.append(fig)
        return render(fig, dpi)

    monkeypatch.setattr(chart_images, "render_figure", counting)
    return calls


def test_an_unchanged_chart_is_drawn_once_then_read_from_memory_and_disk(drawn):
    first = chart_images.chart_image(count_bars, COUNTS, "Actions", width=200)
    again = chart_images.chart_image(count_bars, dict(COUNTS), "Actions", width=200)
    assert first.fingerprint == again.fingerprint
    assert len(drawn) == 1
    chart_cache.clear_memory()  # a later run of the app: only the disk cache is left
    later = chart_images.chart_image(count_bars, COUNTS, "Actions", width=200)
    assert later.fingerprint == first.fingerprint
    assert len(drawn) == 1
    other = chart_images.chart_image(count_bars, {**COUNTS, "Open": 4}, "Actions", width=200)
    assert other.fingerprint != first.fingerprint
    assert len(drawn) == 2


def test_a_damaged_cache_file_is_drawn_again(drawn, data_dir):
    chart_images.chart_image(count_bars, COUNTS, "Actions", width=200).fingerprint  # noqa: B018
    chart_cache.clear_memory()
    (cached,) = (data_dir / "cache" / "charts").glob("*.chart")
    cached.write_bytes(cached.read_bytes()[:-10])  # cut short, as by a full disk
    chart_images.chart_image(count_bars, COUNTS, "Actions", width=200).fingerprint  # noqa: B018
    assert len(drawn) == 2


def test_a_figure_is_cleared_once_drawn():
    fig = count_bars(COUNTS, "Actions")
    assert fig.axes
    chart = chart_images.render_figure(fig)
    assert not fig.axes and not fig.texts  # its artists and their data are let go
    assert chart.pixels == (round(fig.get_size_inches()[0] * 200),
                            round(fig.get_size_inches()[1] * 200))


def test_the_fingerprint_is_still_the_png_of_the_image_it_replaces():
    """Same bytes as the PNG Image flowable the reports embedded before, named "Image",
    so a report reissued on unchanged data keeps its revision."""
    buffer = BytesIO()
    count_bars(COUNTS, "Actions").savefig(buffer, format="png", dpi=200, facecolor="white",
                                          metadata={"Software": None})
    image = chart_images.chart_image(count_bars, COUNTS, "Actions", width=200)
    assert list(_parts(image)) == ["Image", hashlib.sha256(buffer.getvalue()).hexdigest()]


def test_the_pdf_image_is_the_picture_of_the_png_fingerprinted():
    from PIL import Image

    buffer = BytesIO()
    count_bars(COUNTS, "Actions").savefig(buffer, format="png", dpi=200, facecolor="white",
                                          metadata={"Software": None})
    with Image.open(buffer) as png:
        rgb = png.convert("RGB")
    chart = chart_images.render_figure(count_bars(COUNTS, "Actions"))
    assert chart.png_sha256 == hashlib.sha256(buffer.getvalue()).hexdigest()
    assert chart.pixels == rgb.size
    assert zlib.decompress(chart.rgb_flate) == rgb.tobytes()


def test_a_worker_process_draws_the_same_picture(drawn, monkeypatch):
    monkeypatch.setattr(chart_pool, "workers", lambda: 2)
    job = chart_images.ChartJob(count_bars.__module__, count_bars.__qualname__,
                                (COUNTS, "Actions"), ())
    future = chart_pool.submit(chart_images.draw_job, job)
    try:
        if future is None:
            pytest.skip("a single core: charts are drawn in this process")
        assert future.result(timeout=120) == chart_images.draw_job(job)
    finally:
        chart_pool.shutdown()
    assert len(drawn) == 1  # only the one drawn here


def test_charts_are_embedded_as_flate_rgb_without_ascii85(tmp_path: Path):
    out = tmp_path / "chart.pdf"
    charts = [chart_images.chart_image(count_bars, COUNTS, title, width=300)
              for title in ("One", "Two", "One")]  # the third is the first again
    SimpleDocTemplate(str(out)).build(charts)
    images = {ref.idnum: ref.get_object() for page in PdfReader(out).pages
              for ref in page["/Resources"]["/XObject"].values()}
    assert len(images) == 2  # the same chart is stored once
    for image in images.values():
        assert image["/Filter"] == ["/FlateDecode"]  # no /ASCII85Decode
        assert "/SMask" not in image
        assert image["/ColorSpace"] == "/DeviceRGB"
        assert len(image.get_data()) == image["/Width"] * image["/Height"] * 3


def test_an_embedded_chart_waits_in_the_spool_until_the_document_is_written(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    from qmsdesk.reports.page_stream import write_document

    chart = chart_images.chart_image(count_bars, COUNTS, "Actions", width=300).chart
    canvas = Canvas(str(tmp_path / "one.pdf"))
    chart_images.embed(canvas, chart, 300, 200)
    canvas.showPage()
    (xobject,) = [o for o in canvas._doc.idToObject.values()
                  if isinstance(o, chart_images._ChartXObject)]
    assert xobject.streamContent is None  # the picture is not held in memory
    write_document(canvas)
    (page,) = PdfReader(tmp_path / "one.pdf").pages
    (image,) = [ref.get_object() for ref in page["/Resources"]["/XObject"].values()]
    assert zlib.compress(image.get_data()) == chart.rgb_flate


def test_the_audit_trail_is_written_in_batches(shared_demo, today, tmp_path, monkeypatch):
    fetched: list[int] = []
    fetch = tables._fetch

    def counting(db, query):
        rows = fetch(db, query)
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(tables, "AUDIT_BATCH", 500)
    monkeypatch.setattr(tables, "_fetch", counting)
    start = today.replace(year=today.year - 5)
    written = tables.write_audit_jsonl(shared_demo, start, today, tmp_path / "trail.jsonl")
    ids = [json.loads(line)["id"] for line in
           (tmp_path / "trail.jsonl").read_text(encoding="utf-8").splitlines()]
    assert written == len(ids) > 1000
    assert ids == sorted(set(ids))  # every entry once, in order, across the batches
    assert max(fetched) <= 500 and len(fetched) >= written // 500
    rows = list(tables.audit_rows(shared_demo, start, today))
    assert [int(row[0]) for row in rows] == ids


def test_a_report_asking_for_its_charts_one_at_a_time_still_draws_them_in_workers(
        drawn, monkeypatch):
    """A long register's report asks for each section's chart as it reads the section (and
    the fingerprint waits for it at once): from the report's POOL_FROM-th chart on, they go
    to the workers all the same; the next report counts from none again."""
    from concurrent.futures import Future

    monkeypatch.setattr(chart_pool, "workers", lambda: 2)
    sent: list[int] = []

    def submit(function, job):
        sent.append(job.args[0]["Open"])
        done: Future = Future()
        done.set_result(function(job))
        return done

    monkeypatch.setattr(chart_pool, "submit", submit)
    monkeypatch.setattr(chart_pool, "started", lambda: False)
    for report in (0, 100):
        with chart_images.one_report():
            for n in range(report, report + 10):
                image = chart_images.chart_image(count_bars, {**COUNTS, "Open": n},
                                                 "Actions", width=200)
                assert image.fingerprint
        first = report + chart_images.POOL_FROM - 1
        assert sent[-(report + 10 - first):] == list(range(first, report + 10))
    assert len(sent) == 2 * (10 - chart_images.POOL_FROM + 1)


def test_the_charts_of_a_report_being_issued_stay_on_disk_beyond_the_limit(drawn, data_dir):
    def chart(n: int) -> str:
        return chart_images.chart_image(count_bars, {**COUNTS, "Open": n}, "Actions",
                                        width=200).fingerprint

    folder = data_dir / "cache" / "charts"
    for n in range(3):  # an earlier report's
        chart(n)
    with chart_images.one_report():
        fingerprints = [chart(n) for n in range(10, 16)]
        chart_cache.prune(folder, keep=2)
        assert len(list(folder.glob("*.chart"))) == 6  # this report's, all of them
        chart_cache.clear_memory()
        assert [chart(n) for n in range(10, 16)] == fingerprints
    assert len(drawn) == 9  # read back from disk, not drawn again
    chart_cache.prune(folder, keep=2)
    assert len(list(folder.glob("*.chart"))) == 2


KILLED_PARENT = r"""
import os, signal
from qmsdesk.reports import chart_pool
chart_pool.workers = lambda: 2
print(chart_pool.submit(os.getpid).result(timeout=120), flush=True)  # a worker's
os.kill(os.getpid(), signal.SIGKILL)  # as a crash or a kill would: no exit handlers
"""


def test_the_chart_workers_end_when_the_program_that_started_them_is_killed(tmp_path):
    import os
    import subprocess
    import sys
    import time

    env = dict(os.environ, QMSDESK_DATA_DIR=str(tmp_path))
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:  # a worker left would hold a pipe
        subprocess.run([sys.executable, "-c", KILLED_PARENT], stdout=stdout, stderr=stderr,
                       env=env, timeout=180, cwd=Path(__file__).parents[2])
    workers = [int(pid) for pid in out.read_text().split()]
    assert workers, err.read_text()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return not Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")

    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)
