"""Charts for reports: the SVG parses and names what it shows, one bar or point per category
or period, PNGs have the A4-width size, and nothing needs matplotlib unless a chart is asked."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import write_corpus
from test_analysis import ARTICLES

matplotlib = pytest.importorskip(
    "matplotlib", reason="charts need the charts extra: pip install 'brief-cli[charts]'")

from brief_cli import charts  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def corpus_dir(tmp_path):
    return write_corpus(tmp_path / "corpus", ARTICLES)


def svg_of(path: Path):
    root = ET.parse(path).getroot()  # raises if the SVG is not well-formed XML
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    ids = [e.get("id") or "" for e in root.iter()]
    title = root.find(f".//{SVG}title")
    return root, texts, ids, title


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_sectors_chart_svg(run, corpus_dir, tmp_path):
    out = tmp_path / "sectors.svg"
    result = run("sectors", "--corpus", corpus_dir, "--chart", out)
    assert result.exit_code == 0, result.stderr
    assert "chart written to" in result.stderr
    _, texts, ids, title = svg_of(out)
    assert "Passages by sector and kind" in texts
    assert "sector" in texts and "passages" in texts  # axis labels
    assert title is not None and "Passages by sector" in "".join(title.itertext())
    # 7 sectors with passages, one bar per sector and kind
    for kind in ("challenge", "opportunity", "context"):
        assert len([i for i in ids if i.startswith(f"bar-{kind}-")]) == 7
    assert "bar-challenge-infrastructure" in ids


def test_compare_chart_svg_and_png(run, corpus_dir, tmp_path):
    svg = tmp_path / "compare.svg"
    result = run("compare", "actor:kazakhstan", "actor:china", "--corpus", corpus_dir,
                 "--chart", svg)
    assert result.exit_code == 0, result.stderr
    _, texts, ids, _ = svg_of(svg)
    assert "Sector shares" in texts and "share of each side" in texts and "sector" in texts
    assert len([i for i in ids if i.startswith("bar-a-")]) == 7
    assert len([i for i in ids if i.startswith("bar-b-")]) == 7
    png = tmp_path / "compare.png"
    assert run("compare", "actor:kazakhstan", "actor:china", "--corpus", corpus_dir,
               "--chart", png).exit_code == 0
    width, height = png_size(png)
    assert width == round(charts.WIDTH_IN * charts.DPI)
    assert height == round((charts.BASE_IN + charts.ROW_IN * 7) * charts.DPI)


def test_trends_chart_one_point_per_period(run, corpus_dir, tmp_path):
    svg = tmp_path / "trends.svg"
    result = run("trends", "--corpus", corpus_dir, "--of", "kinds", "--chart", svg)
    assert result.exit_code == 0, result.stderr
    root, texts, ids, _ = svg_of(svg)
    assert "Kinds by year, 2020–2023" in texts and "passages" in texts and "year" in texts
    for year in ("2020", "2021", "2022", "2023"):
        assert year in texts
    for kind in ("challenge", "opportunity", "context"):
        assert f"series-{kind}" in ids
        group = next(e for e in root.iter() if e.get("id") == f"series-{kind}")
        # matplotlib draws each marker as a <use> of one marker path
        assert len(list(group.iter(f"{SVG}use"))) == 4
    png = tmp_path / "trends.png"
    assert run("trends", "--corpus", corpus_dir, "--chart", png, "--share").exit_code == 0
    assert png_size(png) == (round(charts.WIDTH_IN * charts.DPI), round(3.8 * charts.DPI))


def test_chart_errors(run, corpus_dir, tmp_path):
    bad = run("trends", "--corpus", corpus_dir, "--chart", tmp_path / "chart.gif")
    assert bad.exit_code == 2 and ".svg" in bad.stderr
    missing = run("trends", "--corpus", corpus_dir, "--chart", tmp_path / "no" / "c.svg")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    matrix = run("sectors", "--matrix", "--corpus", corpus_dir, "--chart", tmp_path / "m.svg")
    assert matrix.exit_code == 2
    assert not list(tmp_path.glob("*.svg")) and not list(tmp_path.glob(".*.tmp"))


def test_missing_matplotlib_is_a_clear_error_and_not_needed_without_chart(corpus_dir, tmp_path):
    # A module set to None in sys.modules cannot be imported: as if the extra were missing.
    code = f"""
import sys
sys.modules["matplotlib"] = None
from typer.testing import CliRunner
from brief_cli.cli import app
r = CliRunner()
corpus = {str(corpus_dir)!r}
for args in (["trends"], ["compare", "actor:china"], ["kwic", "debt"], ["sectors"]):
    res = r.invoke(app, args + ["--corpus", corpus])
    assert res.exit_code == 0, (args, res.output)
res = r.invoke(app, ["trends", "--corpus", corpus, "--chart", {str(tmp_path / 'x.svg')!r}])
assert res.exit_code == 2, res.output
print(res.output)
"""
    env = {**os.environ, "BRIEF_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "pip install 'brief-cli[charts]'" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout


def test_terminal_views_do_not_import_matplotlib(corpus_dir, tmp_path):
    code = f"""
import sys
from typer.testing import CliRunner
from brief_cli.cli import app
r = CliRunner()
for args in (["trends"], ["compare", "actor:china"], ["kwic", "debt"], ["sectors"]):
    assert r.invoke(app, args + ["--corpus", {str(corpus_dir)!r}]).exit_code == 0
assert "matplotlib" not in sys.modules and "brief_cli.charts" not in sys.modules
"""
    env = {**os.environ, "BRIEF_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


def test_chart_names_the_filters(run, corpus_dir, tmp_path):
    svg = tmp_path / "t.svg"
    assert run("trends", "--corpus", corpus_dir, "--kind", "challenge", "--chart",
               svg).exit_code == 0
    assert "kinds: challenge" in svg_of(svg)[1]
    svg = tmp_path / "c.svg"
    assert run("compare", "kz-*", "cn-*", "--since", "2021", "--corpus", corpus_dir,
               "--chart", svg).exit_code == 0
    assert "both sides: since: 2021-01-01" in svg_of(svg)[1]
