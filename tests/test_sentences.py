"""The sentence splitter: abbreviations, initials, decimals, quotes and ellipses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_cli.text import split_sentences


@pytest.mark.parametrize("text, expected", [
    # abbreviations that never end a sentence
    ("The U.S. President met Dr. Smith on Sept. 7. The talks went well.",
     ["The U.S. President met Dr. Smith on Sept. 7.", "The talks went well."]),
    ("Mr. Xi and Mrs. May spoke. Prof. Lee agreed.",
     ["Mr. Xi and Mrs. May spoke.", "Prof. Lee agreed."]),
    ("Some sectors, e.g. Energy and Mining, grew. Others, i.e. Retail, did not.",
     ["Some sectors, e.g. Energy and Mining, grew.", "Others, i.e. Retail, did not."]),
    ("Compare Smith et al. Their data differ.", ["Compare Smith et al.", "Their data differ."]),
    ("Smith et al. (2020) found more.", ["Smith et al. (2020) found more."]),
    ("Smith et al. Found more.", ["Smith et al. Found more."]),
    # decimals and numbers
    ("Growth was 3.5 percent in 2023. It may reach 4.25 percent.",
     ["Growth was 3.5 percent in 2023.", "It may reach 4.25 percent."]),
    ("The loan cost $1.2 billion. The rate was 0.5%.",
     ["The loan cost $1.2 billion.", "The rate was 0.5%."]),
    ("See No. 5 for details. Then stop.", ["See No. 5 for details.", "Then stop."]),
    ("Prices rose (see Fig. 2). Then they fell.", ["Prices rose (see Fig. 2).", "Then they fell."]),
    # initials and initialisms
    ("J. R. R. Tolkien wrote it. Then what?", ["J. R. R. Tolkien wrote it.", "Then what?"]),
    ("It happened in the U.S. The end came later.",
     ["It happened in the U.S.", "The end came later."]),
    ("The U.S. Congress and the U.K. Parliament voted.",
     ["The U.S. Congress and the U.K. Parliament voted."]),
    ("Talks with the U.S.-China council stalled. Nobody left.",
     ["Talks with the U.S.-China council stalled.", "Nobody left."]),
    ("Vitamin C. The rest is water.", ["Vitamin C.", "The rest is water."]),
    # abbreviations that can end a sentence
    ("Acme Inc. The firm grew. Acme Inc. said so.",
     ["Acme Inc.", "The firm grew.", "Acme Inc. said so."]),
    ("The meeting is at 4 p.m. Thursday in Astana.",
     ["The meeting is at 4 p.m. Thursday in Astana."]),
    # quotes
    ('He said, "No." Then he left.', ['He said, "No."', "Then he left."]),
    ('He said: "It is done." "Good," she replied.',
     ['He said: "It is done."', '"Good," she replied.']),
    ("\u201cWe agree.\u201d The minister smiled.",
     ["\u201cWe agree.\u201d", "The minister smiled."]),
    ('"Really?" he asked. "Yes!" she said.', ['"Really?" he asked.', '"Yes!" she said.']),
    ("'Yes,' she said. 'No.' He agreed.", ["'Yes,' she said.", "'No.'", "He agreed."]),
    # ellipses are never split inside
    ("Wait... What? Really!", ["Wait...", "What?", "Really!"]),
    ("He paused . . . Then he spoke.", ["He paused . . .", "Then he spoke."]),
    ("The plan\u2026 It failed.", ["The plan\u2026", "It failed."]),
    ("Well... maybe not.", ["Well... maybe not."]),
    # lowercase after a full stop: no new sentence
    ("The figure was approx. three times higher.", ["The figure was approx. three times higher."]),
    # whitespace
    ("  One.\n\nTwo  words.\tThree. ", ["One.", "Two words.", "Three."]),
    ("", []),
    ("   \n ", []),
    ("No final stop", ["No final stop"]),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_seed_article_sentence_about_sept_7_stays_whole():
    text = ("In a speech he delivered at Nazarbayev University in Astana, Kazakhstan, on Sept 7, "
            "2013, President Xi Jinping proposed the plan. It grew.")
    assert len(split_sentences(text)) == 2


_ALPHABET = st.sampled_from(list("abcXYZ .!?\"'\u201c\u201d\u2026()[]\n\t0123456789,;:-")
                            + ["U.S.", "Dr.", "e.g.", "No.", "Sept.", "3.5", " The ", " the "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_splitting_keeps_every_non_space_character_in_order(text):
    sentences = split_sentences(text)
    assert "".join("".join(s.split()) for s in sentences) == "".join(text.split())
    for s in sentences:
        assert s and s == s.strip()
        assert "  " not in s and "\n" not in s and "\t" not in s


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_splitting_any_text_keeps_every_non_space_character(text):
    sentences = split_sentences(text)
    assert "".join("".join(s.split()) for s in sentences) == "".join(text.split())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["The cost rose.", "Dr. Lee spoke.", "It was 3.5 percent.",
                                 'He said, "No."', "Sales fell in the U.S. market.",
                                 "Wait... What?"]), min_size=1, max_size=8))
def test_known_sentences_joined_come_back_apart(parts):
    expected = []
    for p in parts:
        expected += split_sentences(p)
    assert split_sentences(" ".join(parts)) == expected
