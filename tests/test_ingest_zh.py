"""Ingesting Chinese articles: header lines, furniture, paragraph layouts, dates, legacy
encodings, HTML, ids, and the whole command. (Articles written for the tests.)"""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from brief_cli.ingest import parse_text
from brief_cli.ingest.chinese import slug_of

NEWS_PAGE = """\
中哈能源合作迈上新台阶
2024年07月05日 10:30　来源：人民网－人民日报　作者：张三、李四
分享到：微信 微博 QQ空间
【字号：大 中 小】

　　中哈两国共建“一带一路”取得丰硕成果。能源合作不断深化，
中欧班列开行数量持续增长。
　　双方同意加强人工智能、数字经济和绿色能源领域的合作，推动互利共赢。
　　但管道运输仍面临风险，部分项目融资困难。

扫一扫在手机打开当前页
（责编：赵六、钱七）
【打印】【关闭窗口】
"""


def test_a_chinese_news_page():
    draft = parse_text(NEWS_PAGE)
    assert draft.language == "zh"
    assert draft.title == "中哈能源合作迈上新台阶"
    assert draft.source == "人民网－人民日报"
    assert draft.authors == ("张三", "李四")
    assert draft.published == date(2024, 7, 5)
    assert draft.paragraphs == (
        "中哈两国共建“一带一路”取得丰硕成果。能源合作不断深化，中欧班列开行数量持续增长。",
        "双方同意加强人工智能、数字经济和绿色能源领域的合作，推动互利共赢。",
        "但管道运输仍面临风险，部分项目融资困难。",
    )
    reasons = {d.text: d.reason for d in draft.dropped}
    assert reasons["分享到：微信 微博 QQ空间"] == "sharing buttons"
    assert reasons["扫一扫在手机打开当前页"] == "QR code note"
    assert reasons["（责编：赵六、钱七）"] == "editor line"
    assert "【打印】【关闭窗口】" in reasons


def test_separate_header_lines_and_one_paragraph_per_line():
    text = ("数字丝绸之路观察\n来源：新华社\n作者：王小明\n发布时间：二〇二四年七月五日\n"
            "责任编辑：王五\n\n"
            "数字经济成为合作新引擎。\n跨境电商快速发展。\n双方将扩大5G网络建设。\n")
    draft = parse_text(text)
    assert (draft.title, draft.source, draft.authors, draft.published) == (
        "数字丝绸之路观察", "新华社", ("王小明",), date(2024, 7, 5))
    assert draft.paragraphs == ("数字经济成为合作新引擎。", "跨境电商快速发展。",
                                "双方将扩大5G网络建设。")
    assert any(d.text == "责任编辑：王五" for d in draft.dropped)


def test_english_header_lines_over_a_chinese_body():
    text = ("中亚交通观察\nSource: 光明日报\nDate: 2024-07-05\nURL: https://example.org/a\n\n"
            "各位代表：\n\n铁路和公路建设加快推进。\n\n一、主要任务\n\n港口物流持续改善。\n")
    draft = parse_text(text)
    assert draft.source == "光明日报" and draft.published == date(2024, 7, 5)
    assert draft.url == "https://example.org/a"
    # The salutation opens the paragraph after it; the numbered heading is dropped as one.
    assert draft.paragraphs == ("各位代表：铁路和公路建设加快推进。", "港口物流持续改善。")
    assert any(d.reason == "heading" and d.text == "一、主要任务" for d in draft.dropped)


def test_long_chinese_paragraphs_split_at_sentence_ends():
    body = "".join(f"第{i}项措施将推动能源、交通和数字经济领域的务实合作取得新进展。"
                   for i in range(40))
    draft = parse_text("标题\n来源：新华社\n\n" + body + "\n")
    assert len(draft.paragraphs) > 2
    assert "".join(draft.paragraphs) == body
    assert all(p.endswith("。") and len(p) <= 600 for p in draft.paragraphs)


def test_pinyin_ids():
    assert slug_of("中哈合作——2024年7月") == "zhong-ha-he-zuo"
    assert slug_of("政府工作报告") == "zheng-fu-gong-zuo-bao-gao"


TRADITIONAL_PAGE = """\
中哈能源合作邁上新台階
2024年07月05日 10:30　來源：中央社　作者：張三
分享到：微信 微博

　　中哈兩國共建「一帶一路」取得豐碩成果。能源合作不斷深化，中歐班列開行數量持續增長。
　　雙方同意加強人工智慧、數位經濟和綠色能源領域的合作，推動互利共贏。
"""


