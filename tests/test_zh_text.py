"""Chinese text: language detection, segmentation for the index, sentences, dates, header lines,
page furniture, paragraphs and legacy encodings. (Passages written for the tests.)"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli.decode import decode_bytes
from brief_cli.lang import detect_language, has_han
from brief_cli.lang import zh
from brief_cli.lang.segment import SEP, char_text, cut, display_text, index_text


# Detection ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("中哈两国共建“一带一路”取得丰硕成果。", "zh"),
    ("Title\nSource: Xinhua\n\n中哈两国能源合作不断深化，双方同意扩大投资。", "zh"),
    ("哈萨克斯坦与 China 在 5G 网络和 AI 方面开展合作。", "zh"),
    ("Kazakhstan and China signed a deal; the Chinese name is 中哈合作.", "en"),
    ("The pipeline carries gas to the border.", "en"),
    ("日本語の文章です。経済協力について。", "ja"),
    ("한국어 문장입니다. 경제 협력.", "ko"),
])
def test_language_from_the_text(text, expected):
    assert detect_language(text) == expected


# Segmentation for the index ----------------------------------------------------------------

def test_words_of_a_chinese_sentence():
    assert cut("推进一带一路建设，发展人工智能 AI") == [
        "推进", "一带一路", "建设", "发展", "人工智能", "AI"]


def test_english_text_is_indexed_unchanged():
    text = "Kazakhstan's pipelines carry 3.5 bcm of gas."
    assert index_text(text) == text
    assert char_text(text) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中国人工智能一带路，。“”　 abcXYZ12.-\n") + [SEP]),
               max_size=60))
def test_indexed_forms_map_back_to_the_text(text):
    plain = text.replace(SEP, "")
    assert display_text(index_text(text)) == plain
    chars = char_text(text)
    if has_han(text):
        assert len(chars.replace(SEP, "")) == len(plain)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.one_of(
    st.characters(),  # anything, lone surrogates included
    st.sampled_from("中国一㐀\u33ff\u3000“”—éé\U00020000\udcff"))))
def test_has_han_is_whether_a_chinese_character_is_there(text):
    from brief_cli.lang import HAN_RE

    assert has_han(text) == (HAN_RE.search(text) is not None)


def test_english_start_up_does_not_load_the_segmenter():
    code = ("import sys; from brief_cli.lang.segment import index_text; "
            "import brief_cli.search, brief_cli.index; index_text('plain English'); "
            "print('rjieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


# Sentences ---------------------------------------------------------------------------------

def test_sentences_end_on_chinese_marks_and_keep_closing_quotes():
    text = "他说：“我们要合作。”然后离开了！真的吗？是的；好……（完）结束"
    assert zh.split_sentences(text) == [
        "他说：“我们要合作。”", "然后离开了！", "真的吗？", "是的；", "好……", "（完）结束"]


def test_sentences_keep_brackets_and_join_back():
    text = "合作前景广阔（双方均表示认可。）下一步，\n扩大投资。"
    sentences = zh.split_sentences(text)
    assert sentences == ["合作前景广阔（双方均表示认可。）", "下一步，扩大投资。"]
    assert "".join(sentences) == text.replace("\n", "")


def test_decimals_and_english_inside_do_not_split():
    assert zh.split_sentences("增长5.2%，达到134.9万亿元。U.S. 方面未表态。") == [
        "增长5.2%，达到134.9万亿元。", "U.S. 方面未表态。"]


# Dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2024年7月5日", date(2024, 7, 5)),
    ("发布时间：2024年07月05日 10:30", date(2024, 7, 5)),
    ("二〇二四年七月五日", date(2024, 7, 5)),
    ("二〇二四年十二月三十一日", date(2024, 12, 31)),
    ("２０２４年７月５日", date(2024, 7, 5)),
    ("2024-07-05 10:30:15", date(2024, 7, 5)),
    ("2024年2月30日", None),
    ("七月五日", None),
])
def test_chinese_dates(text, expected):
    assert zh.parse_date(text) == expected


# Header lines and furniture ----------------------------------------------------------------

def test_a_header_line_with_several_fields():
    h = zh.read_header_line("2024-07-05 10:30　来源：人民网－人民日报　作者：张三、李四")
    assert h.source == "人民网－人民日报"
    assert h.authors == ("张三", "李四")
    assert h.published == date(2024, 7, 5)


@pytest.mark.parametrize("line, field, value", [
    ("来源：新华社", "source", "新华社"),
    ("作者：王小明", "authors", ("王小明",)),
    ("日期：2024年7月5日", "published", date(2024, 7, 5)),
    ("发布时间：2024-07-05", "published", date(2024, 7, 5)),
    ("【来源：光明日报】", "source", "光明日报"),
])
def test_each_header_key(line, field, value):
    assert getattr(zh.read_header_line(line), field) == value


def test_a_sentence_with_a_colon_is_not_a_header():
    assert zh.read_header_line("他的来源：不明。") is None
    assert zh.read_header_line("各位代表：") is None


@pytest.mark.parametrize("line", [
    "分享到：微信 微博 QQ空间", "【打印】【关闭】", "关闭窗口", "打印本页 | 关闭窗口",
    "扫一扫在手机打开当前页", "责任编辑：王五", "（责编：赵六、钱七）", "上一篇：中亚能源观察",
    "版权所有 © 2024 某某网", "字号：大 中 小",
])
def test_furniture(line):
    assert zh.furniture_reason(line) is not None


@pytest.mark.parametrize("line", [
    "双方表示，将通过扫码支付等方式便利游客，并扩大数字经济合作，推动更多企业参与共建。",
    "两国关系不断深化。", "一、工作回顾",
])
def test_text_is_not_furniture(line):
    assert zh.furniture_reason(line) is None


# Paragraphs --------------------------------------------------------------------------------

def test_paragraphs_from_full_width_indentation_with_wrapped_lines():
    lines = ["　　第一段的第一行，", "还在第一段。", "　　第二段开始了。", "", "　　第三段。"]
    assert zh.paragraphs(lines) == ["第一段的第一行，还在第一段。", "第二段开始了。", "第三段。"]


def test_one_paragraph_per_line():
    lines = ["能源合作不断深化。", "双方同意扩大投资。", "中欧班列开行数量持续增长。"]
    assert zh.paragraphs(lines) == lines


def test_blank_line_paragraphs_with_hard_wrapped_lines_and_latin_words():
    lines = ["双方在能源、交通和", "数字经济领域合作，", "China", "Daily 报道称前景广阔。", "",
             "第二段。"]
    assert zh.paragraphs(lines) == [
        "双方在能源、交通和数字经济领域合作，China Daily 报道称前景广阔。", "第二段。"]


def test_headings_stand_alone():
    lines = ["一、工作回顾", "过去一年，合作成果丰硕。", "（二）主要任务", "扩大开放。"]
    out = zh.paragraphs(lines)
    assert out == lines
    assert zh.is_heading("一、工作回顾") and zh.is_heading("（二）主要任务")
    assert not zh.is_heading("过去一年，合作成果丰硕。")


def test_long_paragraphs_split_at_sentence_ends():
    text = "".join(f"第{i}句话讲述双方合作的具体内容和成果。" for i in range(60))
    pieces = zh.split_long(text, 400, 250)
    assert "".join(pieces) == text
    assert all(len(p) <= 400 for p in pieces) and len(pieces) > 2
    assert all(p.endswith("。") for p in pieces)


# Encodings ---------------------------------------------------------------------------------

ARTICLE = ("来源：新华社\n　　中哈两国共建“一带一路”取得丰硕成果。能源合作不断深化，"
           "中欧班列开行数量持续增长。\n　　双方同意加强人工智能、数字经济和绿色能源领域的合作。\n")
TRADITIONAL = ("來源：中央社\n　　中哈兩國共建「一帶一路」取得豐碩成果。能源合作不斷深化，"
               "中歐班列開行數量持續增長。\n")


@pytest.mark.parametrize("text, encoding, expected", [
    (ARTICLE, "gb18030", "gb18030"), (ARTICLE, "gbk", "gb18030"),
    (ARTICLE, "gb2312", "gb18030"), (TRADITIONAL, "big5", "big5"),
    ("能源合作不断深化。", "gbk", "gb18030"), ("能源合作不斷深化。", "big5", "big5"),
    ("中国", "gbk", "gb18030"), ("中國", "big5", "big5"),
])
def test_legacy_chinese_encodings_are_detected_and_reported(text, encoding, expected):
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == expected and decoded.detected
    assert ("GB18030" if expected == "gb18030" else "Big5") in decoded.label


def test_korean_stays_korean():
    text = "한국어 문장입니다. 경제 협력."
    assert decode_bytes(text.encode("euc_kr")).text == text
