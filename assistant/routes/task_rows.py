"""The task-row route: who leads, supports and by when, read cell by cell from the best matching row of the action
programme's task table, when the registry could not answer."""

from __future__ import annotations

from assistant.answer_types import Answer, Citation
from assistant.asking import folded_phrases
from assistant.question import Question
from assistant.retrieval.hit import Hit
from assistant.retrieval.places import leaf_heading
from assistant.routes.base import PassageReader, Turn
from ingest.normalize import fold

# On folded text: who leads or supports, by when, with what output.
_OWNERSHIP = folded_phrases(
    "chu tri", "phoi hop", "chiu trach nhiem", "co quan nao", "don vi nao", "ai la", "ai se", "ai duoc", "ai phu trach",
    "phu trach", "thoi han", "khi nao hoan thanh", "han hoan thanh", "bao gio", "ket qua/san pham", "san pham dau ra",
    "san pham la gi",
)
_ASKS_OUTPUT = folded_phrases("san pham", "ket qua", "dau ra")
# A row answers only when it covers this much of the question.
MIN_ROW_COVERAGE = 0.35


def _leads(hit: Hit) -> bool:
    return hit.chunk.kind == "table_row" and bool(hit.chunk.cells) and any("chủ trì" in k.lower() for k in hit.chunk.cells)


class TaskRowRoute(PassageReader):
    def propose(self, query: str, question: Question, hits: list[Hit], turn: Turn) -> Answer | None:
        """Read lead / supporting agencies and deadline from the best matching task row."""
        folded_question = fold(query)
        if not _OWNERSHIP.search(folded_question):
            return None
        rows = [h for h in hits if _leads(h)]
        if not rows:
            rows = [h for h in self.retriever.search(query, k=25, doc_ids=turn.doc_ids) if _leads(h)]
        if not rows:
            return None
        wanted = self.retriever.wanted_tokens(query)
        best = max(rows[:6], key=lambda h: self.coverage(wanted, f"{h.chunk.section} {h.chunk.text}") + 0.1 / (rows.index(h) + 1))
        if self.coverage(wanted, f"{best.chunk.section} {best.chunk.text}") < MIN_ROW_COVERAGE:
            return None
        cells = best.chunk.cells or {}

        def cell(*needles: str) -> str:
            for key, value in cells.items():
                if any(n in key.lower() for n in needles):
                    return value
            return ""

        task = cell("nhiệm vụ", "tên dự án", "tên chỉ tiêu", "nội dung")
        lead = cell("chủ trì")
        support = cell("phối hợp")
        deadline = cell("thời gian")
        output = cell("kết quả", "sản phẩm")
        citations: list[Citation] = []
        n = self.cite(citations, best, best.chunk.text)
        fields = [f"**{lead or '(không ghi trong bảng)'}** chủ trì"]
        fields += [f"phối hợp: {support}"] if support else []
        fields += [f"thời hạn: {deadline}"] if deadline else []
        fields += [f"sản phẩm: {output}"] if output and _ASKS_OUTPUT.search(folded_question) else []
        answer = (
            "; ".join(fields) + f" [{n}].\nNhiệm vụ: “{task or best.chunk.text[:200]}” — "
            f"{self.title(best.chunk.doc_id)}, {leaf_heading(best.chunk)}."
        )
        return Answer(answer=answer, citations=citations, abstained=False, closest=hits[:5], route="registry")
