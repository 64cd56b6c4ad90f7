"""Ingest cleaning: procedural lines of meeting records, captions and pull quotes dropped (and
listed with the reason), or kept on request; share widgets told from speech openings."""

from __future__ import annotations

import pytest

from brief_cli import ingest as core

from helpers import dedent

S1 = ("We are meeting at a time of great uncertainty for the world economy, and the choices we "
      "make this year will shape the lives of our children.")
S2 = "Our country has doubled its investment in renewable energy over the past five years."
S3 = ("We therefore call on all Member States to support the new fund for adaptation, which "
      "the small island States need most.")


def reasons(draft: core.Draft) -> list[tuple[str, str]]:
    return [(d.reason, d.text) for d in draft.dropped]


RECORD = dedent(f"""
    {S1}

    (spoke in French)

    {S2}

    The President returned to the Chair.

    Mr. Doe (Freedonia), Vice-President, took the
    Chair.

    {S3}

    The Acting President: On behalf of the General Assembly, I wish to thank the Prime Minister of Freedonia for the statement he has just made.
""")


def test_procedural_lines_of_a_record_are_dropped_with_their_reason():
    draft = core.parse_text(RECORD)
    assert draft.paragraphs == (S1, S2, S3)
    assert ("procedural line", "(spoke in French)") in reasons(draft)
    assert ("procedural line", "The President returned to the Chair.") in reasons(draft)
    assert ("procedural line", "Mr. Doe (Freedonia), Vice-President, took the Chair.") in (
        reasons(draft))
    assert any(r == "procedural line" and t.startswith("The Acting President: On behalf")
               for r, t in reasons(draft))


def test_an_interpretation_note_inside_a_paragraph_and_a_speaker_label_go():
    text = (f"Ms. Roe (Freedonia) (spoke in Spanish): {S1} As the Secretary-General said,\n"
            f"(spoke in English)\n“{S2}”\n")
    draft = core.parse_text(text)
    assert draft.paragraphs == (f"{S1} As the Secretary-General said, “{S2}”",)
    assert ("speaker label", "Ms. Roe (Freedonia) (spoke in Spanish):") in reasons(draft)


def test_keep_procedural_leaves_the_record_as_written():
    draft = core.parse_text(RECORD, keep=frozenset({"procedural"}))
    assert "The President returned to the Chair." in draft.paragraphs


def test_a_speech_that_mentions_the_president_is_kept():
    text = f"The President has chosen a timely theme for this session. {S1}\n\n{S2}\n"
    assert core.parse_text(text).paragraphs[0].startswith("The President has chosen")


@pytest.mark.parametrize("caption", [
    "FILE - Containers are stacked at the port of Mombasa, Kenya, June 5, 2018. (AP Photo/Jane Doe)",
    "Workers build a railway near Nairobi. (Photo: Reuters)",
    "Image caption The new bridge opened last year",
    "A solar farm outside Almaty. Photo by John Roe/Getty Images",
])
def test_captions_are_dropped_and_kept_on_request(caption):
    text = f"{S1}\n\n{caption}\n\n{S2}\n"
    draft = core.parse_text(text)
    assert draft.paragraphs == (S1, S2)
    assert ("caption", caption) in reasons(draft) or ("photo caption", caption) in reasons(draft)
    kept = core.parse_text(text, keep=frozenset({"captions"}))
    assert not any(r in ("caption", "photo caption") for r, _ in reasons(kept))


def test_a_pull_quote_that_repeats_a_body_sentence_is_dropped():
    quote = "Our country has doubled its investment in renewable energy over the past five years."
    text = f"{S1}\n\n“{quote}”\n\n{S3} {S2}\n"
    draft = core.parse_text(text)
    assert draft.paragraphs == (S1, f"{S3} {S2}")
    assert ("pull quote", f"“{quote}”") in reasons(draft)
    kept = core.parse_text(text, keep=frozenset({"pull-quotes"}))
    assert f"“{quote}”" in kept.paragraphs


def test_a_short_paragraph_that_repeats_nothing_is_kept():
    text = f"{S1}\n\n{S2}\n\n{S3}\n"
    assert core.parse_text(text).paragraphs == (S1, S2, S3)


def test_two_words_that_open_a_speech_are_not_a_share_widget():
    text = f"On this\nspecial occasion, {S1[0].lower()}{S1[1:]}\n\n{S2}\n"
    assert core.parse_text(text).paragraphs[0].startswith("On this special occasion, we are")


def test_dry_run_lists_the_procedural_lines_it_dropped(run, tmp_path):
    source = tmp_path / "speech.txt"
    source.write_text(RECORD, encoding="utf-8")
    result = run("ingest", source, "--dry-run", "--no-tag", "--date", "2015-09-28")
    assert result.exit_code == 0
    assert "\nremoved (procedural line): (spoke in French)\n" in result.stdout
    bad = run("ingest", source, "--dry-run", "--keep", "everything")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --keep takes procedural, captions, pull-quotes")


# Hyphenation and PDF ligature splits ------------------------------------------------------------

def test_a_compound_broken_at_a_line_end_keeps_its_hyphen():
    text = ("Instead of well-thought-\nout, viable solutions, we are witnessing a disturbing\n"
            "escalation of problems, drawing in more countries every year that passes by.\n")
    assert "well-thought-out, viable" in core.parse_text(text).paragraphs[0]


