"""What a topic means to the corpus: its words, how much of them a text carries, the passages that carry them.

Relevance is the idf-weighted share of the topic's syllables and syllable pairs in a text, so a sentence that names
"chuyển đổi số" outranks one that only says "số"; coverage counts the passages that are about the topic at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from assistant.retrieval.hit import Hit
from assistant.retrieval.index import Index
from assistant.retrieval.query_forms import content_tokens
from assistant.sentences import split_sentences
from ingest.document import Chunk
from ingest.normalize import STOPWORDS, fold, folded_tokens

MIN_TOPIC_CHARS = 2
MAX_TOPIC_CHARS = 200
HITS_PER_QUERY = 14
OUTLINE_THRESHOLD = 0.45
FIGURE_THRESHOLD = 0.3
# Passages about the topic below which there is nothing to teach from, and points below which the pack is thin.
NONE_BELOW_PASSAGES = 3
# Themes trainers often prepare, offered by the UI and measured by the benchmark and the tests.
SUGGESTED_THEMES = (
    "chuyển đổi số",
    "xây dựng Đảng",
    "phát triển văn hóa",
    "các chỉ tiêu kinh tế - xã hội đến năm 2030",
    "quốc phòng - an ninh",
)
# Query suffixes that pull in a topic's goals, its tasks and its numbers, not just its definition.
QUERY_SUFFIXES = (" mục tiêu", " nhiệm vụ giải pháp", " chỉ tiêu đến năm 2030")
# Words that frame a topic ("các chỉ tiêu ... đến năm 2030") without being what it is about.
TOPIC_FILLER = set("cac nhung mot so ve cua va cho trong theo den nam chi tieu muc thuc hien".split())


@dataclass
class Sentence:
    text: str
    chunk: Chunk
    offset: int
    relevance: float
    rank: int

    @property
    def score(self) -> float:
        return self.relevance + 0.15 / (1 + self.rank)


def validate_topic(topic: str) -> str:
    """The topic stripped; rejects what cannot be a topic before any retrieval work."""
    if not isinstance(topic, str):
        raise ValueError(f"topic must be a string, got {type(topic).__name__}")
    text = " ".join(topic.split())
    if len(text) < MIN_TOPIC_CHARS:
        raise ValueError(f"topic must have at least {MIN_TOPIC_CHARS} characters, got {topic!r}")
    if len(text) > MAX_TOPIC_CHARS:
        raise ValueError(f"topic must have at most {MAX_TOPIC_CHARS} characters, got {len(text)}")
    if not content_tokens(text) and not folded_tokens(text):
        raise ValueError(f"topic {topic!r} has no words to search for")
    return text


def topic_tokens(topic: str) -> set[str]:
    """The topic's content syllables and the pairs of them; "tieu_kinh" (chỉ tiêu | kinh tế) spans two words, so no."""
    tokens = folded_tokens(topic)
    singles = {t for t in tokens if "_" not in t and t not in STOPWORDS and t not in TOPIC_FILLER}
    kept = singles | {t for t in tokens if "_" in t and all(p in singles for p in t.split("_"))}
    return kept or set(tokens)


def topic_words(topic: str) -> set[str]:
    """The topic's content syllables, folded: an answer made only of these gives the topic away."""
    return {t for t in topic_tokens(topic) if "_" not in t}


def made_of_topic(answer: str, topic: str) -> bool:
    """Whether an answer is the topic's own words ("chuyển đổi số" for the topic "chuyển đổi số")."""
    words = {t for t in folded_tokens(answer) if "_" not in t and t not in STOPWORDS}
    return bool(words) and words <= topic_words(topic) | TOPIC_FILLER


