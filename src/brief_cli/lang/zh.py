"""Reading Chinese articles: sentences, dates, header lines, page furniture and paragraphs.

Pure functions on text; ingest, summaries and the tagger call them when a text is Chinese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from brief_cli.lang import HAN_RE

# Sentences ---------------------------------------------------------------------------------

# Closing quotes and brackets that belong to the sentence they close.
CLOSERS = "”’」』）)】》〉〕］]\"'"
_SENTENCE_END = re.compile(r"(?:[。！？；!?]+|…+|\.{3,})[" + re.escape(CLOSERS) + r"]*")
TERMINALS = "。！？!?…"


def split_sentences(text: str) -> list[str]:
    """Split Chinese prose after 。！？； and ellipses (…… or ...), keeping any closing quotes
    or brackets with the sentence they end (``他说：“好。”`` is one sentence). Line breaks
    inside the text are dropped; spaces are kept as written (English names in Chinese text).
    Joining the sentences gives back the text without its line breaks.
    """
    text = re.sub(r"\s*\n\s*", "", text.strip())
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end >= len(text):
            break
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def ends_sentence(text: str) -> bool:
    """Whether a line ends at the end of a sentence (closers after the mark allowed)."""
    return text.rstrip().rstrip(CLOSERS)[-1:] in set(TERMINALS + "；") if text.strip() else False


# Dates -------------------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"[0-9０-９]{1,4}|[〇零○Ｏ一二三四五六七八九十]{1,4}"
DATE_RE = re.compile(
    rf"(?P<y>[0-9０-９]{{4}}|[〇零○Ｏ一二三四五六七八九]{{4}})\s*年\s*(?P<m>{_NUM})\s*月"
    rf"\s*(?P<d>{_NUM})\s*[日号]")
_ISO_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


def _number(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    if "十" in text:  # 十 = 10, 十五 = 15, 二十 = 20, 二十五 = 25, 三十一 = 31
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, None) if tens else 1
        o = _CN_DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    if all(c in _CN_DIGITS for c in text):  # 二〇二四 digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    return None


def find_date(text: str) -> tuple[int, int, date] | None:
    """The first Chinese date (2024年7月5日, 二〇二四年七月五日) or ISO date in a text:
    (start, end, date), or None."""
    best = None
    for m in DATE_RE.finditer(text):
        y, mo, d = _number(m["y"]), _number(m["m"]), _number(m["d"])
        if y and mo and d:
            try:
                best = (m.start(), m.end(), date(y, mo, d))
                break
            except ValueError:
                continue
    for m in _ISO_RE.finditer(text):
        if best is not None and m.start() > best[0]:
            break
        try:
            found = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), m.end(), found)
        break
    return best


def parse_date(text: str) -> date | None:
    found = find_date(text)
    return found[2] if found else None


# Header lines ------------------------------------------------------------------------------

# Keys of the metadata lines of Chinese news pages, and what each is. A page often puts
# several on one line: "2024-07-05 10:30　来源：人民网　作者：张三".
HEADER_KEYS = {
    "来源": "source", "文章来源": "source", "本文来源": "source", "稿源": "source",
    "出处": "source", "来源于": "source", "信息来源": "source",
    "作者": "author", "文": "author", "撰文": "author", "记者": "author", "作者简介": "note",
    "日期": "date", "发布时间": "date", "发布日期": "date", "发表时间": "date", "时间": "date",
    "更新时间": "date", "发稿时间": "date", "成文日期": "date",
    "责任编辑": "editor", "编辑": "editor", "责编": "editor", "审核": "editor",
    "校对": "editor", "编审": "editor", "签发": "editor", "值班编辑": "editor",
    "通讯员": "editor", "摄影": "editor", "图": "editor", "原标题": "original_title",
    "标题": "title", "字号": "furniture", "字体": "furniture", "浏览次数": "furniture",
    "阅读": "furniture", "点击": "furniture", "分享到": "furniture", "关键词": "keywords",
    "栏目": "section", "频道": "section", "分类": "section",
    # Traditional-character pages (Taiwan, Hong Kong)
    "來源": "source", "文章來源": "source", "本文來源": "source", "出處": "source",
    "記者": "author", "發佈時間": "date", "發布時間": "date", "發表時間": "date",
    "時間": "date", "更新時間": "date", "責任編輯": "editor", "編輯": "editor",
    "責編": "editor", "審核": "editor", "校對": "editor", "原標題": "original_title",
    "標題": "title", "字號": "furniture", "字體": "furniture", "關鍵詞": "keywords",
    "欄目": "section", "頻道": "section",
}
_KEY_ALT = "|".join(sorted((re.escape(k) for k in HEADER_KEYS), key=len, reverse=True))
_FIELD_RE = re.compile(rf"(?:^|(?<=[\s【\[（(|｜]))(?P<key>{_KEY_ALT})\s*[：:]\s*")
_NAME_SPLIT = re.compile(r"[\s、，,；;/／|｜]+")


@dataclass
class HeaderLine:
    """What a Chinese metadata line says (every field may be missing)."""

    source: str | None = None
    authors: tuple[str, ...] = ()
    published: date | None = None
    title: str | None = None
    section: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def read_header_line(line: str) -> HeaderLine | None:
    """The fields of a Chinese header line ("来源：新华社　作者：张三"), or None when the line
    is not one. A leading date or time ("2024-07-05 10:30") counts as the date."""
    text = line.strip().strip("【】[]（）()")
    if not text or len(text) > 160:
        return None
    matches = list(_FIELD_RE.finditer(text))
    lead = text[:matches[0].start()].strip() if matches else text
    lead_date = find_date(lead) if lead else None
    if not matches:
        return None
    # Text before the first key is allowed only when it is a date/time (a dateline).
    if lead and not (lead_date and _only_datetime(lead)):
        return None
    out = HeaderLine()
    if lead_date:
        out.published = lead_date[2]
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end():end].strip(" \u3000　|｜【】[]（）()")
        kind = HEADER_KEYS[m["key"]]
        out.fields[m["key"]] = value
        if not value:
            continue
        if kind == "source" and out.source is None:
            out.source = value
        elif kind == "author":
            out.authors += tuple(n for n in _NAME_SPLIT.split(value) if n)
        elif kind == "date" and out.published is None:
            out.published = parse_date(value)
        elif kind in ("title", "original_title") and out.title is None:
            out.title = value
        elif kind == "section":
            out.section = value
    return out


# 《 人民日报 》（ 2024年07月05日 第 03 版）: the paper, the date and the page.
_PAPER_LINE = re.compile(r"^《\s*(?P<source>[^》]{2,20}?)\s*》\s*[（(]\s*(?P<rest>[^）)]*)[）)]$")
# （2024年7月5日，阿斯塔纳）: the date (and place) of a speech under its title.
_BRACKET_DATE = re.compile(r"^[（(](?P<rest>[^）)]{6,40})[）)]$")
# 新华社阿斯塔纳7月5日电（记者张三） opening a wire story.
_DATELINE = re.compile(r"^(?P<agency>新华社|中新社|中新网|人民网|央视网|中国新闻社|新華社|中央社)"
                       r"(?P<place>[^\s，。（(]{0,12}?)(?P<date>\d{1,2}月\d{1,2}日)?电"
                       r"(?:[（(](?:记者|記者)?\s*(?P<authors>[^）)]{1,30})[）)])?")


def read_source_line(line: str) -> HeaderLine | None:
    """A newspaper's own line (《 人民日报 》（ 2024年07月05日 第 03 版）) or a bracketed date
    under a speech's title (（2024年7月5日，阿斯塔纳）), as header fields; else None."""
    text = line.strip()
    m = _PAPER_LINE.match(text)
    if m and find_date(m["rest"]):
        return HeaderLine(source=m["source"].strip(), published=parse_date(m["rest"]))
    m = _BRACKET_DATE.match(text)
    if m and find_date(m["rest"]) and len(DATE_RE.sub("", m["rest"])) <= 20:
        return HeaderLine(published=parse_date(m["rest"]))
    return None


