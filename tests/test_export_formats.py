"""brief export beyond plain Markdown: Pandoc citations and bibliographies, Obsidian front matter,
Word documents, REFI-QDA projects and codebooks; on the bundled seed and on an awkward corpus."""

from __future__ import annotations

import html
import json
import re
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from brief_cli.cli.app import open_taxonomy
from brief_cli.config import bundled_corpus_dir
from brief_cli.corpus import load_corpus
from brief_cli.export.citations import base_key, citation_keys, split_name
from brief_cli.model import Article, Passage

from helpers import write_corpus

REPO = Path(__file__).resolve().parents[1]
# The read-only data beside the checkout (one level further up for a checkout in a folder of
# work trees).
REFI = next((p for p in (REPO.parent / "shared" / "refi", REPO.parent.parent / "shared" / "refi")
             if p.is_dir()), REPO.parent / "shared" / "refi")

# A corpus that tries to break every format: markup, Chinese text (with characters outside the
# Basic Multilingual Plane), quotes, formula-like text, citation-like text, two articles that
# would share a citation key, and passages a person has not reviewed.
AWKWARD = {
    "markup-article": dict(
        title="Trade & *Markup*: <b>tags</b> [links](x) #hash", source="The \"Quoted\" Review",
        authors=["Ann Author", "Liang Haiming"], published="2024-03-01",
        url="https://example.org/a?b=1&c=2",
        passages=[
            {"text": "=HYPERLINK(\"http://evil.example\") said *the* _minister_ about trade "
                     "@everyone [@fake] $5 and US$6 ~sub~ ^sup^ <script>x</script> & &amp;",
             "kind": "challenge", "sectors": ["trade"], "actors": ["china"]},
            {"text": "“Curly quotes” and 'straight' ones, a back\\slash, `code` and # heading "
                     "| pipe | table |", "kind": "opportunity", "sectors": ["energy"],
             "reviewed": False},
            {"text": "1. not a list\n- nor this\n> nor a quote\n::: nor a div",
             "kind": "context", "sectors": []},
        ]),
    "chinese-article": dict(
        title="中国与哈萨克斯坦的能源合作", source="新华社", authors=["王小明"],
        published="2024-05-02", language="zh",
        passages=[
            {"text": "中国和哈萨克斯坦在能源领域的合作不断深化，石油管道运行平稳。", "kind": "context",
             "sectors": ["energy"], "actors": ["china", "kazakhstan"]},
            {"text": "罕见字𠀀𠀁和表情😀之后，贸易仍面临挑战。", "kind": "challenge",
             "sectors": ["trade"], "reviewed": False},
        ]),
    "author-twin-one": dict(
        title="Energy markets in transition", authors=["Ann Author"], published="2024-06-01",
        passages=[{"text": "Energy markets are changing fast.", "kind": "context",
                   "sectors": ["energy"]}]),
    "author-twin-two": dict(
        title="Energy: markets after the shock", authors=["Ann Author"], published="2024-09-09",
        passages=[{"text": "+42 percent more energy trade is possible.", "kind": "opportunity",
                   "sectors": ["energy", "trade"]}]),
}


@pytest.fixture
def awkward(tmp_path):
    return write_corpus(tmp_path / "awkward", AWKWARD)


@pytest.fixture(params=["seed", "awkward"])
def corpus_dir(request, tmp_path):
    if request.param == "seed":
        return bundled_corpus_dir()
    return write_corpus(tmp_path / "awkward", AWKWARD)


def load(root: Path):
    taxonomy = open_taxonomy(None)
    return load_corpus(root, taxonomy).corpus, taxonomy


def front(document: str) -> dict:
    end = document.index("\n---\n", 4)
    return yaml.safe_load(document[4:end + 1])


def body(document: str) -> str:
    return document[document.index("\n---\n", 4) + 5:]


# Citation keys ---------------------------------------------------------------------------------

def _article(article_id, title, authors=(), source="Source", published=date(2024, 1, 2)):
    return Article(article_id, title, source, published, "en",
                   (Passage("p01", article_id, 0, "text", "context"),), authors=tuple(authors))


