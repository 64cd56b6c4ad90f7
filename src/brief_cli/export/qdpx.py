"""REFI-QDA (QDA-XML 1.0) exports: a project (.qdpx) and a codebook (.qdc).

NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette exchange projects in this standard. What goes in:

- the codebook: three parent codes (not codable themselves), "Kinds", "Sectors" and "Actors",
  with the taxonomy's kinds, sectors and actors as codes under them and the taxonomy's
  descriptions as code descriptions (actors grouped by type: countries, organisations …);
- one text source per article that has a selected passage: the article's title, a blank line,
  then its passages, each separated by a blank line, as ``Sources/<guid>.txt``;
- one ``PlainTextSelection`` per passage, whose start and end positions are character offsets
  (Unicode code points, counted from 0, end exclusive, as QualCoder reads them) that cut exactly
  the passage's text out of the source, with a ``Coding`` for its kind, each sector and each
  actor;
- who tagged what: two users, "brief tagger" for machine tags and "brief reviewer" for tags a
  person reviewed (``reviewed: true``); each selection and coding names its creating user, and
  the selection's description says "reviewed" or "machine-tagged, not reviewed";
- the article's metadata (id, source, published, authors, section, URL, language) as variables
  with a value on each source.

GUIDs are UUID 5 of the ids (code ids, article ids, passage ids), so the same corpus exports
the same GUIDs every time, and a code keeps its GUID across projects and codebooks.

Written with the standard library's ElementTree; nothing here needs lxml.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable
from xml.etree import ElementTree as ET

from brief_cli.model import KINDS, Article, Passage
from brief_cli.taxonomy import Taxonomy

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://brief-cli/refi-qda")

KIND_COLOURS = {"challenge": "#D62728", "opportunity": "#2CA02C", "context": "#1F77B4"}
MACHINE_USER = "brief tagger"
REVIEW_USER = "brief reviewer"
# Characters XML 1.0 cannot hold (in a name or description; source texts are separate files).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def guid(*parts: str) -> str:
    """A stable GUID for a thing named by parts ("code", "sector", "energy")."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def xml_text(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


# Codes ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeNode:
    guid: str
    name: str
    codable: bool
    description: str = ""
    colour: str | None = None
    children: tuple["CodeNode", ...] = ()


def code_guid(group: str, code_id: str) -> str:
    return guid("code", group, code_id)


_ACTOR_GROUPS = {"country": "Countries", "organisation": "Organisations",
                 "organization": "Organisations", "bloc": "Blocs", "person": "People"}


def codebook_tree(taxonomy: Taxonomy, *, actors: Iterable[str] | None = None,
                  extra: dict[str, set[str]] | None = None) -> list[CodeNode]:
    """The codebook: Kinds, Sectors, Actors (by type). ``actors`` limits the actors to those ids
    (None: every actor of the taxonomy); ``extra`` adds ids a corpus uses that the taxonomy
    lacks ({"kind": {...}, "sector": {...}, "actor": {...}})."""
    extra = extra or {}
    kind_ids = (taxonomy.kind_ids or list(KINDS)) + sorted(
        extra.get("kind", set()) - set(taxonomy.kind_ids or KINDS))
    kinds = []
    for kind_id in kind_ids:
        kind = taxonomy.kind(kind_id)
        kinds.append(CodeNode(code_guid("kind", kind_id), kind.label if kind else kind_id, True,
                              kind.description if kind else "", KIND_COLOURS.get(kind_id)))
    sectors = [CodeNode(code_guid("sector", s.id), s.label, True, s.description)
               for s in taxonomy.sectors]
    sectors += [CodeNode(code_guid("sector", s), s, True)
                for s in sorted(extra.get("sector", set()) - set(taxonomy.sector_ids))]
    wanted = None if actors is None else set(actors)
    by_type: dict[str, list[CodeNode]] = {}
    for actor in taxonomy.actors:
        if wanted is not None and actor.id not in wanted:
            continue
        note = f"{actor.type}" + (f", ISO 3166 code {actor.iso3}" if actor.iso3 else "")
        if actor.aliases:
            note += "; also: " + ", ".join(actor.aliases)
        by_type.setdefault(actor.type, []).append(
            CodeNode(code_guid("actor", actor.id), actor.name, True, note))
    known = {a.id for a in taxonomy.actors}
    for actor_id in sorted(extra.get("actor", set()) - known):
        by_type.setdefault("other", []).append(CodeNode(code_guid("actor", actor_id), actor_id,
                                                        True, "not in the taxonomy"))
    actor_groups = [
        CodeNode(guid("code-group", "actor", t), _ACTOR_GROUPS.get(t, t.title()), False,
                 f"Actors of type {t}", None, tuple(nodes))
        for t, nodes in by_type.items()]
    return [
        CodeNode(guid("code-group", "kind"), "Kinds", False,
                 "What a passage is: a challenge, an opportunity, or plain context.", None,
                 tuple(kinds)),
        CodeNode(guid("code-group", "sector"), "Sectors", False,
                 "The policy sectors a passage is about (the taxonomy's sectors).", None,
                 tuple(sectors)),
        CodeNode(guid("code-group", "actor"), "Actors", False,
                 "The countries and organisations a passage names.", None,
                 tuple(actor_groups)),
    ]


