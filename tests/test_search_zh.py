"""Searching Chinese passages: words, phrases across segment boundaries, prefixes, OR/NOT,
mixed Chinese/English text and highlights on the right characters. (Passages written for the
tests.)"""

from __future__ import annotations

import pytest

from brief_cli import config
from brief_cli.filters import Filters
from brief_cli.index import open_index
from brief_cli.search import search
from brief_cli.taxonomy import load_taxonomy
from helpers import write_corpus

ARTICLES = {
    "zh-corridor": dict(
        title="中哈合作观察", published="2024-07-05", language="zh", passages=[
            {"text": "两国共建“一带一路”取得丰硕成果，中欧班列开行数量持续增长。"},
            {"text": "发展新质生产力，推动人工智能与实体经济深度融合。"},
            {"text": "管道运输面临风险，能源合作仍有困难。"},
            {"text": "哈萨克斯坦与 China 在 5G 网络和 AI 方面开展合作，投资达到 30 亿美元。"},
            {"text": "中国。人民生活水平提高，人工成本上升。"},
        ]),
    "en-note": dict(
        title="Energy Note", published="2024-01-10", passages=[
            {"text": "Pipelines carry gas from Kazakhstan to China.", "kind": "context"},
            {"text": "The Belt and Road Initiative links ports and railways.", "kind": "context"},
        ]),
}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(config.bundled_taxonomy_path())


@pytest.fixture
def index(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "corpus", ARTICLES)
    ix = open_index(root, taxonomy.path, lambda: taxonomy)
    yield ix
    ix.close()


def find(index, taxonomy, query, **kw):
    return search(index, query, Filters(), taxonomy=taxonomy, limit=None, **kw)


def uids(result):
    return [h.uid for h in result.hits]


def marked(hit):
    return [hit.text[a:b] for a, b in hit.spans]


def test_a_phrase_is_found_inside_quotes_and_across_segment_boundaries(index, taxonomy):
    r = find(index, taxonomy, "一带一路")
    assert uids(r) == ["zh-corridor#p01"]
    assert marked(r.hits[0]) == ["一带一路"]
    # The text comes back exactly as written: no separators left in it.
    assert r.hits[0].text == "两国共建“一带一路”取得丰硕成果，中欧班列开行数量持续增长。"


def test_a_word_is_found_as_a_word_with_its_highlight(index, taxonomy):
    r = find(index, taxonomy, "人工智能")
    assert uids(r) == ["zh-corridor#p02"]
    assert marked(r.hits[0]) == ["人工智能"]
    r = find(index, taxonomy, "新质生产力")
    assert marked(r.hits[0]) == ["新质生产力"]


def test_characters_never_match_across_punctuation(index, taxonomy):
    # "中国。人民" holds the characters of 国人 next to each other, but not as text.
    assert find(index, taxonomy, "国人").total == 0


def test_quoted_phrase_of_two_words(index, taxonomy):
    r = find(index, taxonomy, '"中欧班列开行"')
    assert uids(r) == ["zh-corridor#p01"]
    assert marked(r.hits[0]) == ["中欧班列开行"]


def test_or_and_not(index, taxonomy):
    r = find(index, taxonomy, "管道 OR 班列")
    assert set(uids(r)) == {"zh-corridor#p01", "zh-corridor#p03"}
    r = find(index, taxonomy, "合作 -能源")
    assert uids(r) == ["zh-corridor#p04"]
    r = find(index, taxonomy, "合作 NOT 能源")
    assert uids(r) == ["zh-corridor#p04"]


def test_prefix(index, taxonomy):
    r = find(index, taxonomy, "人工*")
    assert set(uids(r)) == {"zh-corridor#p02", "zh-corridor#p05"}


def test_mixed_chinese_and_english(index, taxonomy):
    r = find(index, taxonomy, "China 合作")
    assert uids(r) == ["zh-corridor#p04"]
    assert sorted(marked(r.hits[0])) == ["China", "合作"]
    r = find(index, taxonomy, "5G网络")
    assert uids(r) == ["zh-corridor#p04"]
    r = find(index, taxonomy, "china")
    assert set(uids(r)) == {"zh-corridor#p04", "en-note#p01"}


def test_english_search_is_unchanged_beside_chinese(index, taxonomy):
    r = find(index, taxonomy, "pipelin")  # typo tolerance still applies to English
    assert uids(r) == ["en-note#p01"]
    assert marked(r.hits[0]) == ["Pipelines"]


def test_no_typo_correction_for_chinese(index, taxonomy):
    r = find(index, taxonomy, "新质生产率")
    assert r.total == 0 and not r.corrections and not r.suggestions


def test_incremental_update_of_a_chinese_article(tmp_path, taxonomy):
    root = write_corpus(tmp_path / "c", ARTICLES)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        assert find(ix, taxonomy, "班列").total == 1
    path = root / "zh-corridor.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("中欧班列", "中亚班列"),
                    encoding="utf-8")
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        assert not ix.refresh.rebuilt
        r = find(ix, taxonomy, "中亚班列")
        assert uids(r) == ["zh-corridor#p01"] and marked(r.hits[0]) == ["中亚班列"]
        assert find(ix, taxonomy, "中欧班列").total == 0


def test_a_one_word_query_needs_no_segmenter(tmp_path, taxonomy):
    import subprocess
    import sys

    root = write_corpus(tmp_path / "c", ARTICLES)
    with open_index(root, taxonomy.path, lambda: taxonomy):
        pass  # built here, so the process below only searches
    code = (
        "import sys\n"
        "from brief_cli import config\n"
        "from brief_cli.filters import Filters\n"
        "from brief_cli.index import open_index\n"
        "from brief_cli.search import search\n"
        "from brief_cli.taxonomy import load_taxonomy\n"
        "t = load_taxonomy(config.bundled_taxonomy_path())\n"
        f"ix = open_index({str(root)!r}, t.path, lambda: t)\n"
        "hits = [search(ix, q, Filters(), taxonomy=t).total for q in sys.argv[1:]]\n"
        "print(hits, 'rjieba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code, "人工智能", "中欧班列"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[1, 1] False"


TRADITIONAL = {
    "tw-note": dict(title="中哈合作", published="2024-07-06", language="zh", passages=[
        {"text": "兩國共建「一帶一路」取得豐碩成果，中歐班列開行數量持續增長。"},
    ]),
    "cn-note": dict(title="中哈合作", published="2024-07-07", language="zh", passages=[
        {"text": "两国共建“一带一路”取得丰硕成果。"},
    ]),
}


def test_simplified_and_traditional_find_each_other(tmp_path, taxonomy):
    pytest.importorskip("opencc", reason="the zh extra (OpenCC) folds the two scripts")
    root = write_corpus(tmp_path / "t", TRADITIONAL)
    with open_index(root, taxonomy.path, lambda: taxonomy) as ix:
        for query in ("一带一路", "一帶一路"):
            r = find(ix, taxonomy, query)
            assert sorted(uids(r)) == ["cn-note#p01", "tw-note#p01"], query
            shown = {h.uid: marked(h) for h in r.hits}
            # The text is shown as written, with the match on its own characters.
            assert shown == {"tw-note#p01": ["一帶一路"], "cn-note#p01": ["一带一路"]}
        assert uids(find(ix, taxonomy, "中欧班列")) == ["tw-note#p01"]
