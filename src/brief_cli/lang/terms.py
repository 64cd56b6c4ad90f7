"""Chinese terms of a taxonomy: the companion file ``<taxonomy>.zh.yaml`` merged into it.

The companion lists, by id, Chinese cues for kinds, keywords for sectors and names for actors
(see the bundled ``taxonomy.zh.yaml``). They are added to the taxonomy's own lists, so tags
stay language-neutral: ``--sector energy`` finds 电力 and electricity alike, and ``--actor
哈萨克斯坦`` names Kazakhstan. A companion that names an id the taxonomy does not define, or
is not a mapping of lists of strings, is an error with its file and line.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from brief_cli.errors import Problem, TaxonomyError

SUFFIX = ".zh.yaml"
SECTIONS = ("kinds", "sectors", "actors")


def companion(path: Path) -> Path:
    """Where the Chinese terms of the taxonomy at ``path`` live (``taxonomy.zh.yaml``)."""
    return path.with_name(path.stem + SUFFIX) if path.suffix in (".yaml", ".yml") \
        else path.with_name(path.name + SUFFIX)


def with_chinese_terms(taxonomy, path: Path):
    """The taxonomy with the terms of its companion file added (itself when there is none)."""
    zh_path = companion(path)
    if not zh_path.is_file():
        return taxonomy
    from brief_cli import yamlio

    try:
        doc = yamlio.load_file(zh_path)
    except yamlio.YamlProblem as exc:
        raise TaxonomyError(str(exc.problem)) from None
    data = doc.data if doc.data is not None else {}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise TaxonomyError(str(doc.problem("expected a mapping with kinds, sectors and actors")))
    terms: dict[str, dict[str, tuple[str, ...]]] = {}
    known = {"kinds": {k.id for k in taxonomy.kinds}, "sectors": set(taxonomy.sector_ids),
             "actors": {a.id for a in taxonomy.actors}}
    for section, entries in data.items():
        if section not in SECTIONS:
            problems.append(doc.problem(f"unknown field {section!r}", section, at_key=True,
                                        hint="the fields are " + ", ".join(SECTIONS)))
            continue
        if not isinstance(entries, dict):
            problems.append(doc.problem(f"{section!r} must map ids to lists of terms", section))
            continue
        for item_id, values in entries.items():
            if item_id not in known[section]:
                problems.append(doc.problem(
                    f"unknown {section[:-1]} {item_id!r}", section, item_id, at_key=True,
                    hint=f"the ids are those of {path.name}"))
                continue
            if not isinstance(values, list) or not all(
                    isinstance(v, (str, int)) and str(v).strip() for v in values):
                problems.append(doc.problem("expected a list of non-empty strings",
                                            section, item_id))
                continue
            terms.setdefault(section, {})[item_id] = tuple(
                dict.fromkeys(str(v).strip() for v in values))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TaxonomyError(f"{problems[0]}{more}", hint="fix the Chinese terms file")
    kinds = tuple(replace(k, cues=k.cues + terms.get("kinds", {}).get(k.id, ()))
                  for k in taxonomy.kinds)
    sectors = tuple(replace(s, keywords=s.keywords + tuple(
        t.lower() for t in terms.get("sectors", {}).get(s.id, ()))) for s in taxonomy.sectors)
    actors = tuple(replace(a, aliases=a.aliases + terms.get("actors", {}).get(a.id, ()))
                   for a in taxonomy.actors)
    return type(taxonomy)(kinds, sectors, actors, taxonomy.path)