def test_keys_are_readable_stable_and_unique():
    one = _article("b", "The Energy Outlook", ["Ann Author"])
    two = _article("a", "Energy in Asia", ["Ann Author"])
    three = _article("c", "A New Silk Road", ["Liang Haiming", "Da Hsuan Feng"])
    four = _article("d", "Élan vital", [], source="Voice of America")
    keys = citation_keys([one, two, three, four])
    assert keys == {"a": "author2024energya", "b": "author2024energyb",
                    "c": "liang2024silk", "d": "voice2024elan"}
    assert citation_keys([four, three, two, one]) == keys  # order does not matter
    assert base_key(_article("x", "中国能源合作报告", ["王小明"])) == "王小明2024中国能源"


def test_names_split_the_way_citation_styles_need():
    assert split_name("Ann Author") == {"family": "Author", "given": "Ann"}
    assert split_name("Liang Haiming") == {"family": "Liang", "given": "Haiming"}
    assert split_name("Da Hsuan Feng") == {"family": "Feng", "given": "Da Hsuan"}
    assert split_name("Smith, John") == {"family": "Smith", "given": "John"}
    assert split_name("UNESCO") == {"literal": "UNESCO"}


# Pandoc ----------------------------------------------------------------------------------------

def pandoc_path() -> str:
    try:
        import pypandoc
    except ImportError:
        pytest.skip("pandoc is not installed (pip install pypandoc_binary, in the test extra)")
    try:
        return pypandoc.get_pandoc_path()
    except OSError:
        pytest.skip("pypandoc finds no pandoc binary on this platform")


