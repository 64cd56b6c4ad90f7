"""``brief review`` driven by Textual's pilot: decisions land in the YAML, and only them."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

pytest.importorskip("textual", reason="the review extra (Textual) is not installed")

from brief_cli.cli.review import prepare_review  # noqa: E402
from brief_cli.filters import Filters  # noqa: E402
from helpers import write_corpus  # noqa: E402

SNAPSHOTS = Path(__file__).parent / "snapshots"

CORPUS = {
    "energy-outlook": dict(
        title="Energy Outlook for Central Asia", published="2023-05-02",
        passages=[
            {"text": "Kazakhstan exports oil and gas through pipelines to China.",
             "kind": "context", "sectors": ["energy", "trade"], "actors": ["kazakhstan", "china"],
             "reviewed": False},
            {"text": "Dependency on a single pipeline is a risk for the region.",
             "kind": "challenge", "sectors": ["energy"], "actors": [], "reviewed": False},
            {"text": "Solar and wind power offer a real opportunity for new investment.",
             "kind": "opportunity", "sectors": ["clean-energy"], "actors": [],
             "reviewed": True},
        ]),
    "tourism-note": dict(
        title="Tourism After the Pandemic", published="2024-03-10",
        passages=[
            {"text": "Tourist arrivals in Uzbekistan doubled last year.", "kind": "context",
             "sectors": ["tourism"], "actors": ["uzbekistan"], "reviewed": False},
        ]),
}


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", CORPUS)


def make_app(root, order="corpus", **kw):
    return prepare_review(kw.get("words", []), order, kw.get("all", False),
                          kw.get("filters", Filters()), root, None, False)


def screen_text(app) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join(s.text.rstrip() for s in strips)


async def settle(pilot):
    """Let background work (the evidence, the ordering) finish and the screen redraw."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def drive(app, *steps, size=(80, 24)):
    """Run the app, pressing keys (strings) or calling hooks (callables with the pilot)."""
    shots = []

    async def main():
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for step in steps:
                if callable(step):
                    shots.append(step(app))
                else:
                    await pilot.press(*step.split())
                    await settle(pilot)

    asyncio.run(main())
    return shots


def lines_changed(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b), "lines were added or removed"
    return [(x, y) for x, y in zip(a, b) if x != y]


def test_accept_kind_sector_picker_undo_quit(corpus):
    energy = corpus / "energy-outlook.yaml"
    tourism = corpus / "tourism-note.yaml"
    energy_before, tourism_before = energy.read_text(), tourism.read_text()
    app = make_app(corpus)
    drive(app,
          "enter",                      # p01: accepted as it is (reviewed: true)
          "o",                          # p02: kind opportunity
          "s", "s e c u r", "enter", "escape",  # + security through the picker
          "s", "e n e r g y", "enter", "escape",  # - energy
          "enter",                      # written
          "c", "u",                     # tourism p01: kind changed, then undone (not written)
          "enter",                      # tourism p01 accepted
          "u",                          # undo that decision: back to reviewed: false
          "q")
    assert lines_changed(energy_before, energy.read_text()) == [
        ("  reviewed: false", "  reviewed: true"),         # p01
        ("  kind: challenge", "  kind: opportunity"),      # p02
        ("  - energy", "  - security"),
        ("  reviewed: false", "  reviewed: true"),
    ]
    assert tourism.read_text() == tourism_before  # accepted, then undone
    assert app.session.done == 2  # p01 and p02; the tourism decision was undone


def test_skip_writes_nothing_and_back_returns(corpus):
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    app = make_app(corpus)
    drive(app, "n n b x", "n", "q")  # staged 'context' on p02 is dropped when moving on
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before


def test_actor_picker_and_search(corpus):
    energy = corpus / "energy-outlook.yaml"
    before = energy.read_text()
    app = make_app(corpus)
    drive(app, "slash", "p i p e l i n e", "enter",  # finds p02 (p01 is where we start)
          "a", "c h i n a", "enter", "escape", "enter", "q")
    assert lines_changed(before, energy.read_text()) == [
        ("  actors: []", "  actors: [china]"), ("  reviewed: false", "  reviewed: true")]


def test_queue_unreviewed_by_default_all_and_filters(corpus):
    assert len(make_app(corpus).session) == 3
    assert len(make_app(corpus, all=True).session) == 4
    assert len(make_app(corpus, filters=Filters(sectors=("tourism",))).session) == 1
    session = make_app(corpus, words=["pipeline"]).session
    assert sorted(h.uid for h in session.hits(session.items)) == [
        "energy-outlook#p01", "energy-outlook#p02"]


