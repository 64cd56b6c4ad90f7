"""Chinese articles through the commands: --language everywhere the shared filters apply,
summaries with Chinese key sentences and terms, and views that fit 80 columns. (Articles
written for the tests.)"""

from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len

from brief_cli.model import Article, Passage
from brief_cli.summary import content_words, split_sentences
from helpers import write_corpus

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

ZH_PASSAGES = [
    {"text": "中哈两国共建“一带一路”取得丰硕成果。中欧班列开行数量持续增长，铁路和港口物流更加顺畅。",
     "kind": "opportunity", "sectors": ["infrastructure"], "actors": ["china", "kazakhstan"]},
    {"text": "能源合作面临风险。油气管道运输能力不足，电力项目融资困难，部分工程进展缓慢。",
     "kind": "challenge", "sectors": ["energy", "finance"], "actors": []},
    {"text": "双方同意发展人工智能和数字经济，扩大跨境电商合作。数字经济将成为合作新引擎。",
     "kind": "opportunity", "sectors": ["digital"], "actors": []},
    {"text": "风电和光伏项目进展顺利。新能源合作前景广阔，绿色能源投资持续增长。",
     "kind": "opportunity", "sectors": ["clean-energy"], "actors": []},
]
ARTICLES = {
    "zhong-ha-he-zuo": dict(title="中哈合作观察：共建“一带一路”的新进展与新挑战",
                            source="新华社", published="2024-07-05", language="zh",
                            passages=ZH_PASSAGES),
    "energy-note": dict(title="Energy Note", published="2024-01-10", passages=[
        {"text": "Pipelines carry gas from Kazakhstan to China, a risk for both.",
         "kind": "challenge", "sectors": ["energy"], "actors": ["kazakhstan", "china"]},
    ]),
}


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", ARTICLES)


def lines_fit(text: str, columns: int) -> None:
    for line in ANSI.sub("", text).splitlines():
        assert cell_len(line) <= columns, line


@pytest.mark.parametrize("language, expected", [
    ("zh", {"zhong-ha-he-zuo#p02"}), ("en", {"energy-note#p01"}),
    ("zh-CN", {"zhong-ha-he-zuo#p02"}), ("chinese", {"zhong-ha-he-zuo#p02"}),
])
def test_search_language_filter(run, corpus, language, expected):
    result = run("search", "--sector", "energy", "--language", language, "--corpus", corpus,
                 "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert {json.loads(line)["id"] for line in result.stdout.splitlines()} == expected


def test_inline_language_filter_and_no_match(run, corpus):
    result = run("search", "风险 lang:zh", "--corpus", corpus, "-f", "jsonl")
    assert result.exit_code == 0
    assert run("search", "pipelines", "--language", "zh", "--corpus", corpus).exit_code == 1


def test_bad_language_value(run, corpus):
    result = run("search", "x", "--language", "12", "--corpus", corpus)
    assert result.exit_code == 2 and "--language" in result.stderr


@pytest.mark.parametrize("command", [["sectors"], ["summary"], ["export"]])
def test_language_filter_on_the_other_commands(run, corpus, command):
    result = run(*command, "--language", "zh", "--corpus", corpus, "-f", "json") \
        if command[0] != "export" else run(*command, "--language", "zh", "--corpus", corpus)
    assert result.exit_code == 0, result.stderr
    assert "Pipelines" not in result.stdout
    if command[0] == "export":
        assert "一带一路" in result.stdout


def test_sectors_are_language_neutral(run, corpus):
    result = run("sectors", "--corpus", corpus, "-f", "json")
    rows = {r["id"]: r for r in json.loads(result.stdout)["sectors"]} \
        if isinstance(json.loads(result.stdout), dict) else \
        {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["energy"]["passages"] == 2  # one Chinese passage, one English


def test_chinese_sentences_and_terms_for_summaries():
    assert split_sentences("能源合作面临风险。“管道不足！”电力项目融资困难") == [
        "能源合作面临风险。", "“管道不足！”", "电力项目融资困难"]
    words = [w for _s, w in content_words("我们的能源合作面临风险，但是前景广阔。")]
    assert "能源" in words and "风险" in words
    assert not {"我们", "的", "但是"} & set(words)


def test_summary_of_a_chinese_article(run, corpus):
    result = run("summary", "zhong-ha-he-zuo", "--corpus", corpus, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    text = json.dumps(data, ensure_ascii=False)
    assert "数字经济" in text  # a distinctive term: a segmented word, not a character
    sentences = [s["text"] for s in data.get("key_sentences", [])] if isinstance(data, dict) \
        else []
    assert all("。" not in s[:-1] for s in sentences)


@pytest.mark.parametrize("args", [
    ["search", "一带一路"], ["search", "合作", "-n", "4"], ["show", "zhong-ha-he-zuo"],
    ["show", "zhong-ha-he-zuo#p02"], ["summary", "zhong-ha-he-zuo"], ["summary"],
    ["sectors"], ["articles"],
])
def test_views_with_chinese_fit_80_columns(run, corpus, args):
    result = run(*args, "--corpus", corpus, env={"COLUMNS": "80", "BRIEF_FORCE_TERMINAL": "1"})
    assert result.exit_code == 0, result.stderr
    lines_fit(result.stdout, 80)
    if args[0] != "sectors":
        assert re.search("[\u4e00-\u9fff]", result.stdout)


def test_search_highlight_is_on_the_chinese_word(run, corpus):
    result = run("search", "一带一路", "--corpus", corpus,
                 env={"COLUMNS": "120", "BRIEF_FORCE_TERMINAL": "1"})
    styled = re.findall(r"\x1b\[[0-9;]*m([^\x1b]+)\x1b\[0m", result.stdout)
    assert "一带一路" in styled