def read_dateline(paragraph: str) -> HeaderLine | None:
    """The agency and reporters of a wire story's opening dateline (the text stays)."""
    m = _DATELINE.match(paragraph.strip())
    if not m:
        return None
    authors = tuple(n for n in _NAME_SPLIT.split(m["authors"] or "") if n)
    return HeaderLine(source=m["agency"], authors=authors)


def _only_datetime(text: str) -> bool:
    rest = DATE_RE.sub("", text)
    rest = _ISO_RE.sub("", rest)
    return not re.sub(r"[\d:：\s时分秒点星期一二三四五六日天周]+", "", rest)


# Page furniture ----------------------------------------------------------------------------

_FURNITURE = (
    ("sharing buttons", re.compile(
        r"^(?:【?(?:分享|分享到|转发|轉發|收藏|点赞|按讚|微信|微博|QQ空间|朋友圈|复制链接|"
        r"複製連結|推荐|推薦)[】:：]?\s*)+"
        r"(?:\S{0,12}\s*){0,8}$")),
    ("print/close links", re.compile(
        r"^(?:[【\[]?(?:打印|打印本页|打印此文|关闭|关闭窗口|关闭本页|返回顶部|返回|顶部|"
        r"收藏本页|纠错|我要纠错|字号|字体|大|中|小|默认|保存|下载|列印|關閉|關閉視窗|"
        r"回到頂部|字號|字體)[】\]]?[\s|｜/、]*){1,8}$")),
    ("QR code note", re.compile(r"扫一扫|扫描二维码|扫码|二维码|长按识别|掃一掃|掃描|二維碼")),
    ("editor line", re.compile(r"^[（(【\[]?\s*(?:责任编辑|责编|编辑|审核|校对|值班编辑|"
                               r"编审|签发|責任編輯|責編|編輯|審核|校對)\s*[：:][^。！？]{0,40}"
                               r"[）)】\]]?$")),
    ("navigation", re.compile(r"^(?:上一篇|下一篇|上一页|下一页|相关阅读|相关新闻|相关链接|"
                              r"延伸阅读|热点推荐|热门文章|推荐阅读|更多|更多精彩|首页|"
                              r"上一頁|下一頁|相關閱讀|相關新聞|延伸閱讀|首頁)"
                              r"\s*[：:>》]?.{0,40}$")),
    ("copyright", re.compile(r"版权所有|版權所有|未经授权|不得转载|转载请注明|ICP[备证]|"
                             r"网络传播视听节目许可证|违法和不良信息举报|公网安备|"
                             r"Copyright|©")),
    ("font-size menu", re.compile(r"^(?:字号|字体)\s*[：:]?\s*[大中小\s|｜/]+$")),
    ("page links", re.compile(r"^(?:[【\[][^】\]]{0,24}[】\]]\s*)+$")),
)