def pandoc_html(markdown: Path) -> tuple[str, str]:
    done = subprocess.run([pandoc_path(), markdown.name, "--citeproc", "-s", "-t", "html",
                           "--metadata", "lang=en"], cwd=markdown.parent, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def check_pandoc_build(document: str, page: str, warnings: str) -> None:
    """Every citation resolved, the reference list present, the title once."""
    meta = front(document)
    cited = set(re.findall(r"\[@([^,\]\s]+)", body(document)))
    assert cited
    assert "not found" not in warnings and "???" not in page
    resolved = set(re.findall(r'data-cites="([^"]+)"', page))
    assert resolved == cited
    assert 'id="refs"' in page
    for key in cited:
        assert f'id="ref-{key}"' in page
    assert len(re.findall(r'id="ref-', page)) == len(cited)
    title = html.escape(meta["title"], quote=False)
    assert page.count(f'<h1 class="title">{title}</h1>') == 1
    assert len(re.findall(r"<h1", page)) == 1


@pytest.mark.parametrize("bib", [None, "refs.json", "refs.bib"])
def test_pandoc_build_resolves_every_citation(run, corpus_dir, tmp_path, bib):
    out = tmp_path / "out"
    out.mkdir()
    args = ["export", "--corpus", corpus_dir, "-o", out / "notes.md", "--cite", "pandoc"]
    if bib:
        args += ["--bib", out / bib]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    document = (out / "notes.md").read_text(encoding="utf-8")
    meta = front(document)
    if bib:
        assert meta["bibliography"] == bib  # relative to the document: the folder can move
        assert "references" not in meta
    else:
        assert [r["id"] for r in meta["references"]]
    assert not re.search(r"^# ", document, re.M)  # the title comes from the front matter
    page, warnings = pandoc_html(out / "notes.md")
    check_pandoc_build(document, page, warnings)


def test_pandoc_shows_the_awkward_text_literally(run, awkward, tmp_path):
    target = tmp_path / "notes.md"
    assert run("export", "--corpus", awkward, "-o", target, "--cite", "pandoc").exit_code == 0
    page, _ = pandoc_html(target)
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    for text in ("@everyone [@fake] $5 and US$6 ~sub~ ^sup^ <script>x</script> & &amp;",
                 "罕见字𠀀𠀁和表情😀之后，贸易仍面临挑战。", "1. not a list"):
        assert text in " ".join(shown.split())
    assert "<script>" not in page


def test_bibliographies_hold_the_cited_articles(run, awkward, tmp_path):
    result = run("export", "--corpus", awkward, "--kind", "challenge", "--bib",
                 tmp_path / "refs.json", "-o", tmp_path / "c.md")
    assert result.exit_code == 0, result.stderr
    items = json.loads((tmp_path / "refs.json").read_text(encoding="utf-8"))
    assert {i["id"] for i in items} == {"author2024trade", "王小明2024中国与哈"}
    markup = next(i for i in items if i["id"] == "author2024trade")
    assert markup["author"][1] == {"family": "Liang", "given": "Haiming"}
    assert markup["issued"] == {"date-parts": [[2024, 3, 1]]}
    assert markup["URL"] == "https://example.org/a?b=1&c=2"
    result = run("export", "--corpus", awkward, "--bib", tmp_path / "refs.bib", "-o",
                 tmp_path / "all.md")
    bib = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert bib.count("@article{") == 4
    assert r"title = {{Trade \& *Markup*: <b>tags</b> [links](x) \#hash}}" in bib


def test_keys_stay_the_same_whatever_is_selected(run, awkward):
    alone = run("export", "--corpus", awkward, "--article", "author-twin-two", "--cite", "pandoc")
    everything = run("export", "--corpus", awkward, "--cite", "pandoc")
    assert "[@author2024energyb, ¶ 1]" in alone.stdout
    assert "[@author2024energyb, ¶ 1]" in everything.stdout
    assert "[@author2024energya, ¶ 1]" in everything.stdout


def test_cite_and_bib_usage_errors(run, small_corpus, tmp_path):
    bad = run("export", "--corpus", small_corpus, "--bib", tmp_path / "refs.txt")
    assert bad.exit_code == 2 and "name the file .json (CSL-JSON) or .bib" in bad.stderr
    clash = run("export", "--corpus", small_corpus, "--bib", tmp_path / "r.json", "--cite", "text")
    assert clash.exit_code == 2 and "--bib goes with --cite pandoc" in clash.stderr
    assert not (tmp_path / "r.json").exists()
    same = run("export", "--corpus", small_corpus, "--bib", tmp_path / "a.json", "-o",
               tmp_path / "a.json")
    assert same.exit_code == 2 and "same file" in same.stderr
    assert not (tmp_path / "a.json").exists()


# Obsidian --------------------------------------------------------------------------------------

def test_front_matter_is_flat_and_typed(run, awkward):
    result = run("export", "trade", "--corpus", awkward, "--kind", "challenge", "--kind",
                 "opportunity", "--since", "2024-01-01", "--sector", "trade")
    assert result.exit_code == 0, result.stderr
    meta = front(result.stdout)
    assert isinstance(meta["date"], date) and isinstance(meta["generated"], datetime)
    assert meta["query"] == "trade"
    assert meta["kind"] == ["challenge", "opportunity"] and meta["sector"] == ["trade"]
    assert meta["since"] == date(2024, 1, 1)
    assert meta["tags"][:2] == ["challenge", "opportunity"] and "trade" in meta["tags"]
    assert all(re.fullmatch(r"[\w/-]+", t) for t in meta["tags"])
    assert meta["corpus"] == str(awkward.resolve())
    assert "新华社" in meta["source"] or "Test Review" in meta["source"]
    # Flat: Obsidian's properties panel shows scalars and lists of scalars only.
    for key, value in meta.items():
        assert not isinstance(value, dict), key
        assert not (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value))
    assert "generated: " + meta["generated"].isoformat() in result.stdout  # unquoted date-time


def test_rendered_note_shows_no_backslashes(run, corpus_dir):
    result = run("export", "--corpus", corpus_dir)
    assert result.exit_code == 0, result.stderr
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(
        body(result.stdout))
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    corpus, _ = load(corpus_dir)
    backslashes = sum(p.text.count("\\") for p in corpus.passages())
    assert shown.count("\\") == backslashes


# DOCX ------------------------------------------------------------------------------------------

