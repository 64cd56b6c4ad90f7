"""Page furniture: menus, share widgets, breadcrumbs, disclaimers, copyright and licence
lines, captions, lists of links, PDF page headers. Each is recognised with its reason, so a
dry run can show what was removed and why."""

from __future__ import annotations

import re

from brief_cli.ingest.reading import squash
from brief_cli.ingest.sentence_ends import TERMINAL

_LANGUAGE_NAMES = re.compile(
    r"(中文|双语|English|Français|Español|Deutsch|Русский|العربية|日本語|한국어|Português|"
    r"Italiano|Türkçe|हिन्दी|Bahasa|Tiếng Việt|ไทย|Polski|Nederlands)")
MENU_WORDS = re.compile(
    r"^(?:(?:\w+ ){0,2}editions?|editions?\s*:.*|menu|search|sign in|log ?in|log ?out|"
    r"register|subscribe|subscriber|"
    r"newsletters?|skip to (?:main )?content|toggle navigation|navigation|main menu|"
    r"advertisement|advertising|sponsored(?: content)?|listen(?: to this article)?|"
    r"\d+ min(?:ute)?s? read|comments?(?: \(\d+\))?|font size.*|a\+? ?a-?|text size.*|"
    r"print(?: this)?(?: article| page)?|e-?mail(?: this)?(?: article)?)$", re.I)
_SHARE_WORDS = frozenset(
    "share shares sharing this article story on via tweet print email e mail facebook twitter x "
    "whatsapp linkedin wechat weibo telegram reddit pinterest copy link url save bookmark "
    "comment comments messenger flipboard qzone line sms more".split())
_BREADCRUMB_SPLIT = re.compile(r"\s+(?:/|>|»|›|\||::|→)\s+")


def is_menu(line: str) -> bool:
    languages = set(_LANGUAGE_NAMES.findall(line))
    if languages and len(line) < 120 and (len(languages) >= 2 or re.search(r"edition", line, re.I)
                                          or line.strip(" |·•") in languages):
        return True  # a language menu: 'English | Français | 中文'; 'Global Edition 中文'
    return bool(MENU_WORDS.match(line.strip(" |·•")))


def is_share_widget(line: str) -> bool:
    """'Share - WeChat', 'Share this article', 'Facebook Twitter WhatsApp', 'Tweet'..."""
    tokens = re.findall(r"[^\W\d_]+", line.lower())
    if not tokens or len(tokens) > 10 or len(line) > 100:
        return False
    if not all(t in _SHARE_WORDS for t in tokens):
        return False
    # Two share words are a widget only with a network or an action among them: 'On this'
    # opening a speech is not one.
    return bool(_SHARE_ACTIONS.intersection(tokens))


_SHARE_ACTIONS = frozenset(
    "share shares sharing tweet print email mail facebook twitter whatsapp linkedin wechat "
    "weibo telegram reddit pinterest messenger flipboard qzone sms bookmark".split())


def parse_breadcrumb(line: str) -> str | None:
    """'Home / Opinion / Chinese Perspectives' -> 'Opinion / Chinese Perspectives'."""
    parts = _BREADCRUMB_SPLIT.split(line.strip())
    if len(parts) < 2 or any(not p or len(p.split()) > 5 or TERMINAL.search(p) for p in parts):
        return None
    if parts[0].lower() not in ("home", "homepage", "start", "news", "front page"):
        if len(parts) < 3 or not all(p[0].isupper() for p in parts):
            return None
    else:
        parts = parts[1:]
    return " / ".join(parts) if parts else None


# Furniture anywhere in the body -------------------------------------------------------------------

LIST_HEADING = re.compile(
    r"^(?:most (?:viewed|read|popular|shared|commented|emailed)\b.*|trending(?: now| stories)?|"
    r"related(?: stories| articles| news| content| coverage| reading| topics)?|"
    r"read (?:more|next|also)|you (?:may|might) also (?:like|be interested in)|"
    r"recommended(?: for you| stories| reading)?|more (?:from|on|stories|news)\b.*|"
    r"editor'?s'? (?:picks?|choice)|top (?:stories|news)|latest(?: news| stories)?|"
    r"popular(?: now| stories)?|what to read next|in case you missed it|also read|see also|"
    r"tags?|topics?)\s*:?$", re.I)
_DISCLAIMER = re.compile(
    r"\b(?:views?|opinions?)\b.{0,80}?\b(?:do not|don't|does not|doesn't|not)\s+necessarily\s+"
    r"(?:reflect|represent)|^(?:disclaimer\b|the (?:views|opinions) expressed (?:here|in this))",
    re.I)
