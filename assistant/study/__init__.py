"""Study packs for trainers: an outline, the figures, a quiz and the agencies on one topic, all quoted and cited.

Nothing is generated: every outline point is a sentence of a passage, every figure and quiz answer is text that
occurs in the quote it cites, and quiz distractors are other figures, identifiers or agencies of the same kind found
in the same corpus. The seams: `topic` (what the topic means to the corpus), `outline`, `figures`, `quiz`, `export`,
and `pack`, which ties them together.
"""

from assistant.study.export import to_docx, to_markdown
from assistant.study.figures import figures_in
from assistant.study.models import QuizItem, StudyCitation, StudyFigure, StudyPack
from assistant.study.pack import build_study_pack
from assistant.study.quiz import QUIZ_SIZE
from assistant.study.topic import MAX_TOPIC_CHARS, MIN_TOPIC_CHARS, SUGGESTED_THEMES, validate_topic

__all__ = [
    "MAX_TOPIC_CHARS",
    "MIN_TOPIC_CHARS",
    "QUIZ_SIZE",
    "SUGGESTED_THEMES",
    "QuizItem",
    "StudyCitation",
    "StudyFigure",
    "StudyPack",
    "build_study_pack",
    "figures_in",
    "to_docx",
    "to_markdown",
    "validate_topic",
]
