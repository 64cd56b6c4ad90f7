"""Small things that read badly on a real terminal, found by looking at real corpora: Chinese
titles cut with "…" in tables, notes longer than the screen broken inside words, an empty table
header, Markdown previews broken inside words."""

from __future__ import annotations

import re

from helpers import write_corpus

ANSI = re.compile(r"\x1b\[[0-9;]*m")
ZH_TITLE = "政府工作报告——2025年3月5日在第十四届全国人民代表大会第三次会议上（国务院总理 李强）"


def _screen(run, *args, width=80, stream="stdout"):
    result = run(*args, env={"COLUMNS": str(width), "LINES": "50", "BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code in (0, 1), result.stderr
    return [ANSI.sub("", line) for line in getattr(result, stream).splitlines()]


def test_a_chinese_title_folds_instead_of_being_cut(run, tmp_path):
    corpus = write_corpus(tmp_path / "c", {"zheng-fu-gong-zuo-bao-gao": dict(
        title=ZH_TITLE, language="zh", passages=[{"text": "经济运行总体平稳。"}])})
    for width in (60, 80, 120):
        lines = _screen(run, "articles", "--corpus", corpus, width=width)
        han = re.compile(r"[\u4e00-\u9fff]")
        assert "".join(han.findall(ZH_TITLE)) in "".join(han.findall("".join(lines))), lines
        assert not any("…" in line for line in lines), lines


def test_a_table_without_headers_has_no_empty_header_row(run, tmp_path):
    corpus = write_corpus(tmp_path / "c")
    lines = _screen(run, "index", "--corpus", corpus)
    assert not any(line.startswith("┃") and not line.strip("┃ ") for line in lines), lines
    assert any(line.startswith("│articles") for line in lines), lines


def test_a_long_note_wraps_at_words_on_a_terminal(monkeypatch, capsys):
    from brief_cli.render import common

    message = "showing the 10 largest of 20 sectors; widen the terminal or use --format csv " \
              "for all of them, every number included"
    monkeypatch.setenv("BRIEF_FORCE_TERMINAL", "1")
    monkeypatch.setenv("COLUMNS", "40")
    common.reset_consoles()
    try:
        common.note(message)
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) > 1 and all(len(ANSI.sub("", line)) <= 40 for line in lines)
        assert " ".join(ANSI.sub("", line).strip() for line in lines) == message
        monkeypatch.delenv("BRIEF_FORCE_TERMINAL")
        monkeypatch.setenv("TERM", "dumb")
        common.reset_consoles()
        common.note(message)  # piped: one line, whatever its length
        assert capsys.readouterr().err == message + "\n"
    finally:
        common.reset_consoles()


def test_a_markdown_preview_wraps_at_words_and_means_the_same():
    from markdown_it import MarkdownIt

    from brief_cli.render.common import wrap_for_reading

    doc = ("---\ntitle: A very long title that the front matter keeps on one line whatever "
           "the width\n---\n# Excerpts\n\n> " + "The debt burden rose again this year, "
           "economists said, as lenders weighed projects. " * 3 + "\n\n— Ann Author, *A "
           "Title*, Test Review, 2024-01-15, `an-article-with-a-long-id#p04`, "
           "<https://example.org/a/very/long/address/that/cannot/be/broken/anywhere.html>\n\n"
           "| a | b |\n|---|---|\n| " + "x " * 40 + "| y |\n")
    wrapped = wrap_for_reading(doc, 60)
    assert wrapped.split("---")[1] == doc.split("---")[1]  # front matter as it was
    body = wrapped.split("---\n", 2)[2]
    for line in body.splitlines():
        assert len(line) <= 60 or " " not in line.strip("> ") or line.startswith("|"), line
    quote = [line for line in body.splitlines() if line.startswith(">")]
    assert len(quote) > 1 and all(line.startswith("> ") for line in quote)
    assert "`an-article-with-a-long-id#p04`" in body  # tokens never split
    md = MarkdownIt("commonmark").enable("table")

    def shown(text):
        return " ".join(re.sub(r"\s+", " ", md.render(text)).split())

    assert shown(wrapped) == shown(doc)
