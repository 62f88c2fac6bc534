"""The shapes of Vietnamese text that ingest, retrieval and answers all read the same way: years and periods,
numbers, list markers and sentence breaks. One definition each, so that a passage and a question agree on them.
Word lists (chat forms, courtesy, question words) are data, in `lexicon.toml`."""

from __future__ import annotations

import re

YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# "2026 - 2030", "2021–2025", "2026 đến 2030", typed folded or not; the first year and the last are groups 1 and 2.
PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*(?:-|–|—|đến|den|tới|toi|to)\s*((?:19|20)\d{2})\b")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A list marker ("(8)", "2.", "3.1.", "-", "•") before the text, not a figure's thousands ("11.247 USD").
LIST_MARKER = re.compile(r"^\s*(?:\(\d{1,3}\)|\d{1,3}(?:\.\d{1,3})*\.(?!\d)|[-+•])\s*")
# Between two sentences: a stop, then what opens a sentence (a capital, a digit, a quote, a bracket, a dash).
SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+(?=[\"“(\-–+A-ZĐÀ-Ỹ0-9])")
