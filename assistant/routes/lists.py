"""The list route: a question that asks for a list's content gets the items, in order, each cited."""

from __future__ import annotations

import re

from assistant.answer_types import Answer, Citation
from assistant.asking import ASKS_LIST, asks_quantity
from assistant.enumerations import Enumeration, enumerations
from assistant.question import Question, periods
from assistant.retrieval.hit import Hit
from assistant.retrieval.places import leaf_heading
from assistant.retrieval.query_forms import QUESTION_WORDS
from assistant.routes.base import PassageReader, Turn
from assistant.routes.reading import SentenceRanker
from assistant.sentences import DASH_ITEM_SPLIT, DASH_ITEM_START, ITEM_SPLIT, ITEM_START, shortened, split_sentences
from ingest.document import Chunk
from ingest.lexicon import lexicon
from ingest.normalize import fold, folded_tokens

# A list whose items are passages of their own is the answer when its heading covers this much of the question.
LIST_HEADING_COVERAGE = 0.6
# ... or when the headings above cover it and the question holds this share of the heading's own words.
LEAF_WORDS_ASKED = 0.6
LIST_PATH_COVERAGE = 0.5  # dev: the same at 0.4, 0.5 and 0.6
# "phải đạt 3 tiêu chí gì?": the question says how many items the list it asks for has.
_COUNT_STATED = re.compile(r"(?<![\d.,])(\d{1,2})\s+(?:[^\W\d]+\s+){1,3}(?:gi|nao)\b", re.IGNORECASE)
# "Nghị quyết 30 …", "Điều 5 …", "thứ 4": a number that names, not one that counts.
_NAMING_WORDS = frozenset({"thu", "so", "muc", "dieu", "chuong", "phan", "quyet", "nq", "hoach", "khoan", "nam"})


def _stated_count(query: str) -> int | None:
    """How many items the question says its list has ("phải đạt 3 tiêu chí gì?"), typed with accents or without."""
    folded = fold(query)
    found = _COUNT_STATED.search(folded)
    if found is None:
        return None
    before = folded[: found.start()].split()
    return None if before and before[-1] in _NAMING_WORDS else int(found.group(1))


_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s*")
MAX_LISTED_ITEMS = 8
# A section found by its headings for a question about how a document divides itself: how much of the question its
# headings must hold, and its own heading (dev: the same from 0.6 to 0.8, and from 0.3 to 0.5).
OUTLINE_PATH_COVERAGE = 0.7
OUTLINE_LEAF_COVERAGE = 0.3
# Choosing among the lists of the passages read: how many passages are read, how much a lower rank costs, how well
# the announcing words must match the question (LIST_INTRO_MATCH was chosen on the dev split; the others are set,
# not tuned), and how far the heading counts.
LIST_PASSAGES = 5
RANK_PENALTY = 0.03
LIST_INTRO_MATCH = 0.8
HEADING_WEIGHT = 0.8
PRECISION_WEIGHT = 0.3
LIST_COVERAGE_MARGIN = 0.1
ITEM_CHARS = 220
# An item that is a passage of its own is one numbered point of the document: quoted whole up to this length.
WHOLE_ITEM_CHARS = 480


def _without_framing_pairs(wanted: set[str]) -> set[str]:
    """A pair with a framing word ("về xây", "đề ra" of "… mà Nghị quyết đề ra") is rare, not the topic."""
    return {t for t in wanted if not any(part in QUESTION_WORDS for part in t.split("_"))} or wanted


class AssignedBodiesRoute:
    """ "KH … giao những cơ quan nào tổ chức thực hiện, mỗi nơi làm gì?": bodies asked in the plural are the items of
    the section that assigns them (one per passage or sub-section), ahead of the registry's single task."""

    def __init__(self, lists: "ListRoute"):
        self.lists = lists

    def propose(self, query: str, question: Question, hits: list[Hit], turn: Turn) -> Answer | None:
        named = lexicon().body_kinds.search(question.item_kind)
        if named is None or named.start() != 0:
            return None
        return self.lists.propose(query, question, hits, turn, sections_only=True)


