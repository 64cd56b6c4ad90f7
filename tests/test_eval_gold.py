"""``brief eval --gold``: texts coded elsewhere (CSV or YAML), code maps, bad rows, empty input."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_cli.config import bundled_taxonomy_path
from brief_cli.errors import BriefError
from brief_cli.gold import read_gold, read_map
from brief_cli.tagging import Tagger
from brief_cli.taxonomy import load_taxonomy

# Texts whose tags are checked in test_the_tagger_says_what_we_assume, so that the report's
# numbers below can be worked out by hand.
TEXTS = [
    "The foreign minister met her counterpart to discuss bilateral relations.",
    "Rising public debt is a serious risk for the bank.",
    "The weather was pleasant on Sunday.",
]
CSV = (
    "id,text,majortopic,kind\n"
    f's1,"{TEXTS[0]}",19,context\n'
    f's2,"{TEXTS[1]}",1,challenge\n'
    f's3,"{TEXTS[2]}",99,opportunity\n'
)
MAP_YAML = "# CAP major topic -> sector ids\n1: [finance, economy]\n19: diplomacy\n99:\n"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


def test_the_tagger_says_what_we_assume(taxonomy):
    got = [(t.kind, t.sectors) for t in Tagger(taxonomy).tag_passages(TEXTS)]
    assert got == [("context", ("diplomacy",)), ("challenge", ("finance",)),
                   ("context", ())]


@pytest.fixture
def files(tmp_path):
    (tmp_path / "coded.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "cap.yaml").write_text(MAP_YAML, encoding="utf-8")
    return tmp_path


def test_csv_with_a_code_map(run, files):
    result = run("eval", "--gold", files / "coded.csv", "--map", files / "cap.yaml",
                 "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["passages"] == 3
    assert data["kind"]["accuracy"] == round(2 / 3, 4)
    # gold: {diplomacy}, {finance, economy}, {}; tagged: {diplomacy}, {finance}, {}
    micro = data["sectors"]["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 0, 1)
    assert data["sectors"]["no_sector"] == 0
    assert data["actors"] is None  # the file does not label actors
    assert [d["id"] for d in data["disagreements"]] == ["s2", "s3"]


def test_csv_table_and_csv_output(run, files):
    result = run("eval", "--gold", files / "coded.csv", "--map", files / "cap.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "labelled passages\t3 in 3 documents"
    assert "confusion (rows labelled, columns tagged)" in result.stdout
    rows = run("eval", "--gold", files / "coded.csv", "--map", files / "cap.yaml", "-f", "csv")
    assert "sector,economy,1,0,0,0,1,,0.0,0.0" in rows.stdout.splitlines()


def test_yaml_with_documents_sectors_only(run, tmp_path):
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "passages:\n"
        "  - text: Pipelines carry oil and gas to the port.\n"
        "    sectors: [energy, infrastructure]\n"
        "    source: a\n"
        "  - text: The central bank raised interest rates.\n"
        "    sectors: finance\n"
        "    source: a\n"
        "  - {text: 'Tourists came back to the beaches.', sectors: [tourism], source: b}\n",
        encoding="utf-8")
    result = run("eval", "--gold", gold, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["passages"], data["articles"]) == (3, 2)  # two documents
    assert data["kind"] is None
    assert data["sectors"]["micro"]["f1"] == 1.0


def test_a_plain_list_and_kind_only(taxonomy, tmp_path):
    gold = tmp_path / "kinds.yml"
    gold.write_text("- text: Drought is a threat to farmers.\n  kind: challenge\n",
                    encoding="utf-8")
    (item,) = read_gold(gold, taxonomy)
    assert (item.kind, item.sectors, item.uid) == ("challenge", None, "row 1")


def test_map_as_csv(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("code,sector\n19,diplomacy\n1,\"economy,finance\"\n99,\n", encoding="utf-8")
    mapping = read_map(path)
    assert mapping.sectors == {"19": ("diplomacy",), "1": ("economy", "finance"), "99": ()}


@pytest.mark.parametrize("content, where, message", [
    ("text,sectors\nfine,energy\nbad,enrgy\n", ":3 (row 2)", "unknown sector 'enrgy'"),
    ("text,kind\nfine,context\nbad,maybe\n", ":3 (row 2)", "kind 'maybe' is not one of"),
    ("text,kind\nfine,context\n,context\n", ":3 (row 2)", "no text"),
    ("text,kind\nfine,context\nbad,\n", ":3 (row 2)", "no kind"),
    ("words,sectors\nfine,energy\n", ":1", "no text column"),
    ("text,notes\nfine,whatever\n", "", "no sectors or kind labels"),
    ('text,kind\n"a, b",context,extra\n', ":2 (row 1)", "3 cells for 2 columns"),
])
def test_bad_rows_name_the_row_and_exit_2(run, tmp_path, content, where, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = run("eval", "--gold", path)
    assert result.exit_code == 2
    assert f"bad.csv{where}" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_yaml_item_and_code_missing_from_the_map(run, files, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("- text: fine\n  sectors: [energy]\n- just a string\n", encoding="utf-8")
    result = run("eval", "--gold", path)
    assert result.exit_code == 2 and "bad.yaml:3: item 2 is not a mapping" in result.stderr
    (files / "short.yaml").write_text("19: diplomacy\n", encoding="utf-8")
    result = run("eval", "--gold", files / "coded.csv", "--map", files / "short.yaml")
    assert result.exit_code == 2
    assert "coded.csv:3 (row 2): code '1' is not in the map file" in result.stderr


@pytest.mark.parametrize("content", ["", "text,sectors\n", "passages: []\n", "[]\n"])
def test_empty_input_exit_1(run, tmp_path, content):
    path = tmp_path / ("empty.yaml" if content.startswith(("p", "[")) else "empty.csv")
    path.write_text(content, encoding="utf-8")
    result = run("eval", "--gold", path)
    assert result.exit_code == 1, result.stderr
    assert "no labelled texts" in result.stderr


def test_missing_file_and_misused_options(run, files):
    result = run("eval", "--gold", files / "nope.csv")
    assert result.exit_code == 2 and "nope.csv" in result.stderr
    result = run("eval", "--map", files / "cap.yaml")
    assert result.exit_code == 2 and "--map goes with --gold" in result.stderr


def test_non_utf8_gold_file(taxonomy, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,kind\ncaf\xe9,context\n".encode("latin-1"))
    with pytest.raises(BriefError, match="not UTF-8"):
        read_gold(path, taxonomy)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.sampled_from(list('abc,;|"\n: -[]{}#xy\t') + [
    "energy", "context", "text: ", "- ", "sectors: "]), max_size=40).map("".join),
       suffix=st.sampled_from([".csv", ".yaml", ".txt"]))
def test_any_input_reads_or_fails_cleanly(taxonomy, tmp_path, body, suffix):
    path = tmp_path / f"any{suffix}"
    path.write_text("text,sectors,kind\n" + body if suffix == ".csv" else body,
                    encoding="utf-8")
    try:
        items = read_gold(path, taxonomy)
    except BriefError:
        return
    assert all(item.text.strip() for item in items)
