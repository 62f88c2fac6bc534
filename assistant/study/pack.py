"""build_study_pack: retrieve once, then outline, figures, quiz and agencies from the same sentences and rows.

A topic the documents do not cover gets coverage "none", a Vietnamese message and the nearest suggested themes,
not a pack padded with unrelated passages.
"""

from __future__ import annotations

from collections import Counter

from assistant.retrieval.index import Index
from assistant.study.figures import asks_targets, merge_figures, registry_figures, row_chunks, text_figures
from assistant.study.models import AgencyLoad, Coverage, OutlinePoint, SourceDocument, StudyCitation, StudyPack
from assistant.study.outline import MIN_POINTS, outline
from assistant.study.quiz import (
    QuizBuilder,
    build_quiz,
    figure_questions,
    identifier_questions,
    interleave,
    name_blanks,
    task_questions,
)
from assistant.study.topic import (
    NONE_BELOW_PASSAGES,
    OUTLINE_THRESHOLD,
    Relevance,
    nearest_themes,
    on_topic_passages,
    retrieve,
    sentences_of,
    validate_topic,
)


def topic_tasks(registry, relevance: Relevance, doc_ids: list[str] | None) -> list:
    tasks = []
    for task in registry.tasks(limit=100_000):
        if doc_ids and task.doc_id not in doc_ids:
            continue
        score = 0.7 * relevance(task.text) + 0.3 * relevance(f"{task.group} {task.text}")
        if score >= OUTLINE_THRESHOLD:
            tasks.append((score, task))
    tasks.sort(key=lambda item: -item[0])
    return [task for _, task in tasks]


def agency_loads(tasks, agencies: dict) -> list[AgencyLoad]:
    """Named agencies only: "Các sở, ngành liên quan" supports everything and tells a trainee nothing."""
    lead: Counter[str] = Counter()
    support: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for task in tasks:
        for agency_id in task.lead_ids:
            lead[agency_id] += 1
            if len(examples.setdefault(agency_id, [])) < 3:
                examples[agency_id].append(task.text)
        for agency_id in task.support_ids:
            support[agency_id] += 1
    named = [a for a in set(lead) | set(support) if a in agencies and agencies[a].kind == "agency"]
    ids = sorted(named, key=lambda a: (-lead[a], -support[a], agencies[a].name))
    return [AgencyLoad(agency_id=a, name=agencies[a].name, lead=lead[a], support=support[a], examples=examples.get(a, [])) for a in ids]


def sources(index: Index, doc_ids: set[str]) -> list[SourceDocument]:
    found = []
    for doc_id, entry in index.documents.items():
        if doc_id not in doc_ids:
            continue
        info = entry["info"]
        found.append(
            SourceDocument(
                doc_id=doc_id, title=info["title"], short_title=info.get("short_title") or info["title"],
                issuer=info.get("issuer", ""), date=info.get("date", ""), authority=info.get("authority", 0),
            )
        )
    return sorted(found, key=lambda s: -s.authority)


def coverage_of(passages: int, points: list[OutlinePoint]) -> Coverage:
    if passages < NONE_BELOW_PASSAGES:
        return "none"
    return "low" if len(points) < MIN_POINTS else "good"


def coverage_message(coverage: Coverage, topic: str, passages: int, suggestions: list[str]) -> str | None:
    if coverage == "good":
        return None
    themes = "; ".join(f"“{s}”" for s in suggestions)
    if coverage == "none":
        said = f" (chỉ nhắc tới ở {passages} đoạn)" if passages else ""
        return f"Các văn kiện không có nội dung đủ để soạn bài về “{topic}”{said}. Hãy thử chủ đề gần nhất: {themes}."
    return f"Các văn kiện chỉ đề cập ít về “{topic}”: bài chỉ gồm những ý có căn cứ. Có thể tham khảo thêm: {themes}."


def number_citations(pack: StudyPack) -> None:
    """One number per quoted passage, in the order a reader meets them: outline, figures, quiz."""
    numbers: dict[tuple[str, str], int] = {}

    def assign(citations: list[StudyCitation]) -> None:
        for citation in citations:
            citation.n = numbers.setdefault((citation.chunk_id, citation.quote), len(numbers) + 1)

    for point in pack.outline:
        assign(point.citations)
    for figure in pack.figures:
        assign(figure.citations)
        for other in figure.other_values:
            assign(other.citations)
    for item in pack.quiz:
        assign(item.citations)


def build_study_pack(services, topic: str, doc_ids: list[str] | None = None) -> StudyPack:
    """An outline, figures, a quiz of up to 10 questions and the agencies in charge of `topic`, everything cited."""
    topic = validate_topic(topic)
    retriever = services.retriever()
    index = retriever.index
    unknown = [d for d in doc_ids or [] if d not in index.doc_ids()]
    if unknown:
        raise KeyError(f"unknown doc_id(s): {', '.join(unknown)}; known: {', '.join(index.doc_ids())}")
    doc_ids = list(doc_ids) if doc_ids else None
    relevance = Relevance(index, topic)
    sentences = sentences_of(retrieve(retriever, topic, doc_ids), relevance)
    passages = on_topic_passages(sentences)
    covered = passages >= NONE_BELOW_PASSAGES
    points = outline(sentences, index, covered)
    coverage = coverage_of(passages, points)
    figures, quiz, loads = [], [], []
    if covered:
        rows = row_chunks(index)
        registry = services.registry()
        try:
            by_section = asks_targets(topic)
            found = text_figures(sentences, relevance, topic, by_section)
            found += registry_figures(registry, relevance, topic, doc_ids, rows, by_section)
            figures = merge_figures(found, index)
            agencies = {a.id: a for a in registry.agencies()}
            tasks = topic_tasks(registry, relevance, doc_ids)
        finally:
            registry.close()
        builder = QuizBuilder(index, topic)
        blanks, figure_choices = figure_questions(builder, figures)
        choices = interleave(figure_choices, task_questions(tasks, agencies, rows), identifier_questions(builder, sentences))
        quiz = build_quiz(builder, blanks + name_blanks(sentences, index), choices)
        loads = agency_loads(tasks, agencies)
    suggestions = [] if coverage == "good" else [t for t in nearest_themes(services.embedder, topic) if t != topic]
    cited = {c.doc_id for p in points for c in p.citations} | {c.doc_id for f in figures for c in f.citations}
    cited |= {c.doc_id for f in figures for o in f.other_values for c in o.citations} | {c.doc_id for q in quiz for c in q.citations}
    pack = StudyPack(
        topic=topic, doc_ids=doc_ids, coverage=coverage, message=coverage_message(coverage, topic, passages, suggestions),
        suggestions=suggestions, outline=points, figures=figures, quiz=quiz, agencies=loads, sources=sources(index, cited),
    )
    number_citations(pack)
    return pack