_CONTRIBUTE = re.compile(
    r"^if you have (?:a )?specific expertise|\bsend us your (?:writings?|submissions?|op-?eds|"
    r"articles?|letters?|thoughts?|comments?|views?)\b|\b(?:submit|pitch) (?:an? |your )?"
    r"(?:op-?eds?|opinion pieces?|letters? to the editor|commentar(?:y|ies)|articles?)\b|"
    r"^we (?:welcome|invite) (?:submissions|contributions|letters|op-?eds)\b|\bwrite to us at\b",
    re.I)
_COPYRIGHT = re.compile(
    r"\ball rights reserved\b|^(?:copyright|©|\(c\))\s*(?:©|\(c\))?\s*(?:\d{4}|by\b)|"
    r"^\s*©|\bcopyright\s*(?:©|\(c\))?\s*\d{4}\s*[-–]", re.I)
_LICENCE = re.compile(
    r"^licen[cs]e\b.*(?:\bno\b|number|\bfor\b).*\d|^registration (?:no|number)\b|\bICP\b.*\d|"
    r"\bbrowsers? with .*\bresolution\b|^(?:terms of (?:use|service)|privacy policy|"
    r"cookie (?:policy|settings)|contact us|about us)(?:\s*[|·•]\s*.*)?$", re.I)
_PROVENANCE = re.compile(
    r"^this (?:article|story|piece|commentary) (?:was )?(?:first |originally )?"
    r"(?:appeared|published|ran)\b", re.I)
_CAPTION = re.compile(r"^\[(?:photo|image|file photo|picture|video)\b[^\]]*\]$|"
                      r"^(?:photo|image|file photo|picture)\s*(?:/|:)\s*\S", re.I)
# A news photo caption: 'FILE - A port in ... (AP Photo/Jane Doe)', 'Image caption ...',
# '... (Photo: Reuters)', 'Photo by Jane Doe/Getty Images'.
_NEWS_CAPTION = re.compile(
    r"^FILE\s*[-–—]\s+\S|^(?:image|photo|video) (?:caption|credit|source)\b|^caption\s*:|"
    r"\((?:AP|AFP|EPA|Reuters|Xinhua|Getty)?\s*(?:Photo|Image|Picture)s?\b[^)]{0,80}\)\.?$|"
    r"\bphoto(?:graph)?s? (?:by|courtesy of)\b.{0,80}$|"
    r"/\s*(?:Getty Images|Reuters|AFP|AP|EPA|Xinhua|Shutterstock)\)?\.?$", re.I)

# Procedural lines of parliamentary and UN records: interpretation notes, the chair's moves,
# the presiding officer's words, 'Address by ...' headings.
INTERPRETATION = re.compile(r"\s*\((?:spoke|continued) in [A-Z][a-z]+(?:[;,]? [^()]{0,60})?\)\s*")
# 'Mr. Doe (Freedonia), Vice-President, took the Chair.' run into the next paragraph's text.
CHAIR_SENTENCE = re.compile(
    r"(?:^|(?<=[.!?] ))(?:(?:Mr|Mrs|Ms|Miss|Dr)\. [^.!?]{1,100}?|The [^.!?]{1,60}?) "
    r"(?:took|returned to|resumed|left) the Chair\.(?: |$)")
_PROCEDURAL_LINE = re.compile(
    r"^\((?:spoke|continued) in [A-Z][a-z]+(?:;[^()]{0,80})?\)$|"
    r"^\(interpretation from [A-Z][a-z]+\)$|^\(The speaker [^()]{0,80}\)$|"
    r"^[A-Z][\w.' -]{1,60}(?: \([A-Z][^()]{1,40}\))?(?:,? [A-Z][\w -]{1,40})?,? "
    r"(?:took|returned to|resumed) the Chair\.?$|"
    r"^The (?:Acting |Temporary )?(?:President|Chair(?:man|woman|person)?|Vice-President) "
    r"(?:returned to|took|resumed|left) the Chair\.?$|"
    r"^The meeting (?:rose|was (?:called to order|suspended|adjourned|resumed))\b.{0,60}$|"
    r"^[A-Z][\w.' -]{1,80} was escorted (?:into|from|to) the\b.{0,80}$|"
    r"^Agenda item \d+\b.{0,80}$")
_PROCEDURAL_PARAGRAPH = re.compile(
    r"^The (?:Acting |Temporary )?(?:President|Chair(?:man|woman|person)?|Vice-President|"
    r"Secretary-General)(?: \((?:spoke|continued) in [A-Z][a-z]+\))?:\s|"
    r"^(?:Address|Statement) by\b")
