"""Tagging Chinese passages: sector terms, kind cues, actor names and bilateral short forms,
the evidence shown by --explain, and the Chinese terms file. (Passages written for the tests.)"""

from __future__ import annotations

import shutil

import pytest

from brief_cli.config import bundled_taxonomy_path
from brief_cli.errors import TaxonomyError
from brief_cli.tagging import Tagger
from brief_cli.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(bundled_taxonomy_path())


@pytest.fixture(scope="module")
def tagger(taxonomy):
    return Tagger(taxonomy)


@pytest.mark.parametrize("text, sector", [
    ("两国能源合作持续深化，油气管道和电力项目进展顺利。", "energy"),
    ("海上风电和光伏发电装机容量快速增长，新能源产业蓬勃发展。", "clean-energy"),
    ("数字经济和人工智能成为合作新引擎，跨境电商规模扩大。", "digital"),
    ("中欧班列开行数量增长，铁路、公路和港口物流更加顺畅。", "infrastructure"),
    ("双边贸易额创新高，关税下调，自贸区建设和相互投资稳步推进。", "trade"),
    ("人民币结算和贷款规模扩大，汇率保持稳定，金融合作深化。", "finance"),
])
def test_sector_terms(tagger, text, sector):
    assert sector in tagger.tag(text).sectors


def test_a_term_is_found_inside_a_longer_word(tagger):
    assert "clean-energy" in tagger.tag("海上风电场建设加快推进，风电装机再创新高。").sectors


@pytest.mark.parametrize("text, kind", [
    ("管道运输面临风险，部分项目融资困难，存在明显障碍。", "challenge"),
    ("双方合作潜力巨大，前景广阔，将实现互利共赢。", "opportunity"),
    ("会议于七月在首都举行，双方代表出席。", "context"),
])
def test_kind_cues(tagger, text, kind):
    assert tagger.tag(text).kind == kind


@pytest.mark.parametrize("text, actors", [
    ("哈萨克斯坦与中国签署合作协议。", {"kazakhstan", "china"}),
    ("中方表示，愿同哈方加强沟通。", {"china", "kazakhstan"}),
    ("中哈两国关系持续深化。", {"china", "kazakhstan"}),
    ("上合组织和联合国代表出席会议，欧盟和东盟也派员参加。", {"sco", "un", "eu", "asean"}),
    ("上海合作组织峰会在阿斯塔纳举行。", {"sco"}),
    ("中美洲国家代表出席会议。", set()),
    ("印度尼西亚和印度的代表出席会议。", {"indonesia", "india"}),
])
def test_actor_names(tagger, text, actors):
    assert set(tagger.tag(text).actors) == actors


def test_tags_are_language_neutral(tagger):
    zh = tagger.tag("哈萨克斯坦的石油和天然气通过管道输往中国。")
    en = tagger.tag("Kazakhstan exports oil and gas through pipelines to China.")
    assert "energy" in zh.sectors and "energy" in en.sectors
    assert set(zh.actors) == set(en.actors) == {"kazakhstan", "china"}


def test_explanation_shows_chinese_evidence(tagger):
    tags = tagger.tag("中哈能源合作面临风险，管道建设进展缓慢。")
    ex = tags.explanation
    energy = next(s for s in ex.sectors if s.sector == "energy")
    assert {e.text for e in energy.evidence} == {"能源合作", "管道"}
    challenge = next(k for k in ex.kinds if k.kind == "challenge")
    assert "风险" in {e.text for e in challenge.evidence}
    # 中哈: each country's character of the short form, with the name it stands for.
    found = {a.actor: (a.evidence[0].text, a.evidence[0].matched) for a in ex.actors}
    assert found == {"china": ("中", "中国"), "kazakhstan": ("哈", "哈萨克斯坦")}


def test_explain_command_shows_chinese_evidence(tmp_path, run):
    path = tmp_path / "a.txt"
    path.write_text("中哈能源观察\n来源：新华社\n日期：2024年7月5日\n\n"
                    "中哈能源合作面临风险，管道建设进展缓慢。\n", encoding="utf-8")
    out = tmp_path / "corpus"
    assert run("ingest", path, "--out", out).exit_code == 0
    result = run("tag", "--explain", "zhong-ha-neng-yuan-guan-cha#p01", "--corpus", out)
    assert result.exit_code == 0, result.stderr
    assert "管道" in result.stdout and "风险" in result.stdout and "中国" in result.stdout


def test_actor_filter_takes_a_chinese_name(taxonomy):
    assert taxonomy.resolve_actor("哈萨克斯坦") == "kazakhstan"
    assert taxonomy.resolve_actor("上合组织") == "sco"


def _copy_taxonomy(tmp_path, zh_text: str):
    target = tmp_path / "tax.yaml"
    shutil.copy(bundled_taxonomy_path(), target)
    (tmp_path / "tax.zh.yaml").write_text(zh_text, encoding="utf-8")
    return target


def test_terms_file_with_an_unknown_id_is_an_error_with_its_line(tmp_path):
    path = _copy_taxonomy(tmp_path, "sectors:\n  energy: [能源]\n  energi: [电力]\n")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert "tax.zh.yaml:3" in str(info.value) and "energi" in str(info.value)


def test_terms_file_of_a_custom_taxonomy(tmp_path):
    path = _copy_taxonomy(tmp_path, "sectors:\n  tourism: [滑雪]\n")
    taxonomy = load_taxonomy(path)
    assert "滑雪" in taxonomy.sector("tourism").keywords
    assert "能源" not in taxonomy.sector("energy").keywords  # only the companion's terms
    assert "tourism" in Tagger(taxonomy).tag("滑雪场吸引了大量游客。滑雪季节很长。").sectors
