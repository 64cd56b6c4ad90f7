"""Citation keys and bibliographies: CSL-JSON and BibTeX for Pandoc, Zotero and LaTeX users.

Keys are readable and stable: the first author's family name (or the first word of the source
when there is no author), the year, and the first significant word of the title, folded to
ASCII where the letters allow (``liang2024kazakhstan``). Keys are made over the whole corpus, in
article-id order, so the same article gets the same key whatever an export selects; two
articles that would share a key get ``a``, ``b`` … appended, as BibTeX users expect.

Names: "Family, Given" is taken as written; otherwise the last word is the family name, except
for a two-word name that reads as a Chinese name in Chinese order ("Liang Haiming": a common
surname, then a given name made of pinyin syllables), where the first word is.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Iterable

from brief_cli.model import Article

# Words that never make a key (English articles, prepositions and the like).
_STOPWORDS = frozenset("""
a an the and or but of in on at to for from by with as is are was were be been its it this that
these those how why what when where who which new not no into over under after before about
""".split())

# The most common Chinese surnames in pinyin (enough to tell "Liang Haiming" from "Ann Author").
_SURNAMES = frozenset("""
li wang zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo zheng liang
xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su
lu ding ren shen yao jin fu zhong cui tan kong bai qiu qin xue yan lei long duan hao shao shi mao
wan gu lai wen meng qian dai fan fang
""".split())
_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ao|an|ei|en|er|ia|ie|in|iu|ou"
    r"|ua|ue|ui|un|uo|a|e|i|o|u|v))+")


def split_name(name: str) -> dict[str, str]:
    """A CSL name: {"family", "given"}, or {"literal"} for a one-word or organisation name."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return {"family": family.strip(), "given": given.strip()}
    words = name.split(" ")
    if len(words) < 2 or not all(w[:1].isalpha() for w in words):
        return {"literal": name}
    if (len(words) == 2 and words[0].lower() in _SURNAMES
            and _PINYIN.fullmatch(words[1].lower().replace("-", "").replace("'", ""))):
        return {"family": words[0], "given": words[1]}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def _fold(text: str) -> str:
    """Lower-case letters and digits, accents dropped; letters without an ASCII form (Chinese)
    are kept, since Pandoc keys may hold any letter."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c)).lower()


def _first_word(text: str) -> str:
    for word in re.findall(r"\w+", text):
        if word.casefold() in _STOPWORDS:
            continue
        folded = _fold(word)
        if folded:
            # Chinese and Japanese titles are not split into words: a few characters suffice.
            return folded[:4] if not folded.isascii() else folded
    return ""


def base_key(article: Article) -> str:
    """The key before de-duplication: family name, year, first title word."""
    if article.authors:
        name = split_name(article.authors[0])
        who = _fold(name.get("family") or name.get("literal", "")) or _first_word(
            article.authors[0])
    else:
        who = _first_word(article.source)
    key = f"{who or 'anon'}{article.published.year}{_first_word(article.title)}"
    return key if key[:1].isalpha() else "ref" + key


def citation_keys(articles: Iterable[Article]) -> dict[str, str]:
    """article id -> unique citation key, for every article given (see the module docstring)."""
    by_base: dict[str, list[str]] = {}
    for article in sorted(articles, key=lambda a: a.id):
        by_base.setdefault(base_key(article), []).append(article.id)
    keys: dict[str, str] = {}
    taken = set(by_base)
    for base, ids in by_base.items():
        if len(ids) == 1:
            keys[ids[0]] = base
            continue
        n = 0
        for article_id in ids:
            while True:
                key = base + _suffix(n)
                n += 1
                if key not in taken:
                    break
            taken.add(key)
            keys[article_id] = key
    return keys


def _suffix(n: int) -> str:
    """a, b, … z, aa, ab, …"""
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(97 + r) + letters
    return letters


# CSL-JSON ----------------------------------------------------------------------------------

def csl_item(article: Article, key: str) -> dict:
    """One CSL-JSON item (the format Pandoc's citeproc and Zotero read)."""
    item: dict[str, object] = {"id": key, "type": "article-newspaper", "title": article.title}
    if article.authors:
        item["author"] = [split_name(a) for a in article.authors]
    item["container-title"] = article.source
    if article.section:
        item["section"] = article.section
    d = article.published
    item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
    if article.url:
        item["URL"] = article.url
    if article.language:
        item["language"] = article.language
    return item


def csl_json(articles: Iterable[Article], keys: dict[str, str]) -> str:
    items = [csl_item(a, keys[a.id]) for a in articles]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# BibTeX ------------------------------------------------------------------------------------

_BIB_SPECIAL = re.compile(r"[\\{}%&$#_^~]")
_BIB_REPLACE = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def bib_escape(text: str) -> str:
    """Text as a BibTeX value: LaTeX's special characters escaped, white space made single."""
    text = " ".join(text.split())
    return _BIB_SPECIAL.sub(lambda m: _BIB_REPLACE.get(m.group(), "\\" + m.group()), text)


def _bib_name(name: str) -> str:
    parts = split_name(name)
    if "literal" in parts:
        return "{" + bib_escape(parts["literal"]) + "}"  # braces: one name, never split
    return f"{bib_escape(parts['family'])}, {bib_escape(parts['given'])}"


def bibtex_entry(article: Article, key: str) -> str:
    d = article.published
    fields = []
    if article.authors:
        fields.append(("author", " and ".join(_bib_name(a) for a in article.authors)))
    # Double braces keep the title's capitals as written (acronyms such as BRI).
    fields.append(("title", "{" + bib_escape(article.title) + "}"))
    fields.append(("journaltitle", bib_escape(article.source)))
    fields.append(("journal", bib_escape(article.source)))
    fields.append(("entrysubtype", "newspaper"))
    fields.append(("date", d.isoformat()))
    fields.append(("year", str(d.year)))
    fields.append(("month", _MONTHS[d.month - 1]))
    if article.url:
        fields.append(("url", article.url.replace("{", "%7B").replace("}", "%7D")))
    if article.language:
        fields.append(("langid", bib_escape(article.language)))
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields)
    return f"@article{{{key},\n{body}\n}}\n"


def bibtex(articles: Iterable[Article], keys: dict[str, str]) -> str:
    return "\n".join(bibtex_entry(a, keys[a.id]) for a in articles)


BIB_FORMATS = {".json": "CSL-JSON", ".bib": "BibTeX"}


def bibliography(articles: Iterable[Article], keys: dict[str, str], suffix: str) -> str:
    """The bibliography in the format its file name says (.json CSL-JSON, .bib BibTeX)."""
    articles = list(articles)
    if suffix.lower() == ".bib":
        return bibtex(articles, keys)
    return csl_json(articles, keys)