def read_docx(path: Path):
    docx = pytest.importorskip("docx", reason="python-docx is not installed (the docx extra)")
    return docx.Document(str(path))


@pytest.mark.parametrize("group_by", ["article", "sector"])
def test_docx_holds_every_excerpt_heading_and_reference(run, corpus_dir, tmp_path, group_by):
    target = tmp_path / "brief.docx"
    result = run("export", "--corpus", corpus_dir, "-o", target, "--group-by", group_by,
                 "--title", "Notes for the minister")
    assert result.exit_code == 0, result.stderr
    assert zipfile.is_zipfile(target)
    document = read_docx(target)
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    corpus, taxonomy = load(corpus_dir)
    quotes = [text for style, text in paragraphs if style == "Quote"]
    for passage in corpus.passages():
        assert passage.text in quotes
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert paragraphs[0] == ("Title", "Notes for the minister")
    assert document.core_properties.title == "Notes for the minister"
    assert headings[-1] == "References"
    if group_by == "article":
        assert headings[:-1] == [a.title for a in corpus.articles]
    references = [text for style, text in paragraphs if style == "List Bullet"]
    assert len(references) == len(corpus.articles)
    for article in corpus.articles:
        assert any(article.title in r and article.published.isoformat() in r
                   for r in references)
        for passage in article.passages:
            assert any(passage.uid in text for _, text in paragraphs)  # its citation line


def test_docx_highlight_is_bold(run, small_corpus, tmp_path):
    target = tmp_path / "h.docx"
    assert run("export", "pipeline", "--corpus", small_corpus, "--highlight", "-o",
               target).exit_code == 0
    bold = [r.text for p in read_docx(target).paragraphs if p.style.name == "Quote"
            for r in p.runs if r.bold]
    assert bold and all(b.lower().startswith("pipeline") for b in bold)


def test_docx_errors(run, small_corpus, tmp_path, monkeypatch):
    to_stdout = run("export", "--corpus", small_corpus, "-f", "docx")
    assert to_stdout.exit_code == 2 and "-o FILE.docx" in to_stdout.stderr
    import builtins

    real_import = builtins.__import__

    def no_docx(name, *args, **kwargs):
        if name == "docx" or name.startswith("docx."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_docx)
    missing = run("export", "--corpus", small_corpus, "-o", tmp_path / "x.docx")
    assert missing.exit_code == 2
    assert missing.stderr == ("error: writing .docx needs python-docx (install it with: "
                              "pip install 'brief-cli[docx]')\n")
    assert not (tmp_path / "x.docx").exists()


# REFI-QDA --------------------------------------------------------------------------------------

def schema(name: str):
    etree = pytest.importorskip("lxml.etree", reason="lxml is not installed")
    path = REFI / name
    if not path.exists():
        pytest.skip(f"the REFI-QDA schemas are not beside the checkout (../shared/refi/{name})")
    return etree.XMLSchema(etree.parse(str(path)))


def validate(xsd: str, data: bytes):
    from lxml import etree

    checker = schema(xsd)
    tree = etree.fromstring(data)
    assert checker.validate(tree), checker.error_log
    return tree


NS = {"q": "urn:QDA-XML:project:1.0"}


def read_project(path: Path):
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        qde = archive.read("project.qde")
        sources = {n[len("Sources/"):]: archive.read(n).decode("utf-8")
                   for n in names if n.startswith("Sources/")}
    return qde, sources


