"""Answers to the doubter's questions ("is het een sekte?", "wat kost het?").

The questions, the ways people ask them and the answers are data
(`dialogs/data/questions.yaml`); `dialogs.reader.read` recognises a question
and sets `Reading.question` to its id, and the step shows the answer before
asking its own question again.

    >>> question_answer("cost", "en").startswith("Nothing: the groups are free.")
    True
"""

from __future__ import annotations

from dialogs.lexicon import lexicon


def question_ids() -> tuple[str, ...]:
    """Every question the reader recognises, in the data file's order."""
    return tuple(lexicon().answers)


def question_answer(question_id: str, language: str) -> str:
    """The answer to one question, in English for "en" and in Dutch otherwise.

    Raises:
        KeyError: no question has this id.
    """
    answer = lexicon().answers[question_id]
    return answer.en if language == "en" else answer.nl
