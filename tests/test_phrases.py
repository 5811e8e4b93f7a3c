"""The one phrase matcher (`dialogs.phrases`) as the reader uses it: phrase sets, gaps, typos."""

from __future__ import annotations

from dialogs.phrases import PhraseSet, Vocabulary


def _found(phrases: PhraseSet, book: Vocabulary, text: str) -> list[tuple[object, int, int]]:
    return [(m.value, m.start, m.end) for m in phrases.find(book.view(text))]


def test_a_set_gap_lets_words_stand_between_every_two_words_of_its_phrases() -> None:
    book = Vocabulary()
    loose = PhraseSet(book, [("ik ben verslaafd", "self")], gap=2)
    tight = PhraseSet(book, [("ik ben verslaafd", "self")])
    assert _found(loose, book, "ik ben al jaren verslaafd") == [("self", 0, 4)]
    assert _found(loose, book, "ik ben echt al jaren verslaafd") == []
    assert _found(tight, book, "ik ben al jaren verslaafd") == []
    assert _found(tight, book, "nu ik ben verslaafd") == [("self", 1, 3)]


def test_a_match_names_the_words_of_the_phrase_not_those_of_the_gap() -> None:
    book = Vocabulary()
    phrases = PhraseSet(book, [("moet praten", "must_talk")], gap=3)
    (match,) = phrases.find(book.view("moet ik dan echt praten?"))
    assert match.positions == (0, 4)


def test_an_exact_word_does_not_match_the_other_forms_of_its_lemma() -> None:
    book = Vocabulary()
    phrases = PhraseSet(book, [("ik =zijn", "exact"), ("hij zijn", "lemma")])
    assert _found(phrases, book, "ik ben het") == []
    assert _found(phrases, book, "hij is het") == [("lemma", 0, 1)]


def test_where_two_phrases_start_together_the_longest_comes_first() -> None:
    book = Vocabulary()
    phrases = PhraseSet(book, [("mijn vader", "father"), ("mijn", "mine")])
    assert _found(phrases, book, "mijn vader drinkt") == [("father", 0, 1), ("mine", 0, 0)]


def test_a_misspelt_word_counts_as_the_closest_word_of_the_sets() -> None:
    book = Vocabulary()
    phrases = PhraseSet(book, [("wiet", "cannabis"), ("alcoholprobleem", "alcohol")])
    assert _found(phrases, book, "mijn zoon rookt wied") == [("cannabis", 3, 3)]
    assert _found(phrases, book, "een alcolprobleem") == [("alcohol", 1, 1)]
    assert _found(phrases, book, "veel wiiet") == [("cannabis", 1, 1)]
    assert _found(phrases, book, "veel weit") == [("cannabis", 1, 1)]  # two letters swapped
    assert _found(phrases, book, "veel wijnt") == []  # two edits: too far for a short word
    assert book.correct("wied") == "wiet"
    assert book.correct("koken") is None  # a real word is never a typo


def test_words_of_a_set_that_is_no_typo_target_are_never_corrected_into() -> None:
    book = Vocabulary()
    hedges = PhraseSet(book, [("denk ik", "hedge")], typo_targets=False)
    PhraseSet(book, [("drink", "drinks")])
    assert _found(hedges, book, "denk ik") == [("hedge", 0, 1)]
    assert book.correct("denkk") is None
    assert "denk" not in book and "drink" in book
