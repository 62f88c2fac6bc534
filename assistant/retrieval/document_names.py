"""How users name the documents: which documents a question mentions ("theo Nghị quyết Đại hội", "trong Chương
trình hành động"), what is left of it without those names, and which it cites as its source."""

from __future__ import annotations

import re

from ingest.lexicon import lexicon
from ingest.normalize import fold

# The verb that ends an alias such as "đề án đặt" (lexicon.toml [documents]): the name is over there.
_ALIAS_VERBS = {"duoc", "dat", "ra", "cau", "dinh", "neu", "muon", "huong", "co"}
_NO_RUN_ON = re.compile("")

# The body that issued a named document, as users append it: "Kế hoạch ... của Ban Thường vụ Thành ủy".
_ISSUER = r"(?:\s+(?:cua|do)\s+(?:ban thuong vu thanh uy|ban chap hanh dang bo thanh pho|thanh uy|dai hoi))?"

_SOURCE_CUE = re.compile(r"(?:^|\b(?:theo|trong|tai|o|cua|thuoc|nhu)\s+)$")


class DocumentNames:
    """The names of one build's documents (its documents.json), compiled once per index."""

    def __init__(self, documents: dict):
        self.documents = documents
        by_kind: dict[str, list[str]] = {}
        for doc_id, entry in documents.items():
            by_kind.setdefault(entry["info"]["kind"], []).append(doc_id)
        aliases = sorted(
            ((alias, kind) for kind, names in lexicon().document_aliases.items() for alias in names), key=lambda item: -len(item[0])
        )
        self._patterns: list[tuple[re.Pattern, re.Pattern, list[str]]] = [
            (
                re.compile(r"(?<!\w)" + re.escape(alias) + _ISSUER + r"(?!\w)"),
                # After "Đề án được ..." the name is over: "xây dựng" there is what the question asks about.
                _NO_RUN_ON if alias.split()[-1] in _ALIAS_VERBS else self._title_run(by_kind[kind]),
                by_kind[kind],
            )
            for alias, kind in aliases
            if kind in by_kind
        ]

    def _title_run(self, doc_ids: list[str]) -> re.Pattern:
        """Words that continue a document's name: those of its title and short title, apart or joined the way a
        document's number is ("30-NQ/TW")."""
        words: set[str] = set()
        for doc_id in doc_ids:
            info = self.documents[doc_id]["info"]
            words.update(re.findall(r"\w+", fold(f"{info.get('title', '')} {info.get('short_title', '')}")))
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return re.compile(r"(?:(?:\s+|[-/])(?:" + alternatives + r")(?!\w))*")

    def mentions(self, query: str) -> tuple[set[str], str]:
        """The documents a question names ("theo Nghị quyết Đại hội", "trong Chương trình hành động"), and the
        question folded without those names: what the passage must be about. A name runs on as long as its words
        are its document's title words: "Đề án xây dựng CNXH gắn với con người XHCN" is all name."""
        return self.mentions_in_folded(fold(query))

    def mentions_in_folded(self, text: str) -> tuple[set[str], str]:
        """`mentions` of a question already folded."""
        found: set[str] = set()
        for pattern, run_on, doc_ids in self._patterns:
            pieces, last = [], 0
            for match in pattern.finditer(text):
                pieces.append(text[last:match.start()])
                last = run_on.match(text, match.end()).end()
            if pieces:
                found.update(doc_ids)
                text = " ".join([*pieces, text[last:]])
        return found, text

    def mentioned_docs(self, query: str) -> set[str]:
        return self.mentions(query)[0]

    def cited_sources(self, query: str) -> set[str]:
        """The documents a question cites as its source ("theo Kế hoạch ...", "trong Đề án ..."), not as its object
        ("ban hành Chương trình hành động")."""
        return self.cited_in_folded(fold(query))

    def cited_in_folded(self, text: str) -> set[str]:
        """`cited_sources` of a question already folded."""
        return {
            doc_id
            for pattern, _, doc_ids in self._patterns
            for match in pattern.finditer(text)
            if _SOURCE_CUE.search(text[: match.start()])
            for doc_id in doc_ids
        }
