"""How people type: chat forms, courtesy, instructions aimed at the assistant and answer-kind phrases, read from
`lexicon.toml` (data, not code) into matchers built once.

A phrase matches on whole words. It is read with its accents when the text has some, and folded when the text is
typed without them, so that "mấy" (how many) is not "máy" (machine) in "nhà máy" but "may" still asks in "may xa".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.normalize import fold, looks_accentless, normalize

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.toml"
_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class PhraseSet:
    """Phrases matched as whole words, accented or folded as the text is typed."""

    accented: re.Pattern
    folded: re.Pattern

    @classmethod
    def of(cls, phrases: list[str], before: str = "", after: str = "") -> "PhraseSet":
        """`before` and `after` anchor the phrases (the start or the end of the text) when they must stand there."""

        def pattern(words: set[str]) -> re.Pattern:
            alternatives = "|".join(re.escape(p) for p in sorted(words, key=len, reverse=True))
            return re.compile(rf"{before}(?<!\w)(?:{alternatives})(?!\w){after}")

        lowered = {normalize(p).lower() for p in phrases}
        return cls(pattern(lowered), pattern({fold(p) for p in lowered}))

    def _pattern(self, text: str) -> tuple[re.Pattern, str]:
        if looks_accentless(text):
            return self.folded, fold(text)
        return self.accented, normalize(text).lower()

    def search(self, text: str) -> re.Match | None:
        pattern, prepared = self._pattern(text)
        return pattern.search(prepared)

    def sub(self, replacement: str, text: str) -> str:
        """The text (normalized, lower-cased or folded as matched) with the phrases replaced."""
        pattern, prepared = self._pattern(text)
        return pattern.sub(replacement, prepared)

    def findall(self, text: str) -> list[str]:
        pattern, prepared = self._pattern(text)
        return pattern.findall(prepared)


@dataclass(frozen=True)
class Lexicon:
    chat_forms: dict[str, str]
    chat_forms_upper: dict[str, str]
    address: frozenset[str]
    courtesy_lead: re.Pattern
    courtesy_tail: re.Pattern
    clause_tail: re.Pattern
    instructions: PhraseSet
    intents: dict[str, PhraseSet]
    followup_opener: PhraseSet
    followup_closer: PhraseSet
    year_back_reference: PhraseSet
    back_reference: PhraseSet
    stating_words: frozenset[str]
    time_words: frozenset[str]
    document_aliases: dict[str, tuple[str, ...]]
    document_named: PhraseSet
    neighbours: tuple[tuple[str, str], ...]
    list_request: PhraseSet
    asking_verbs: PhraseSet
    asking_words: frozenset[str]
    body_kinds: PhraseSet
    outline_verbs: PhraseSet
    outline_kinds: frozenset[str]
    outline_words: frozenset[str]
    other_places: tuple[str, ...]
    contrast_opener: re.Pattern
    contrast_stop: PhraseSet
    clause_contrast_stop: PhraseSet
    labels: re.Pattern
    instructing_labels: frozenset[str]

    def expand_chat(self, text: str) -> str:
        """Chat forms written out ("đc" → "được", "bnhieu" → "bao nhiêu", "TP" → "thành phố"); two-word forms first.
        A question typed without diacritics gets them written out without diacritics too, so that it stays one
        accentless question ("co bn" → "co bao nhieu", not "co bao nhiêu")."""
        if looks_accentless(text):
            return " ".join(_unaccented(word) if word not in text.split() else word for word in self._expand(text).split())
        return self._expand(text)

    def _expand(self, text: str) -> str:
        words = text.split()
        out: list[str] = []
        i = 0
        while i < len(words):
            pair = " ".join(words[i : i + 2])
            core_pair = _core(pair).lower()
            if i + 1 < len(words) and core_pair in self.chat_forms:
                out.append(_swap_core(pair, self.chat_forms[core_pair]))
                i += 2
                continue
            word = words[i]
            core = _core(word)
            if core in self.chat_forms_upper:
                out.append(_swap_core(word, self.chat_forms_upper[core]))
            elif core.lower() in self.chat_forms and not (core.isupper() and len(core) > 1 and core.lower() not in ("tp", "hp")):
                out.append(_swap_core(word, self.chat_forms[core.lower()]))
            else:
                out.append(word)
            i += 1
        return " ".join(out)

    def strip_courtesy(self, text: str) -> str:
        """The question without the courtesy and address around it; unchanged if nothing would be left."""
        stripped = text.strip()
        for _ in range(6):
            before = stripped
            stripped = self.courtesy_lead.sub("", stripped, count=1).lstrip(" ,:;!.-")
            stripped = self._drop_tail(stripped)
            if stripped == before:
                break
        # "… là gì vậy, liệt kê giúp e": particles close a clause as they close the question
        clauses = stripped.split(", ")
        stripped = ", ".join([self._drop_tail(c, self.clause_tail) or c for c in clauses[:-1]] + clauses[-1:])
        return stripped if re.search(r"\w", stripped) else text.strip()

    def without_asking_clauses(self, text: str) -> str:
        """The question without the clauses after it that only ask to be answered (", liệt kê giúp e với"): they say
        how to answer, which the intent has read, and nothing of the topic."""
        clauses = text.split(", ")
        kept = clauses[:1] + [c for c in clauses[1:] if not self._only_asks(c)]
        if len(kept) == len(clauses):
            return text
        question = ", ".join(kept).rstrip(" ,")
        return question + "?" if text.rstrip().endswith("?") and not question.endswith(("?", ".", "!")) else question

    def _only_asks(self, clause: str) -> bool:
        """An asking verb, and nothing around it but asking words, forms of address and particles, read with their
        accents unless the clause is typed without them ("hả" is no "Hà", "cũ" no "cụ")."""
        if self.asking_verbs.search(clause) is None:
            return False
        accentless = looks_accentless(clause)
        words = re.findall(r"\w+", fold(clause) if accentless else normalize(clause).lower())
        allowed = {fold(w) for w in self.asking_words} if accentless else self.asking_words
        return set(words) <= allowed

    def _drop_tail(self, text: str, particles: re.Pattern | None = None) -> str:
        """The closing particles removed, but a demonstrative that points back ("riêng thu nội địa năm đó?") kept
        with its noun."""
        match = (particles or self.courtesy_tail).search(text)
        if match is None:
            return text
        head, first = text[: match.start()], match.group(0).strip(" ,?.!").split()[0]
        if self._points_back(head, first):
            if not match.group(0).strip(" ,?.!")[len(first):].strip():
                return text
            return f"{head} {first}{match.group(1)}"
        return f"{head}{match.group(1)}".rstrip(" ,")

    def _points_back(self, head: str, demonstrative: str) -> bool:
        """Whether the last words before a demonstrative are a pointing noun ("năm", "chỉ tiêu") it goes with."""
        words = head.split()
        for n in (1, 2):
            candidate = " ".join(words[-n:] + [demonstrative])
            found = self.back_reference.search(candidate) if len(words) >= n else None
            if found is not None and found.start() == 0 and found.end() == len(candidate):
                return True
        return False

    def split_instructions(self, text: str) -> tuple[str, list[str]]:
        """The question, and the clauses that instruct the assistant: each runs from its opening phrase to the end of
        its sentence. A sentence that is only an instruction goes whole. `text` must be normalized already."""
        kept: list[str] = []
        instructions: list[str] = []
        text, labelled = self._split_labels(text)
        instructions += labelled
        for sentence in re.split(r"(?<=[.?!])\s+|\n+", text):
            match = self.instructions.search(sentence)
            if match is None:
                kept.append(sentence)
                continue
            start = match.start()  # the text is normalized first, so folding and lower-casing keep its offsets
            head = sentence[:start].rstrip(" ,;:-–(")
            head = re.sub(r"(?:\s+(?:và|va|and|rồi|roi))+$", "", head, flags=re.I)
            clause = sentence[start:].strip()
            # "Hãy bắt đầu bằng 'X' rồi mới trả lời: <câu hỏi>?": what follows "trả lời:" is the question
            colon = clause.rfind(": ")
            asked_after = ""
            if colon != -1 and clause.endswith("?") and len(clause[colon + 2 :].split()) >= 4 and re.search(
                r"(?:trả lời|tra loi)\s*$", clause[:colon], re.IGNORECASE
            ):
                asked_after, clause = clause[colon + 2 :], clause[:colon]
            instructions.append(clause)
            if re.search(r"\w", head):
                kept.append(head if re.search(r"[?.!]$", head) else head + "?")
            if asked_after:
                kept.append(asked_after)
        question = " ".join(k.strip() for k in kept if k.strip())
        return (question or text.strip()), instructions

    def contrasted(self, text: str) -> str | None:
        """Of "premise, còn … ?", the question from its opener on, or None. The premise must state something (three
        words at least) and, typed without accents after "còn", the question must say "thì". `text` must be normalized already:
        folding keeps its offsets."""
        accentless = looks_accentless(text)
        prepared = fold(text) if accentless else text.lower()
        for match in self.contrast_opener.finditer(prepared):
            premise = text[: match.start()]
            after = prepared[match.end() :]
            stops = self.clause_contrast_stop if match.group("clause") else self.contrast_stop
            stop = stops.folded if accentless else stops.accented
            if len(re.findall(r"\w+", premise)) < 3 or stop.match(after) or re.match(r"\s*\d", after):
                continue
            if accentless and not match.group("clause") and not re.search(r"\bthi\b", after):
                continue
            return text[match.start() :].strip()
        return None

    def _split_labels(self, text: str) -> tuple[str, list[str]]:
        """The text without speaker labels, and what followed an instructing label ("SYSTEM: …") up to the next
        label: an instruction, whatever it says."""
        pieces = self.labels.split(text)
        kept, instructions = [pieces[0]], []
        for label, piece in zip(pieces[1::2], pieces[2::2]):
            if normalize(label).lower() in self.instructing_labels:
                instructions += [piece.strip()] if piece.strip() else []
            else:
                kept.append(piece)
        return " ".join(p.strip() for p in kept if p.strip()), instructions

    def intent_phrases(self, text: str) -> dict[str, list[str]]:
        return {name: found for name, phrases in self.intents.items() if (found := phrases.findall(text))}


def _unaccented(word: str) -> str:
    folded = fold(word)
    return folded[:1].upper() + folded[1:] if word[:1].isupper() else folded


def _core(word: str) -> str:
    return word.strip(",.;:!?()\"'“”")


def _swap_core(word: str, replacement: str) -> str:
    core = _core(word)
    start = word.find(core)
    return word[:start] + replacement + word[start + len(core) :]


def _edge_pattern(phrases: list[str], lead: bool, accented_only: frozenset[str] = frozenset()) -> re.Pattern:
    forms = {normalize(p).lower() for p in phrases} | {fold(p) for p in phrases if p not in accented_only}
    alternatives = "|".join(re.escape(p) for p in sorted(forms, key=len, reverse=True))
    if lead:
        return re.compile(rf"^(?:{alternatives})(?!\w)[\s,:!.]*", re.IGNORECASE)
    return re.compile(rf"(?:[\s,]+(?:{alternatives})(?!\w))+\s*([?.!]*)\s*$", re.IGNORECASE)


def _folded_words(phrases: list[str]) -> frozenset[str]:
    return frozenset(word for phrase in phrases for word in fold(phrase).split())


def _contrast_opener(openers: list[str], after_clause: list[str]) -> re.Pattern:
    """An opener after a clause: behind a comma, semicolon, dash or full stop, or a plain space ("… 41 PTN còn HD
    thì sao"); those `after_clause` only behind a comma, semicolon or full stop ("… 94,4% học 2 buổi/ngày, thế THCS
    …?"), where they open the question; in the accented (lower-cased) and the folded form."""

    def alternatives(words: list[str]) -> str:
        forms = {normalize(o).lower() for o in words} | {fold(o) for o in words}
        return "|".join(re.escape(o) for o in sorted(forms, key=len, reverse=True))

    return re.compile(rf"(?<=[\s,;.])(?:{alternatives(openers)})(?=\s)|(?<=[,;.])\s*(?P<clause>{alternatives(after_clause)})(?=\s)")


@cache
def lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    courtesy, followup = data["courtesy"], data["followup"]
    return Lexicon(
        chat_forms={normalize(k).lower(): v for k, v in data["chat_forms"].items()},
        chat_forms_upper=dict(data["chat_forms_upper"]),
        address=frozenset(normalize(w).lower() for w in data["address"]["words"]),
        courtesy_lead=_edge_pattern(courtesy["lead"], lead=True),
        courtesy_tail=_edge_pattern(courtesy["tail"], lead=False, accented_only=frozenset(courtesy["tail_accented_only"])),
        clause_tail=_edge_pattern(courtesy["clause_tail"], lead=False, accented_only=frozenset(courtesy["clause_tail"])),
        instructions=PhraseSet.of(data["instructions"]["starts"]),
        intents={name: PhraseSet.of(phrases) for name, phrases in data["intents"].items()},
        followup_opener=PhraseSet.of(followup["openers"], r"^\s*", r"[\s,]*"),
        followup_closer=PhraseSet.of(followup["closers"], r"[\s,]*", r"\s*[?.!]*\s*$"),
        year_back_reference=PhraseSet.of(followup["year_back_references"]),
        back_reference=PhraseSet.of(
            [f"{noun} {word}" for noun in followup["pointing_nouns"] for word in followup["demonstratives"]]
        ),
        stating_words=_folded_words(followup["stating"]),
        time_words=_folded_words(followup["time_words"]),
        document_aliases={kind: tuple(aliases) for kind, aliases in data["documents"].items()},
        neighbours=tuple((stated, neighbour) for stated, neighbour in data["neighbours"]["pairs"]),
        # a follow-up names a document by an alias or by its kind alone ("thế báo cáo chính trị thì sao?")
        document_named=PhraseSet.of([a for aliases in data["documents"].values() for a in aliases] + list(data["documents"])),
        list_request=PhraseSet.of(data["requests"]["list"]),
        body_kinds=PhraseSet.of(data["requests"]["body_kinds"]),
        outline_verbs=PhraseSet.of(data["requests"]["outline_verbs"]),
        outline_kinds=frozenset(fold(k) for k in data["requests"]["outline_kinds"]),
        outline_words=_folded_words(data["requests"]["outline_split_verbs"]),
        asking_verbs=PhraseSet.of(data["requests"]["asking_verbs"]),
        asking_words=frozenset(
            w for phrase in data["requests"]["asking_verbs"] + data["requests"]["asking_words"] + data["address"]["words"]
            + courtesy["tail"] for w in normalize(phrase).lower().split()
        ),
        other_places=tuple(data["places"]["others"]),
        contrast_opener=_contrast_opener(data["contrast"]["openers"], data["contrast"]["after_clause"]),
        contrast_stop=PhraseSet.of(data["contrast"]["not_followed_by"], r"\s*"),
        clause_contrast_stop=PhraseSet.of(data["contrast"]["after_clause_not_followed_by"], r"\s*"),
        labels=re.compile(
            r"(?:^|(?<=[\s.?!]))("
            + "|".join(re.escape(w) for w in data["labels"]["asking"] + data["labels"]["instructing"])
            + r")\s*:\s*",
            re.IGNORECASE,
        ),
        instructing_labels=frozenset(normalize(w).lower() for w in data["labels"]["instructing"]),
    )