def furniture_reason(line: str) -> str | None:
    """Why a line of a Chinese page is page furniture (sharing buttons, 打印/关闭窗口, QR code
    notes, the editor's name, navigation, copyright), or None when it is text. Only short
    lines are judged: a paragraph that mentions 二维码 is still a paragraph."""
    text = line.strip()
    if not text or len(text) > 80:
        return None
    for reason, pattern in _FURNITURE:
        if pattern.search(text):
            if reason in ("QR code note", "copyright") and len(text) > 20 and ends_sentence(text):
                continue  # a sentence that mentions a QR code
            return reason
    return None


# Paragraphs --------------------------------------------------------------------------------

INDENT = "\u3000\u3000"
_INDENT_RE = re.compile(r"^(?:[\u3000]{1,}|[ \t\u00a0]{2,})(?=\S)")
_HEADING_RE = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|第[一二三四五六七八九十百]+"
    r"[章节部分条]|\d{1,2}[、.．]\s*\S)")
HEADING_MAX = 40


def is_heading(text: str) -> bool:
    """A Chinese section heading: short, numbered (一、 （二） 第三章 4.) or without a final
    mark, never ending a sentence."""
    t = text.strip()
    if not t or len(t) > HEADING_MAX or ends_sentence(t) or t.endswith(("，", "、", "：", ":")):
        return False
    if _HEADING_RE.match(t):
        return True
    # Unnumbered: short, Chinese, and no clause punctuation (a wrapped line has some).
    return len(t) <= 20 and bool(HAN_RE.search(t)) and not re.search(r"[，、；,;]", t)


def paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs of Chinese body text, whatever the layout:

    - a full-width indentation (``　　``, or two spaces) starts a paragraph, and unindented
      lines after it continue it (hard-wrapped pages);
    - otherwise a blank line ends a paragraph, and so does a line that ends a sentence
      (one paragraph per line, with or without blank lines between);
    - a line that stops mid-sentence is joined to the next without a space (Chinese is
      written without spaces; a space is kept between two Latin words).
    """
    body = [ln.rstrip() for ln in lines]
    indented = sum(1 for ln in body if _INDENT_RE.match(ln))
    nonblank = sum(1 for ln in body if ln.strip())
    by_indent = nonblank and indented >= 2 and indented >= 0.2 * nonblank
    out: list[str] = []
    current = ""

    def close() -> None:
        nonlocal current
        if current.strip():
            out.append(current.strip())
        current = ""

    for line in body:
        if not line.strip():
            if not by_indent:
                close()
            continue
        starts = bool(_INDENT_RE.match(line))
        text = line.strip()
        if by_indent:
            if starts or is_heading(text) or (current and is_heading(current)):
                close()
        current = join(current, text) if current else text
        if not by_indent and ends_sentence(text):
            close()
        elif not by_indent and is_heading(text) and not current[:-len(text)].strip():
            close()
    close()
    return out


def join(left: str, right: str) -> str:
    """Join two pieces of one Chinese paragraph: no space, unless two Latin words meet."""
    if not left:
        return right
    if left[-1].isascii() and left[-1].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return left + " " + right
    return left + right


# Long paragraphs -------------------------------------------------------------------------

def split_long(text: str, limit: int, target: int) -> list[str]:
    """A paragraph longer than ``limit`` characters cut at sentence ends into pieces of about
    ``target`` characters (a sentence longer than the limit stays whole)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        if current and len(current) + len(sentence) > target:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        if pieces and len(current) < target // 4 and len(pieces[-1]) + len(current) <= limit:
            pieces[-1] += current
        else:
            pieces.append(current)
    return pieces


# Stop words --------------------------------------------------------------------------------

# Function words and the commonest verbs/adverbs of Chinese policy prose: they say nothing
# about what a text is about (for key sentences and distinctive terms).
STOP_WORDS = frozenset("""
的 了 和 与 及 以及 或 或者 而 而且 并 并且 也 又 还 都 就 才 在 是 为 以 于 对 对于 从 由 把 被 将
向 到 给 让 使 等 等等 之 其 其中 此 这 那 这些 那些 这个 那个 这样 那样 这种 各 各种 每 某 该 本
我 我们 你 你们 他 他们 她 她们 它 它们 自己 大家 咱们 人们 有 没有 无 不 没 非 很 更 最 太 较
比较 十分 非常 已 已经 曾 曾经 正 正在 要 会 能 能够 可 可以 应 应该 应当 需要 必须 得 地 着 过
吗 呢 吧 啊 呀 嘛 一 一个 一些 一种 一样 一直 一切 个 们 上 下 中 里 内 外 前 后 间 时 时候 方面
通过 根据 按照 关于 为了 因为 所以 因此 但 但是 然而 如果 虽然 尽管 即 即使 只 只有 只要 还是
不仅 而是 同时 此外 另外 其他 其它 之一 之间 以上 以下 以来 以及 并且 如何 什么 怎么 为什么 哪
年 月 日 说 表示 指出 认为 称 据 今年 去年 明年 目前 当前 进行 作为 成为 实现 加强 推进 推动
坚持 加快 持续 不断 全面 进一步 积极 有效 更加 更好 大力 深入 切实 努力 继续 重要 主要 相关
完善 支持 提高 强化 优化 增强 实施 落实 坚决 扎实 稳步 着力 统筹 做好 提升 促进
""".split())


def is_stop_word(word: str) -> bool:
    return word in STOP_WORDS or not HAN_RE.search(word) and len(word) < 2