def test_qdpx_validates_and_every_selection_cuts_its_passage(run, corpus_dir, tmp_path):
    target = tmp_path / "project.qdpx"
    result = run("export", "--corpus", corpus_dir, "-o", target)
    assert result.exit_code == 0, result.stderr
    qde, sources = read_project(target)
    tree = validate("Project-mrt2019.xsd", qde)
    corpus, taxonomy = load(corpus_dir)
    passages = {p.uid: p for p in corpus.passages()}
    codes = {c.get("guid"): c for c in tree.iterfind(".//q:Code", NS)}
    users = {u.get("name"): u.get("guid") for u in tree.iterfind(".//q:User", NS)}
    seen = set()
    for source in tree.iterfind(".//q:TextSource", NS):
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        text = sources[path[len("internal://"):]]
        for selection in source.iterfind("q:PlainTextSelection", NS):
            passage = passages[selection.get("name")]
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == passage.text
            expected_user = users["brief reviewer" if passage.reviewed else "brief tagger"]
            assert selection.get("creatingUser") == expected_user
            coded = [codes[c.find("q:CodeRef", NS).get("targetGUID")].get("name")
                     for c in selection.iterfind("q:Coding", NS)]
            kind = taxonomy.kind(passage.kind)
            sectors = [taxonomy.sector(s).label for s in passage.sectors]
            actors = [taxonomy.actor_name(a) for a in passage.actors]
            assert coded == [kind.label if kind else passage.kind, *sectors, *actors]
            seen.add(passage.uid)
        values = {v.find("q:VariableRef", NS).get("targetGUID"): v[1].text
                  for v in source.iterfind("q:VariableValue", NS)}
        assert len(values) >= 3
    assert seen == set(passages)
    parents = [c.get("name") for c in tree.find(".//q:Codes", NS)]
    assert parents == ["Kinds", "Sectors", "Actors"]
    energy = next(c for c in codes.values() if c.get("name") == taxonomy.sector("energy").label)
    assert energy.find("q:Description", NS).text == taxonomy.sector("energy").description


def test_qdpx_offsets_are_code_points_with_chinese_and_astral_text(run, awkward, tmp_path):
    target = tmp_path / "zh.qdpx"
    assert run("export", "--corpus", awkward, "--article", "chinese-article", "-o",
               target).exit_code == 0
    qde, sources = read_project(target)
    tree = validate("Project-mrt2019.xsd", qde)
    (text,) = sources.values()
    selection = [s for s in tree.iterfind(".//q:PlainTextSelection", NS)
                 if s.get("name") == "chinese-article#p02"][0]
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text[start:end] == "罕见字𠀀𠀁和表情😀之后，贸易仍面临挑战。"
    assert end - start == 20  # code points, not UTF-16 units (22) or bytes


def test_qdpx_guids_are_stable_across_runs(run, awkward, tmp_path):
    first, second = tmp_path / "1.qdpx", tmp_path / "2.qdpx"
    assert run("export", "--corpus", awkward, "-o", first).exit_code == 0
    assert run("export", "--corpus", awkward, "-o", second).exit_code == 0
    guids = [re.findall(rb'guid="([^"]+)"', read_project(p)[0]) for p in (first, second)]
    assert guids[0] == guids[1] and len(set(guids[0])) == len(guids[0])
    assert read_project(first)[1] == read_project(second)[1]


def test_qdpx_only_holds_the_selected_articles(run, awkward, tmp_path):
    target = tmp_path / "s.qdpx"
    result = run("export", "--corpus", awkward, "--kind", "challenge", "-o", target)
    assert result.exit_code == 0, result.stderr
    tree = validate("Project-mrt2019.xsd", read_project(target)[0])
    names = {s.get("name") for s in tree.iterfind(".//q:TextSource", NS)}
    assert names == {AWKWARD["markup-article"]["title"], AWKWARD["chinese-article"]["title"]}


def test_qdc_codebook_validates(run, tmp_path):
    target = tmp_path / "codes.qdc"
    result = run("export", "-o", target)
    assert result.exit_code == 0, result.stderr
    tree = validate("Codebook.xsd", target.read_bytes())
    taxonomy = open_taxonomy(None)
    names = {c.get("name") for c in tree.iter("{urn:QDA-XML:codebook:1.0}Code")}
    assert {s.label for s in taxonomy.sectors} <= names
    assert {a.name for a in taxonomy.actors} <= names
    on_stdout = run("export", "-f", "qdc")
    assert on_stdout.exit_code == 0 and on_stdout.stdout.encode() == target.read_bytes()


def test_qdpx_needs_a_file(run, small_corpus):
    result = run("export", "--corpus", small_corpus, "-f", "qdpx")
    assert result.exit_code == 2 and "-o FILE.qdpx" in result.stderr