@pytest.mark.parametrize("encoding, label", [("gb18030", "GB18030"), ("gbk", "GB18030"),
                                             ("big5", "Big5")])
def test_ingest_command_reads_legacy_encodings(tmp_path, run, encoding, label):
    text = TRADITIONAL_PAGE if encoding == "big5" else NEWS_PAGE
    path = tmp_path / "page.txt"
    path.write_bytes(text.encode(encoding, errors="strict"))
    out = tmp_path / "corpus"
    result = run("ingest", path, "--out", out, "--format", "json")
    assert result.exit_code == 0, result.stderr
    files = list(out.glob("*.yaml"))
    assert len(files) == 1
    data = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    assert data["language"] == "zh"
    assert data["published"] in (date(2024, 7, 5), "2024-07-05")
    assert data["id"].startswith("zhong-ha-neng-yuan-he-zuo")
    assert any("一带一路" in p["text"] or "一帶一路" in p["text"] for p in data["passages"])
    assert label in result.stdout


def test_ingest_then_search_a_chinese_article(tmp_path, run):
    path = tmp_path / "page.txt"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    out = tmp_path / "corpus"
    assert run("ingest", path, "--out", out).exit_code == 0
    result = run("search", "一带一路", "--corpus", out, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "中哈两国共建“一带一路”" in result.stdout


HTML_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>中哈能源合作迈上新台阶</title></head><body>
<div class="nav">首页 | 新闻 | 国际</div>
<article><h1>中哈能源合作迈上新台阶</h1>
<p>　　中哈两国共建“一带一路”取得丰硕成果。能源合作不断深化，中欧班列开行数量持续增长，双方贸易额再创新高。</p>
<p>　　双方同意加强人工智能、数字经济和绿色能源领域的合作，推动互利共赢，扩大人文交流。</p>
<p>　　但管道运输仍面临风险，部分项目融资困难，需要两国共同努力加以解决。</p>
</article>
<div class="share">分享到：微信 微博</div>
</body></html>"""


def test_a_chinese_html_page():
    pytest.importorskip("trafilatura")
    from brief_cli.ingest import parse_html

    draft = parse_html(HTML_PAGE)
    assert draft.language == "zh"
    assert draft.title == "中哈能源合作迈上新台阶"
    assert len(draft.paragraphs) == 3
    assert draft.paragraphs[0].startswith("中哈两国共建“一带一路”")


def test_a_newspaper_page_with_its_own_source_line_and_author_note():
    text = ("深化中哈合作　共创美好未来\n《 人民日报 》（ 2024年07月05日 第 03 版）\n\n"
            "　　两国在能源、交通、农业等领域合作成果丰硕。\n"
            "　　双方应进一步深化合作，挖掘新领域合作潜力。\n"
            "　　（作者为某研究院研究员）\n\n责编：王五\n")
    draft = parse_text(text)
    assert (draft.source, draft.published) == ("人民日报", date(2024, 7, 5))
    assert draft.author_note == "作者为某研究院研究员"
    assert draft.paragraphs == ("两国在能源、交通、农业等领域合作成果丰硕。",
                                "双方应进一步深化合作，挖掘新领域合作潜力。")


def test_a_speech_with_its_date_place_and_speaker_under_the_title():
    text = ("在中哈商务理事会上的讲话\n（2024年7月5日，阿斯塔纳）\n王小明\n\n"
            "尊敬的总统先生，\n女士们，先生们，朋友们：\n\n很高兴同大家见面。双方是友好邻邦。\n\n"
            "过去一年，双边贸易额创历史新高。\n\n谢谢大家。\n")
    draft = parse_text(text)
    assert draft.title == "在中哈商务理事会上的讲话"
    assert draft.published == date(2024, 7, 5) and draft.authors == ("王小明",)
    # The salutation opens the first paragraph; "谢谢大家。" closes the last.
    assert draft.paragraphs == (
        "尊敬的总统先生，女士们，先生们，朋友们：很高兴同大家见面。双方是友好邻邦。",
        "过去一年，双边贸易额创历史新高。谢谢大家。")


def test_a_wire_story_dateline_gives_source_and_reporter():
    text = ("新华社阿斯塔纳7月5日电（记者张三）双方就深化能源和交通合作交换意见。\n"
            "哈方愿同中方加强互联互通。\n【纠错】 【责任编辑：李四】\n")
    draft = parse_text(text)
    assert (draft.source, draft.authors) == ("新华社", ("张三",))
    assert draft.paragraphs[0].startswith("新华社阿斯塔纳7月5日电（记者张三）")  # text kept
    assert [d.reason for d in draft.dropped] == ["page links"]