def test_conflict_is_refused_with_a_message(corpus):
    energy = corpus / "energy-outlook.yaml"
    app = make_app(corpus)

    def meddle(app):
        energy.write_text(energy.read_text().replace("kind: context", "kind: challenge", 1))

    drive(app, meddle, "o enter", lambda app: screen_text(app), "q")
    text = energy.read_text()
    assert "kind: challenge" in text and "kind: opportunity" not in text.split("p02")[0]
    assert app.session.done == 0


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_screen_snapshot(corpus, size):
    app = make_app(corpus)
    shots = drive(app, "n", screen_text, "s", screen_text, "escape question_mark", screen_text,
                  size=size)
    name = f"review_{size[0]}x{size[1]}.txt"
    got = "\n\n=====\n\n".join(shots) + "\n"
    path = SNAPSHOTS / name
    if os.environ.get("BRIEF_UPDATE_SNAPSHOTS") or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), (
        f"screen differs from {path.name}; set BRIEF_UPDATE_SNAPSHOTS=1 to accept the new one")
    main = shots[0]
    assert "Energy Outlook for Central Asia" in main
    assert "Dependency on a single pipeline" in main  # the passage
    assert "Kazakhstan exports oil" in main           # its neighbour
    assert "why:" in main and "2/3" in main
    assert all(len(line) <= size[0] for line in main.splitlines())
    assert "q quit" in main  # the whole key bar fits


def test_the_suggestion_is_what_reviews_teach_and_accept_writes_it(tmp_path):
    # 30 reviewed passages: these reviewers tag "homestays" tourism, a word the taxonomy lacks
    reviewed = [{"text": f"Village homestays in valley {i} drew many guests this season.",
                 "kind": "context", "sectors": ["tourism"], "reviewed": True}
                for i in range(30)]
    articles = {f"note-{j}": dict(passages=reviewed[j * 5:(j + 1) * 5]) for j in range(6)}
    articles["new-note"] = dict(passages=[
        {"text": "More homestays opened in the valley, the council reported.",
         "kind": "context", "sectors": [], "actors": [], "reviewed": False}])
    root = write_corpus(tmp_path / "corpus", articles)
    path = root / "new-note.yaml"
    before = path.read_text()
    app = make_app(root)
    shots = drive(app, screen_text, "enter", "q")
    assert "+tourism" in shots[0] and "suggested: tagger + 30 reviews" in shots[0]
    assert "added by what 30 reviewed passages teach" in shots[0]  # and why
    assert lines_changed(before, path.read_text()) == [
        ("  sectors: []", "  sectors: [tourism]"), ("  reviewed: false", "  reviewed: true")]


def _without_textual(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_textual(name, *args, **kwargs):
        if name == "textual" or name.startswith("textual."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_textual)


def test_without_textual_the_app_says_how_to_install(monkeypatch):
    from brief_cli.errors import BriefError
    from brief_cli.tui import require_textual

    _without_textual(monkeypatch)
    with pytest.raises(BriefError) as info:
        require_textual()
    assert "pip install 'brief-cli[review]'" in str(info.value)


def test_list_prints_the_queue_without_textual(run, corpus, monkeypatch):
    import json

    _without_textual(monkeypatch)
    result = run("review", "--list", "--order", "corpus", "--corpus", corpus, "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["passage"] for r in rows] == ["energy-outlook#p01", "energy-outlook#p02",
                                            "tourism-note#p01"]
    assert all(0.0 <= r["uncertainty"] <= 1.0 for r in rows)


def test_list_uncertain_first(run, corpus):
    import json

    result = run("review", "--corpus", corpus, "-f", "jsonl")  # not a terminal: the list
    assert result.exit_code == 0, result.stderr
    scores = [json.loads(line)["uncertainty"] for line in result.stdout.splitlines()]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3


def test_nothing_to_review_exit_1(run, corpus):
    for path in corpus.glob("*.yaml"):
        path.write_text(path.read_text().replace("reviewed: false", "reviewed: true"))
    result = run("review", "--corpus", corpus)
    assert result.exit_code == 1 and "--all" in result.stderr


def test_textual_is_not_imported_at_start_up():
    import subprocess
    import sys

    code = ("import sys; from brief_cli.cli import app; "
            "print(any(m.split('.')[0] == 'textual' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