def test_a_compound_the_text_writes_inside_a_longer_one_keeps_its_hyphen():
    # 'year-old' is written whole only inside '63-year-old': still a compound of the text,
    # which wins over the dictionary (that knows 'yearold', a common typo).
    text = ("Reform of a 63-year-old Council is overdue. We cannot accept a 63-year-\nold "
            "Council that serves the few.\n")
    assert "a 63-year-old Council that serves" in core.parse_text(text).paragraphs[0]


@pytest.mark.parametrize("broken, whole", [
    ("inter-\nnational", "international"),
    ("land-\nlocked", "landlocked"),
    ("multilat-\neralism", "multilateralism"),
    ("decision-\nmaking", "decision-making"),
    ("long-\nterm", "long-term"),
    ("Secretary-\nGeneral", "Secretary-General"),
])
def test_line_end_hyphens_are_undone_only_for_real_words(broken, whole):
    text = f"We spoke of the {broken} questions again today, as we did in every\nsession.\n"
    assert f"the {whole} questions" in core.parse_text(text).paragraphs[0]


@pytest.mark.parametrize("split, whole", [
    ("f low", "flow"), ("inf luential", "influential"), ("signif icant", "significant"),
    ("ef fective", "effective"), ("of fice", "office"), ("f lagrant", "flagrant"),
])
def test_pdf_ligature_splits_are_joined(split, whole):
    text = f"This is a {split} matter for the region and its people.\n"
    assert core.parse_text(text).paragraphs == (f"This is a {whole} matter for the region and "
                                                "its people.",)


@pytest.mark.parametrize("words", ["of life", "if it", "wolf in", "grief for", "Gulf initiative",
                                   "self less", "reef fishing", "half ill"])
def test_real_word_pairs_after_an_f_stay_apart(words):
    text = f"They spoke of {words} matters for the region and its people.\n"
    assert words in core.parse_text(text).paragraphs[0]


@pytest.mark.parametrize("text, dropped", [
    (f"Mr. Roe (Freedonia), Vice-President took the Chair. {S2}",
     "Mr. Roe (Freedonia), Vice-President took the Chair."),
    (f"Mr. Roe Soto (Freedonia) Vice-President, took the Chair.\n\n{S2}",
     "Mr. Roe Soto (Freedonia) Vice-President, took the Chair."),
    (f"President Doe (spoke in Spanish via telephone): {S2}",
     "President Doe (spoke in Spanish via telephone):"),
])
def test_procedural_sentences_run_into_a_paragraph_are_dropped(text, dropped):
    draft = core.parse_text(text + "\n")
    assert draft.paragraphs == (S2,)
    assert dropped in [t for _, t in reasons(draft)]


# Paragraphs of hard-wrapped text without blank lines -------------------------------------------

def wrap(text: str, width: int, measure) -> list[str]:
    """Greedy wrapping, as a typesetter (measure: letter widths) or an editor (len) does."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and measure(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line]


NARROW_END = ("Still, it is vital that all its allies fulfil it in full; it is fitting, just and "
              "still vital.")
PARAGRAPHS = [
    "We meet again at a moment of great danger for the region and for the world. Our people "
    "expect the Assembly to act on the crises before it, and to do so without delay. " + NARROW_END,
    "The Government of my country has made sustainable development the centre of its work. We "
    "have doubled our spending on schools and clinics and built roads to every district. More "
    "remains to be done, and we count on our partners to keep their promises to us.",
    "Finally, let me turn to the reform of the Security Council, which has been discussed for "
    "too long. A Council that reflects the world of today would be a stronger Council.",
]


def test_typeset_lines_are_measured_by_the_width_of_their_letters():
    from brief_cli.ingest.paragraphs import visual_width

    assert visual_width("illicit") < visual_width("MWmwMWm") / 2
    assert visual_width("") == 0 and visual_width("a b") == 444 + 250 + 500
    lines = [line for p in PARAGRAPHS for line in wrap(p, 26_000, visual_width)]
    last = wrap(PARAGRAPHS[0], 26_000, visual_width)[-1]
    # The premise: by its letters the line ending the first paragraph is short, by its
    # characters as long as a full one.
    inner = sorted(len(line) for line in lines)
    assert visual_width(last) < 0.8 * 26_000 and len(last) >= inner[int(len(inner) * 0.9)] - 5
    assert core.parse_text("\n".join(lines) + "\n").paragraphs == tuple(PARAGRAPHS)


def test_lines_wrapped_by_character_count_are_measured_in_characters():
    paragraphs = [p.replace(NARROW_END, "Time is short.") for p in PARAGRAPHS]
    lines = [line for p in paragraphs for line in wrap(p, 64, len)]
    assert all(len(wrap(p, 64, len)[-1]) <= 55 for p in paragraphs)  # room for a word
    assert core.parse_text("\n".join(lines) + "\n").paragraphs == tuple(paragraphs)


def test_a_paragraph_opener_after_a_full_line_that_ends_a_sentence_starts_a_paragraph():
    first = ("Our delegation supports every effort to bring peace to the region, and we "
             "will keep working for it with all our partners in good faith. Peace is near.")
    lines = wrap(first, 60, len)
    # Make the last line of the first paragraph full to the edge.
    lines[-1] = lines[-1].replace("Peace is near.", "Peace is near, we think, and ends wars.")
    assert all(len(line) >= 50 for line in lines)
    second = wrap("Secondly, the reform of the Council cannot wait another decade of talks "
                  "and studies and more talks.", 60, len)
    text = "\n".join(lines + second) + "\n"
    assert [p[:9] for p in core.parse_text(text).paragraphs] == ["Our deleg", "Secondly,"]