_SPEAKER_LABEL = re.compile(
    r"^(?:Mr|Mrs|Ms|Miss|Sir|Dame|Dr|Lord|Lady|Prince|Princess|Sheikh|Sheikha|King|Queen|"
    r"President|Prime Minister|Archbishop|Cardinal|Monsignor)\.? [^:()]{1,80}"
    r"\([A-Z][^()]{1,60}\)(?: \((?:spoke|continued) in [A-Z][a-z]+[^()]{0,60}\))?:\s+|"
    r"^(?:President|Prime Minister|King|Queen) [A-Z][\w .'-]{1,60} "
    r"\((?:spoke|continued) in [A-Z][a-z]+[^()]{0,60}\):\s+")


def procedural_line(text: str) -> bool:
    """A line of a meeting record that is no part of a speech: '(spoke in French)',
    'The President returned to the Chair.', 'The meeting rose at 1 p.m.'."""
    return len(text) <= 160 and bool(_PROCEDURAL_LINE.match(text))


def procedural_paragraph(text: str) -> bool:
    """The presiding officer's words ('The President: On behalf of the General Assembly, I
    wish to thank ...'), or an 'Address by ...' heading."""
    m = _PROCEDURAL_PARAGRAPH.match(text)
    if m is None:
        return False
    return not m.group().startswith(("Address", "Statement")) or len(text) <= 300


def speaker_label(text: str) -> str | None:
    """The 'Mr. Doe (Freedonia) (spoke in French): ' that opens a speech in a record."""
    m = _SPEAKER_LABEL.match(text)
    return m.group() if m else None


def is_caption(text: str) -> bool:
    """A photo or video caption or credit line."""
    return len(text) <= 300 and bool(_CAPTION.search(text) or _NEWS_CAPTION.search(text))
_PAGE_ARTEFACT = re.compile(
    r"^(?:[\dA-Z/.()\-–—]+\s*){1,4}$|^page \d+(?: of \d+)?$|^[-–—]\s*\d+\s*[-–—]$", re.I)


# Every furniture pattern holds one of these words: one search rules out most body text. The
# lookahead of the words' first letters lets the search skip most places at once (a quarter
# faster on speeches, where every line is searched).
_FURNITURE_HINT = re.compile(
    r"(?=[necspwirltbfvma©(])(?:necessarily|expertise|send us|submit|pitch|welcome|invite|write to us|reserved|copyright|"
    r"©|\(c\)|licen[cs]e|registration|icp|browser|terms of|privacy|cookie|contact us|about us|"
    r"^this |photo|image|picture|video|share|tweet|print|mail|facebook|twitter|wechat|whatsapp|"
    r"linkedin|weibo|telegram|reddit|edition|menu|search|sign|log ?in|log ?out|register|subscri|"
    r"newsletter|skip|navigation|advert|sponsor|listen|min(?:ute)?s? read|comment|font|text size|"
    r"^a\+? ?a)", re.I)


# The same words, for ASCII text in lower case: a case-insensitive search tries every word at
# every letter (most of the time of cleaning a speech); on lower-case ASCII text the plain
# search finds the same places three times faster. (Other text keeps the case-insensitive
# search: Unicode case rules are not those of ``str.lower``.)
_FURNITURE_HINT_LOWER = re.compile(_FURNITURE_HINT.pattern)


def _furniture_hint(text: str) -> bool:
    if text.isascii():
        return _FURNITURE_HINT_LOWER.search(text.lower()) is not None
    return _FURNITURE_HINT.search(text) is not None


def furniture_reason(text: str) -> str | None:
    """Why a line or paragraph is page furniture, or None when it is body text."""
    text = squash(text)
    if not text or not _furniture_hint(text):
        return None
    short = len(text) <= 600
    if short and _DISCLAIMER.search(text):
        return "disclaimer"
    if short and _CONTRIBUTE.search(text):
        return "call for contributions"
    if short and _COPYRIGHT.search(text):
        return "copyright notice"
    if len(text) <= 200 and _LICENCE.search(text):
        return "licence or registration"
    if len(text) <= 300 and _PROVENANCE.search(text):
        return "provenance note"
    if len(text) <= 200 and _CAPTION.search(text):
        return "photo caption"
    if len(text) <= 100 and is_share_widget(text):
        return "share widget"
    if len(text) <= 80 and MENU_WORDS.match(text):
        return "page widget"
    return None


def is_page_artefact(text: str) -> bool:
    """A PDF page header or footer: 'A/63/PV.13', '08-53122 32', '12', 'Page 3 of 9'."""
    text = text.strip()
    return (len(text) <= 30 and bool(re.search(r"\d", text)) and not re.search(r"[a-z]{3}", text)
            and bool(_PAGE_ARTEFACT.match(text)))