class ListRoute(PassageReader):
    def __init__(self, ranker: SentenceRanker):
        super().__init__(ranker.retriever)
        self.ranker = ranker

    def propose(
        self, query: str, question: Question, hits: list[Hit], turn: Turn, sections_only: bool = False
    ) -> Answer | None:
        """Items held one per passage, else the list the read passages announce that best matches the question. The
        doubts are the best sentence's, but for how much of the question is covered: the list's headings, announcing
        words and items answer it, not that sentence. `sections_only`: only lists whose items are passages or
        sections of their own."""
        reading = self.ranker.read(query, hits, turn)
        if reading is None:
            return None
        best = reading.scored[0]
        listed = (
            self.enumerated_items(query, question, hits, best.coverage)
            or self.outlined_sections(query, question, hits, best.coverage)
            or self.searched_outline(query, question, hits, turn)
            or (None if sections_only else self.announced_list(query, question, hits, best.coverage))
        )
        if listed is not None:
            quoted = " ".join(f"{c.section} {c.quote}" for c in listed.citations)
            # read as the headings were too: a pair with a framing word ("về xây" of "chỉ tiêu về xây dựng Đảng") is no topic
            wanted = self.retriever.wanted_tokens(question.topic)
            covered = max(
                self.coverage(wanted, quoted),
                self.coverage(_without_framing_pairs(wanted), quoted),
                self.coverage(self.heading_words(question), quoted) if listed.doubts.get("outline") else 0.0,
            )
            listed.doubts = {**reading.doubts, "coverage": max(reading.doubts["coverage"], covered)}
        return listed

    def enumerated_items(self, query: str, question: Question, hits: list[Hit], best_coverage: float) -> Answer | None:
        """ "Ba hướng đột phá ... là gì?": when a list's items each sit in their own passage, under a heading that says
        what the question asks, the answer is the items in order, not the one sentence that summarises them."""
        # "Có bao nhiêu đột phá chiến lược?" counts the list: the same items, with how many there are.
        counts = asks_quantity(query)
        if not ("list" in question.intents or ASKS_LIST.search(fold(query)) or counts):
            return None
        wanted = self.retriever.wanted_tokens(question.topic)
        typed = set(folded_tokens(query))
        index = self.retriever.index
        named = index.names.mentioned_docs(query)
        # a passage of numbered items, or of dashed ones when a list is asked ("2.1. Nguyên nhân khách quan" over
        # "- Tình hình quốc tế …"; "bao nhiêu nội dung giám sát" counts what a sentence states, not a section's dashes)
        item_start = DASH_ITEM_START if "list" in question.intents else ITEM_START
        candidates = [
            (hit.chunk.doc_id, hit.chunk.section, not ITEM_START.match(hit.chunk.text)) for hit in hits[:LIST_PASSAGES]
            if hit.chunk.kind == "paragraph" and item_start.match(hit.chunk.text) and not (named and hit.chunk.doc_id not in named)
        ]
        if len(named) == 1:
            # the document named, a heading of it named: its items though retrieval did not bring them back, dashed
            # ones too ("NQ ĐH I nêu những quan điểm phát triển … là gì?" under "1. Quan điểm")
            doc_id = next(iter(named))
            candidates += [(doc_id, section, True) for section in index.sections_of(doc_id)]
        stated = None if question.ordinal else _stated_count(query)
        tried: set[tuple[str, str]] = set()
        for doc_id, section, dashed in candidates:
            if (doc_id, section) in tried:
                continue
            tried.add((doc_id, section))
            leaf = section.rsplit(" > ", 1)[-1]
            if not self.heading_asked(wanted, typed, question.item_kind, self.title(doc_id), section, best_coverage):
                continue
            # numbered items first: dashes are the section's items only when it has no numbered ones
            items = self._section_items(doc_id, section, False)
            if dashed and len(items) < 2:
                items = self._section_items(doc_id, section, True)
            if len(items) < 2 or (stated and len(items) != stated):
                continue  # six items are not "the 3 criteria" asked
            wanted_item = question.ordinal
            if wanted_item is not None and wanted_item > len(items):
                continue
            chosen = [items[wanted_item - 1]] if wanted_item else items[:MAX_LISTED_ITEMS]
            citations: list[Citation] = []
            parts = []
            for item, text in chosen:
                sentences = split_sentences(text)
                quote = sentences[0]
                if len(sentences) > 1 and quote.strip("(.)").replace(".", "").isdigit():
                    quote = f"{quote} {sentences[1]}"  # "1. Dân giàu, …": the number is no sentence of its own
                quote = shortened(quote.lstrip("-–• "), WHOLE_ITEM_CHARS)
                n = self.cite(citations, Hit(item, 0.0), quote)
                parts.append(f"- {quote} [{n}]")
            lead = f"Theo {self.title(doc_id)} (mục “{leaf}”"
            if wanted_item:
                lead += f", {len(items)} mục), mục thứ {wanted_item}:"
            else:
                lead += f", {len(items)} mục):" if counts else "):"
            answer = lead + "\n" + "\n".join(parts)
            return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5], route="list")
        return None

    def _section_items(self, doc_id: str, section: str, dashed: bool) -> list[tuple[Chunk, str]]:
        """The items of a section, in order: a passage may hold more than one ("(1) ...\n(2) ..." when the items are
        short), or open with the end of the item before; a numbered item long enough to be read as a heading of its
        own ("4.1. Mô hình “Toàn dân bảo vệ an ninh Tổ quốc” …" between the passages of 4.2 and 4.4) is one too."""
        start = DASH_ITEM_START if dashed else ITEM_START
        index = self.retriever.index
        items, seen = [], set()
        for c in index.chunks:
            if c.doc_id != doc_id or c.section != section or c.kind != "paragraph":
                continue
            pieces = [p for piece in ITEM_SPLIT.split(c.text) for p in (DASH_ITEM_SPLIT.split(piece) if dashed else [piece])]
            for text in pieces:
                if start.match(text) and text not in seen:
                    seen.add(text)
                    items.append((c, text))
        if not items:
            return items
        headed = [(first, heading) for heading, first in index.subsections(doc_id, section) if start.match(heading)]
        if not headed:
            return items
        return sorted(items + headed, key=lambda item: index.position[item[0].chunk_id])  # stable: a passage's own order

    def outlined_sections(self, query: str, question: Question, hits: list[Hit], best_coverage: float) -> Answer | None:
        """ "KH … chia nhiệm vụ, giải pháp thành những nhóm nào?": when the section a question asks for is divided into
        sections of its own, the answer is their headings in order, each cited with the passage it opens."""
        if "list" not in question.intents or question.ordinal:
            return None
        wanted = self.retriever.wanted_tokens(question.topic)
        typed = set(folded_tokens(query))
        named = self.retriever.index.names.mentioned_docs(query)
        tried: set[tuple[str, str]] = set()
        for hit in hits[:LIST_PASSAGES]:
            doc_id, parts = hit.chunk.doc_id, hit.chunk.section.split(" > ")
            if named and doc_id not in named:
                continue
            for depth in range(len(parts), 0, -1):
                parent = " > ".join(parts[:depth])
                if (doc_id, parent) in tried:
                    continue
                tried.add((doc_id, parent))
                # the heading first: the sub-sections are read from every passage, and only for a heading asked
                if not self.heading_asked(wanted, typed, question.item_kind, self.title(doc_id), parent, best_coverage):
                    continue
                if len(self.retriever.index.subsections(doc_id, parent)) < 2:
                    continue
                return self._outline_answer(doc_id, parent, hits, nest=True)
        return None

    def searched_outline(self, query: str, question: Question, hits: list[Hit], turn: Turn) -> Answer | None:
        """ "BCCT chia phần nhiệm vụ quốc phòng, an ninh và đối ngoại 2025 - 2030 thành những tiểu mục nào?": a question
        about how a document divides itself names a heading, not a passage retrieval would bring back. Among the
        sections divided into sections (of the document named, if one is), the one whose headings hold most of the
        question's words, word by word, with its own heading holding the most; never one about another period."""
        lex = lexicon()
        if question.ordinal or not (lex.outline_verbs.search(question.text) or fold(question.item_kind) in lex.outline_kinds):
            return None
        wanted = self.heading_words(question)
        if not wanted:
            return None
        index = self.retriever.index
        named = index.names.mentioned_docs(query)
        best: tuple[tuple[float, float], str, str] | None = None
        for doc_id in sorted(named or turn.doc_ids or index.documents):
            for parent, children in index.outline_of(doc_id).items():
                path = f"{self.title(doc_id)} {parent}"
                stated = periods(path)
                if len(children) < 2 or (question.period is not None and stated and question.period not in stated):
                    continue
                score = (self.coverage(wanted, path), self.coverage(wanted, parent.rsplit(" > ", 1)[-1]))
                if best is None or score > best[0]:
                    best = (score, doc_id, parent)
        if best is None or best[0][0] < OUTLINE_PATH_COVERAGE or best[0][1] < OUTLINE_LEAF_COVERAGE:
            return None
        _, doc_id, parent = best
        answer = self._outline_answer(doc_id, parent, hits, nest=False)
        answer.doubts = {"outline": 1.0}  # found by its headings, word by word: its coverage is read so too
        return answer

    def _outline_answer(self, doc_id: str, parent: str, hits: list[Hit], nest: bool) -> Answer:
        """The headings right under `parent`, in order, each cited with the passage it opens; with `nest`, a short
        outline shows the level below too: what a trainer teaches from."""
        index = self.retriever.index
        children = index.subsections(doc_id, parent)[: MAX_LISTED_ITEMS * 2]
        below = {heading: index.subsections(doc_id, f"{parent} > {heading}") for heading, _ in children} if nest else {}
        nested = nest and len(children) + sum(map(len, below.values())) <= MAX_LISTED_ITEMS * 2
        citations: list[Citation] = []
        lines = []
        for heading, opening in children:
            quote = shortened(heading, ITEM_CHARS)  # headings carry their own numbers
            lines.append(f"- {quote} [{self.cite(citations, Hit(opening, 0.0), quote)}]")
            for sub, first in below[heading] if nested else ():
                quote = shortened(sub, ITEM_CHARS)
                lines.append(f"   - {quote} [{self.cite(citations, Hit(first, 0.0), quote)}]")
        lead = f"Theo {self.title(doc_id)} (mục “{parent.rsplit(' > ', 1)[-1]}”, {len(children)} mục):"
        return Answer(answer=lead + "\n" + "\n".join(lines), citations=citations, abstained=False, closest=hits[:5], route="list")

    def heading_words(self, question: Question) -> set[str]:
        """The question's words a heading would hold, one by one: not the kind of item asked nor the verb asking
        ("chia phần … thành những nhóm nào"), nor a word no passage holds ("z")."""
        framing = set(fold(question.item_kind).split()) | lexicon().outline_words
        features = self.retriever.index.features
        return {
            t for t in self.retriever.wanted_tokens(question.topic)
            if "_" not in t and t not in framing and features.document_frequency(t) > 0
        }

    def heading_asked(
        self, wanted: set[str], typed: set[str], item_kind: str, title: str, section: str, best_coverage: float
    ) -> bool:
        """Whether a section's heading says what the question asks for: it covers the question; or the headings
        above it do, and the question holds the heading's own words, as typed ("II. Nguyên tắc" under the Đề án's
        title, asked "Nêu các nguyên tắc xây dựng CNXH … tại Hải Phòng"; "a) Các chỉ tiêu xây dựng Đảng"). The
        headings are read word by word, and the kind of item asked ("chia theo những lĩnh vực nào?" under "2. Mục tiêu
        cụ thể") may be named there or not."""
        leaf = section.rsplit(" > ", 1)[-1]
        if self.coverage(wanted, leaf) >= max(LIST_HEADING_COVERAGE, best_coverage - 0.1):
            return True
        own = {t for t in folded_tokens(_NUMBERING.sub("", leaf)) if "_" not in t}
        if not own or len(own & typed) / len(own) < LEAF_WORDS_ASKED:
            return False
        wanted = _without_framing_pairs(wanted)
        kind = set(fold(item_kind).split())
        readings = (wanted, {t for t in wanted if not set(t.split("_")) <= kind} or wanted)
        path = f"{title} {section}"
        return any(
            self.coverage(words, path) >= LIST_PATH_COVERAGE or self.coverage({t for t in words if "_" not in t}, path) >= LIST_PATH_COVERAGE
            for words in readings
        )

    def announced_list(self, query: str, question: Question, hits: list[Hit], best_coverage: float) -> Answer | None:
        """ "Nêu các nhóm tiêu chí …": a list asked, and among the passages read, the list whose announcing words
        ("6 nhóm tiêu chí “Xã, phường hạnh phúc” gồm:") best match the question: its items in order, numbered;
        unless the list covers less of the question than the best sentence read does."""
        if "list" not in question.intents:
            return None
        # "kể ra", "gồm những gì" ask for the list; they are not what its announcing words must say
        wanted = self.retriever.wanted_tokens(question.topic)
        named = self.retriever.index.names.mentioned_docs(query)
        best: tuple[float, Hit, Enumeration] | None = None
        for rank, hit in enumerate(hits[:LIST_PASSAGES]):
            if named and hit.chunk.doc_id not in named:
                continue
            for enumeration in enumerations(hit.chunk.text, leaf_heading(hit.chunk), self._continuation(hit)):
                score = self.intro_match(wanted, enumeration.intro, leaf_heading(hit.chunk)) - RANK_PENALTY * rank
                if best is None or score > best[0]:
                    best = (score, hit, enumeration)
        if best is None or best[0] < LIST_INTRO_MATCH:
            return None
        _, hit, enumeration = best
        quoted = f"{enumeration.intro} {leaf_heading(hit.chunk)} {' '.join(enumeration.items)}"
        if self.coverage(wanted, quoted) < best_coverage - LIST_COVERAGE_MARGIN:
            return None
        citations: list[Citation] = []
        lines = []
        for number, item in enumerate(enumeration.items[: MAX_LISTED_ITEMS * 2], start=1):
            quote = shortened(item, ITEM_CHARS)
            lines.append(f"{number}. {quote} [{self.cite(citations, hit, quote)}]")
        lead = f"Theo {self.title(hit.chunk.doc_id)} (mục “{leaf_heading(hit.chunk)}”): {shortened(enumeration.intro, 240)}:"
        return Answer(answer=lead + "\n" + "\n".join(lines), citations=citations, abstained=False, route="list")

    def intro_match(self, wanted: set[str], intro: str, heading: str) -> float:
        """How well a list's announcing words match the question: the share of the question they hold (the heading
        above counting less), plus a little for holding few words the question lacks."""
        recall = max(self.coverage(wanted, intro), HEADING_WEIGHT * self.coverage(wanted, f"{intro} {heading}"))
        own = {t for t in folded_tokens(intro) if "_" not in t}
        precision = len(own & wanted) / len(own) if own else 0.0
        return recall + PRECISION_WEIGHT * precision

    def _continuation(self, hit: Hit) -> str:
        """The next passage of the same section, where a numbered list may run on."""
        following = self.retriever.index.neighbours(hit.chunk.chunk_id, before=0, after=1)[1:]
        return following[0].text if following and following[0].section == hit.chunk.section else ""
