"""The word-level difference shown by `d`: paragraphs matched, then words; Chinese and
Japanese characters are words of their own; unchanged text is left out but for context."""

from __future__ import annotations

from reader.core.word_diff import Paragraph, diff_texts, tokens


def shown(paragraph: Paragraph) -> str:
    marks = {"same": ("", ""), "removed": ("[-", "-]"), "added": ("{+", "+}")}
    return "".join(marks[p.kind][0] + p.text + marks[p.kind][1] for p in paragraph.pieces)


def test_a_changed_word_is_shown_in_its_sentence() -> None:
    diff = diff_texts(["The quick brown fox jumps."], ["The quick red fox jumps."])
    assert [shown(p) for hunk in diff.hunks for p in hunk] == [
        "The quick [-brown-]{+red+} fox jumps."
    ]
    assert (diff.added, diff.removed) == (1, 1)


def test_each_cjk_character_is_a_word() -> None:
    assert tokens("東京は晴れ") == ["東", "京", "は", "晴", "れ"]
    assert tokens("reader 読む2回") == ["reader", " ", "読", "む", "2", "回"]
    diff = diff_texts(["今日は東京で雨が降った。"], ["今日は大阪で雨が降った。"])
    assert shown(diff.hunks[0][0]) == "今日は[-東京-]{+大阪+}で雨が降った。"
    assert (diff.added, diff.removed) == (2, 2)


def test_unchanged_paragraphs_are_left_out_but_for_one_of_context() -> None:
    old = [f"Paragraph {n}." for n in range(10)]
    new = [*old[:2], "Paragraph two, rewritten.", *old[3:8], "Paragraph 8!", old[9]]
    diff = diff_texts(old, new)
    first, second = diff.hunks
    assert [shown(p) for p in first] == [
        "Paragraph 1.",
        "Paragraph [-2-]{+two, rewritten+}.",
        "Paragraph 3.",
    ]
    assert [shown(p) for p in second] == ["Paragraph 7.", "Paragraph 8[-.-]{+!+}", "Paragraph 9."]


def test_nearby_changes_share_one_place() -> None:
    old = ["a", "b", "c", "d"]
    diff = diff_texts(old, ["A", "b", "C", "d"])
    assert len(diff.hunks) == 1


def test_paragraphs_added_removed_and_rewritten_whole() -> None:
    diff = diff_texts(["Kept.", "Gone now."], ["Kept.", "Entirely different words here."])
    assert [shown(p) for p in diff.hunks[0]] == [
        "Kept.",
        "[-Gone now.-]",
        "{+Entirely different words here.+}",
    ]
    added = diff_texts(["One."], ["One.", "Two more words."])
    assert [shown(p) for p in added.hunks[0]] == ["One.", "{+Two more words.+}"]
    assert (added.added, added.removed) == (4, 0)


def test_the_same_text_has_no_changes() -> None:
    diff = diff_texts(["Same.", "Text."], ["Same.", "Text."])
    assert diff.unchanged and (diff.added, diff.removed) == (0, 0)


def test_a_line_wrapped_elsewhere_is_no_change() -> None:
    assert diff_texts(["one two\nthree four"], ["one two three\nfour"]).unchanged


def test_words_changed_around_one_space_are_one_change() -> None:
    diff = diff_texts(["keep these two words here"], ["keep other new words here"])
    assert shown(diff.hunks[0][0]) == "keep [-these two-]{+other new+} words here"