class Relevance:
    """Idf-weighted share of the topic's syllables and syllable pairs that a text contains."""

    def __init__(self, index: Index, topic: str):
        field = index.lexical.folded
        total = max(len(field.lengths), 1)
        self.weights = {}
        for token in topic_tokens(topic):
            posting = field.postings.get(token)
            df = len(posting[0]) if posting is not None else 0
            self.weights[token] = math.log(1 + (total - df + 0.5) / (df + 0.5))
        self.total = sum(self.weights.values()) or 1.0

    def __call__(self, text: str) -> float:
        have = token_set(text)
        return sum(w for t, w in self.weights.items() if t in have) / self.total

    def in_context(self, sentence: str, section: str) -> float:
        return 0.7 * self(sentence) + 0.3 * self(f"{section} {sentence}")


@lru_cache(maxsize=50_000)
def token_set(text: str) -> frozenset[str]:
    """Folded tokens of a text; cached because the same sentences and task rows are scored for every topic."""
    return frozenset(folded_tokens(text))


def retrieve(retriever, topic: str, doc_ids: list[str] | None) -> list[Hit]:
    """Hybrid search for the topic, plus the lexical side only for its variants.

    Embedding a query is the one costly step, and the variants differ from the topic only by framing words that
    BM25 handles well, so they skip the dense side.
    """
    seen: dict[str, tuple[int, Hit]] = {}
    for rank, hit in enumerate(retriever.search(topic, k=HITS_PER_QUERY * 2, doc_ids=doc_ids)):
        seen[hit.chunk.chunk_id] = (rank, hit)
    for suffix in QUERY_SUFFIXES:
        forms = retriever.query_forms(topic + suffix)
        for rank, chunk_id in enumerate(retriever.lexical_ranking(forms, doc_ids, n=HITS_PER_QUERY)):
            best = seen.get(chunk_id)
            if best is None or rank < best[0]:
                seen[chunk_id] = (rank, best[1] if best else Hit(retriever.index.by_id[chunk_id], 0.0, lexical_rank=rank))
    return [hit for _, hit in sorted(seen.values(), key=lambda item: item[0])]


def sentences_of(hits: list[Hit], relevance: Relevance) -> list[Sentence]:
    out: list[Sentence] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        if chunk.kind != "paragraph":
            continue
        cursor = 0
        for sentence in split_sentences(chunk.text):
            offset = chunk.text.find(sentence, cursor)
            cursor = max(cursor, offset)
            if len(sentence) < 40 or offset < 0:
                continue
            out.append(Sentence(sentence, chunk, offset, relevance.in_context(sentence, chunk.section), rank))
    return out


def on_topic_passages(sentences: list[Sentence]) -> int:
    """How many passages have a sentence about the topic: the measure of whether there is anything to teach."""
    return len({s.chunk.chunk_id for s in sentences if s.relevance >= OUTLINE_THRESHOLD})


def nearest_themes(embedder, topic: str, n: int = 3) -> list[str]:
    """The suggested themes closest in meaning to a topic the documents do not cover."""
    vectors = [_theme_vector(embedder, theme) for theme in SUGGESTED_THEMES]
    asked = embedder.embed_query(topic)
    scores = [float(asked @ v) / (math.sqrt(float(asked @ asked) * float(v @ v)) or 1.0) for v in vectors]
    ranked = sorted(zip(scores, SUGGESTED_THEMES), key=lambda item: -item[0])
    return [theme for _, theme in ranked[:n]]


_THEME_VECTORS: dict[tuple[int, str], object] = {}


def _theme_vector(embedder, theme: str):
    key = (id(embedder), theme)
    if key not in _THEME_VECTORS:
        _THEME_VECTORS[key] = embedder.embed_query(theme)
    return _THEME_VECTORS[key]


def topic_phrase(topic: str) -> str:
    """The topic folded without its framing words: "cac chi tieu kinh te - xa hoi den nam 2030" -> "kinh te - xa hoi"."""
    words = [w for w in fold(topic).split() if w not in TOPIC_FILLER and not w.isdigit()]
    return " ".join(words).strip(" -–,")