def _code_elements(parent: ET.Element, nodes: Iterable[CodeNode], ns: str) -> None:
    for node in nodes:
        attrs = {"guid": node.guid, "name": xml_text(node.name),
                 "isCodable": "true" if node.codable else "false"}
        if node.colour:
            attrs["color"] = node.colour
        element = ET.SubElement(parent, f"{{{ns}}}Code", attrs)
        if node.description:
            ET.SubElement(element, f"{{{ns}}}Description").text = xml_text(node.description)
        _code_elements(element, node.children, ns)


def _serialise(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def build_codebook(taxonomy: Taxonomy, *, origin: str) -> bytes:
    """The whole taxonomy as a REFI-QDA codebook (.qdc), UTF-8 XML."""
    ns = CODEBOOK_NS
    root = ET.Element(f"{{{ns}}}CodeBook", {"origin": origin})
    codes = ET.SubElement(root, f"{{{ns}}}Codes")
    _code_elements(codes, codebook_tree(taxonomy), ns)
    return _serialise(root, ns)


# Sources -------------------------------------------------------------------------------------

PASSAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SourceText:
    """An article as the plain text of a source, and where each passage stands in it."""

    text: str
    spans: tuple[tuple[Passage, int, int], ...]


def source_text(article: Article) -> SourceText:
    """Title, blank line, passages separated by blank lines; passage text kept exactly."""
    pieces = [article.title]
    position = len(article.title)
    spans = []
    for passage in article.passages:
        position += len(PASSAGE_SEPARATOR)
        pieces.append(passage.text)
        spans.append((passage, position, position + len(passage.text)))
        position += len(passage.text)
    return SourceText(PASSAGE_SEPARATOR.join(pieces) + "\n", tuple(spans))


VARIABLES = (("article id", "Text"), ("source", "Text"), ("published", "Date"),
             ("authors", "Text"), ("section", "Text"), ("url", "Text"), ("language", "Text"))


def _variable_values(article: Article) -> list[tuple[str, str, str]]:
    values = {"article id": article.id, "source": article.source,
              "published": article.published.isoformat(), "authors": "; ".join(article.authors),
              "section": article.section or "", "url": article.url or "",
              "language": article.language or ""}
    return [(name, kind, values[name]) for name, kind in VARIABLES if values[name]]


@dataclass(frozen=True)
class Project:
    """The parts of a .qdpx: project.qde and the source texts by file name."""

    qde: bytes
    sources: dict[str, str]

    def zip_bytes(self, when: datetime) -> bytes:
        stamp = when.astimezone(timezone.utc).timetuple()[:6]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(zipfile.ZipInfo("project.qde", stamp), self.qde,
                             zipfile.ZIP_DEFLATED)
            for name, text in self.sources.items():
                archive.writestr(zipfile.ZipInfo(f"Sources/{name}", stamp),
                                 text.encode("utf-8"), zipfile.ZIP_DEFLATED)
        return buffer.getvalue()


def build_project(articles: Iterable[Article], taxonomy: Taxonomy, *, name: str, origin: str,
                  generated: datetime | None = None) -> Project:
    """A REFI-QDA project of the articles, each whole, every passage coded with its tags."""
    ns = PROJECT_NS
    articles = list(articles)
    when = (generated or datetime.now(timezone.utc)).astimezone(timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    machine, reviewer = guid("user", MACHINE_USER), guid("user", REVIEW_USER)

    used = {"kind": set(), "sector": set(), "actor": set()}
    for article in articles:
        for p in article.passages:
            used["kind"].add(p.kind)
            used["sector"].update(p.sectors)
            used["actor"].update(p.actors)

    root = ET.Element(f"{{{ns}}}Project", {
        "name": xml_text(name) or "brief export", "origin": origin, "creatingUserGUID": machine,
        "creationDateTime": stamp})
    users = ET.SubElement(root, f"{{{ns}}}Users")
    ET.SubElement(users, f"{{{ns}}}User", {"guid": machine, "name": MACHINE_USER})
    ET.SubElement(users, f"{{{ns}}}User", {"guid": reviewer, "name": REVIEW_USER})
    codebook = ET.SubElement(root, f"{{{ns}}}CodeBook")
    codes = ET.SubElement(codebook, f"{{{ns}}}Codes")
    _code_elements(codes, codebook_tree(taxonomy, actors=used["actor"], extra=used), ns)

    variables = ET.SubElement(root, f"{{{ns}}}Variables")
    for var_name, var_type in VARIABLES:
        ET.SubElement(variables, f"{{{ns}}}Variable", {
            "guid": guid("variable", var_name), "name": var_name, "typeOfVariable": var_type})

    sources_el = ET.SubElement(root, f"{{{ns}}}Sources")
    files: dict[str, str] = {}
    for article in articles:
        source_guid = guid("source", article.id)
        text = source_text(article)
        files[f"{source_guid}.txt"] = text.text
        reviewed_all = all(p.reviewed for p in article.passages)
        source = ET.SubElement(sources_el, f"{{{ns}}}TextSource", {
            "guid": source_guid, "name": xml_text(article.title) or article.id,
            "plainTextPath": f"internal://{source_guid}.txt",
            "creatingUser": reviewer if reviewed_all else machine})
        description = f"{article.source}, {article.published.isoformat()} ({article.id})"
        if article.author_note:
            description += "\n" + article.author_note
        ET.SubElement(source, f"{{{ns}}}Description").text = xml_text(description)
        for passage, start, end in text.spans:
            user = reviewer if passage.reviewed else machine
            selection = ET.SubElement(source, f"{{{ns}}}PlainTextSelection", {
                "guid": guid("selection", passage.uid), "name": passage.uid,
                "startPosition": str(start), "endPosition": str(end), "creatingUser": user})
            ET.SubElement(selection, f"{{{ns}}}Description").text = (
                "reviewed" if passage.reviewed else "machine-tagged, not reviewed")
            tags = [("kind", passage.kind)] + [("sector", s) for s in passage.sectors] + [
                ("actor", a) for a in passage.actors]
            for group, code_id in tags:
                coding = ET.SubElement(selection, f"{{{ns}}}Coding", {
                    "guid": guid("coding", passage.uid, group, code_id), "creatingUser": user})
                ET.SubElement(coding, f"{{{ns}}}CodeRef",
                              {"targetGUID": code_guid(group, code_id)})
        for var_name, var_type, value in _variable_values(article):
            holder = ET.SubElement(source, f"{{{ns}}}VariableValue")
            ET.SubElement(holder, f"{{{ns}}}VariableRef",
                          {"targetGUID": guid("variable", var_name)})
            tag = "DateValue" if var_type == "Date" else "TextValue"
            ET.SubElement(holder, f"{{{ns}}}{tag}").text = xml_text(value)
    return Project(_serialise(root, ns), files)
