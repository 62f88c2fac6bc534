"""Scale: /search latency and server memory over synthetic corpora of 1x, 10x and 100x the real one.

A synthetic corpus is the real index plus (factor - 1) recombined copies of each document: every copy keeps the
real chunks' order and adds to each chunk one real paragraph taken from another chunk, so texts differ (BM25 and
near-duplicate removal see distinct passages). Vectors are the real chunk's embedding with a small perturbation,
so no text is embedded: builds are written directly (Chroma, chunks, BM25, viewer payload, meta) and published
into a scratch data dir, then a real `vankien serve` is timed on it.

    python bench/scale.py                       # 1x, 10x, 100x over ./data
    python bench/scale.py --factors 1,10 --queries 100
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx
import numpy as np

from serving import ROOT, percentile, start_server, stop, tree_rss_mb

sys.path.insert(0, str(ROOT))

from assistant.retrieval.index import Index  # noqa: E402
from ingest.settings import Settings  # noqa: E402
from ingest import store  # noqa: E402
from ingest.document import Chunk  # noqa: E402
from ingest.lexical import LexicalIndex, _Field  # noqa: E402
from ingest.normalize import folded_tokens, lexical_tokens  # noqa: E402
from ingest.pipeline import PIPELINE_VERSION  # noqa: E402

QUESTIONS = ROOT / "tests" / "eval" / "questions.jsonl"
NOISE = 0.02


class RealIndex:
    """The published real index: chunks, their vectors, per-chunk token lists (tokenised once, reused by copies)."""

    def __init__(self, data_dir: Path):
        self.index = Index.open(Settings(data_dir=data_dir))
        self.chunks = self.index.chunks
        got = self.index.collection.get(ids=[c.chunk_id for c in self.chunks], include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"]))
        self.vectors = np.asarray([by_id[c.chunk_id] for c in self.chunks], dtype=np.float32)
        self.paragraphs = [p for c in self.chunks for p in c.text.split("\n") if len(p.split()) >= 8]
        started = time.perf_counter()
        self.tokens = {field: [tok(f"{c.section}\n{c.text}") for c in self.chunks] for field, tok in (("accented", lexical_tokens), ("folded", folded_tokens))}
        self.paragraph_tokens = {field: [tok(p) for p in self.paragraphs] for field, tok in (("accented", lexical_tokens), ("folded", folded_tokens))}
        print(f"real index: {len(self.chunks)} chunks, {len(self.paragraphs)} paragraphs, tokenised in {time.perf_counter() - started:.1f} s")


def synthetic_build(real: RealIndex, factor: int, data_dir: Path, seed: int = 7) -> dict:
    """Write and publish a build holding `factor` times the real corpus; returns what it cost."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    settings = Settings(data_dir=data_dir)
    store.ensure_data_dir(settings)
    started = time.perf_counter()
    chunks: list[Chunk] = list(real.chunks)
    vectors = [real.vectors]
    tokens = {field: list(lists) for field, lists in real.tokens.items()}
    documents = dict(real.index.documents)
    meta_docs = {k: v for k, v in real.index.meta.documents.items() if k != "__fingerprint__"}
    for copy in range(1, factor):
        picks = [rng.randrange(len(real.paragraphs)) for _ in real.chunks]
        for chunk, pick in zip(real.chunks, picks):
            chunks.append(replace(
                chunk,
                chunk_id=f"{chunk.chunk_id}-x{copy}",
                doc_id=f"{chunk.doc_id}-x{copy}",
                doc_title=f"{chunk.doc_title} (bản tổng hợp {copy})",
                text=f"{chunk.text}\n{real.paragraphs[pick]}",
            ))
        for field in tokens:
            tokens[field].extend(base + real.paragraph_tokens[field][pick] for base, pick in zip(real.tokens[field], picks))
        moved = real.vectors + noise.normal(0, NOISE, real.vectors.shape).astype(np.float32)
        vectors.append(moved / np.linalg.norm(moved, axis=1, keepdims=True))
        for doc_id, entry in real.index.documents.items():
            new_id = f"{doc_id}-x{copy}"
            info = entry["info"] | {"doc_id": new_id, "title": f"{entry['info']['title']} (bản tổng hợp {copy})"}
            documents[new_id] = entry | {"info": info, "chunks": [c | {"chunk_id": f"{c['chunk_id']}-x{copy}"} for c in entry["chunks"]]}
        for doc_id, entry in list(meta_docs.items()):
            if "-x" not in doc_id:
                meta_docs[f"{doc_id}-x{copy}"] = entry | {"doc_id": f"{doc_id}-x{copy}"}
    all_vectors = np.concatenate(vectors)
    prepared = time.perf_counter()

    build_id = store.new_build_id()
    build_dir = store.builds_root(settings) / build_id
    build_dir.mkdir(parents=True)
    client = store.chroma_client(settings, build_dir)
    store.write_vectors(client, settings.collection, chunks, all_vectors)
    del client
    vectors_written = time.perf_counter()
    store.write_chunks(build_dir / store.CHUNKS_FILE, chunks)
    lexical = LexicalIndex([c.chunk_id for c in chunks], _Field.build(tokens["accented"]), _Field.build(tokens["folded"]))
    lexical.save(build_dir / store.LEXICAL_FILE)
    (build_dir / store.DOCUMENTS_FILE).write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    shutil.copy(real.index.registry_path, build_dir / store.REGISTRY_FILE)
    meta = store.BuildMeta(
        build_id=build_id,
        embedder_id=real.index.meta.embedder_id,
        dim=real.index.meta.dim,
        pipeline_version=PIPELINE_VERSION,
        created=time.time(),
        chroma_mode="embedded",
        collection=settings.collection,
        documents=meta_docs | {"__fingerprint__": {"value": f"synthetic-{factor}x"}},
        chunk_count=len(chunks),
    )
    (build_dir / store.META_FILE).write_text(meta.to_json(), encoding="utf-8")
    store.publish(settings, build_id)
    done = time.perf_counter()
    size = sum(p.stat().st_size for p in build_dir.rglob("*") if p.is_file())
    return {
        "chunks": len(chunks),
        "documents": len(meta_docs),
        "build_s": done - started,
        "chroma_s": vectors_written - prepared,
        "disk_mb": size / 2**20,
    }


def time_search(base: str, questions: list[str], warmup: int) -> tuple[list[float], int]:
    timings, failures = [], 0
    with httpx.Client(base_url=base, timeout=300) as client:
        for question in questions[:warmup]:
            client.post("/search", json={"query": question, "k": 10})
        for question in questions:
            start = time.perf_counter()
            response = client.post("/search", json={"query": question, "k": 10})
            timings.append((time.perf_counter() - start) * 1000)
            failures += response.status_code != 200
    return timings, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("VANKIEN_DATA_DIR", ROOT / "data")),
                        help="holds the real published index (default ./data)")
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--queries", type=int, default=60, help="timed /search requests per corpus (default 60)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--scratch", type=Path, default=None, help="where synthetic data dirs go (default: a temp dir)")
    args = parser.parse_args()

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = random.Random(3).sample(questions, min(args.queries, len(questions)))
    real = RealIndex(args.data_dir.resolve())
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="vankien-scale-"))
    rows = []
    try:
        for factor in [int(f) for f in args.factors.split(",")]:
            data_dir = scratch / f"x{factor}"
            cost = synthetic_build(real, factor, data_dir)
            print(f"{factor}x: {cost['chunks']} chunks in {cost['documents']} documents built in {cost['build_s']:.0f} s "
                  f"(Chroma {cost['chroma_s']:.0f} s), {cost['disk_mb']:.0f} MB on disk", flush=True)
            started = time.perf_counter()
            process, base = start_server(data_dir, workers=1, timeout=1800)
            try:
                idle_rss = tree_rss_mb(process.pid)
                timings, failures = time_search(base, questions, args.warmup)
                ready_s = time.perf_counter() - started
                rss = tree_rss_mb(process.pid)
            finally:
                stop(process)
            rows.append((factor, cost, timings, failures, idle_rss, rss, ready_s))
            print(f"{factor}x: /search p50 {percentile(timings, 50):.0f} ms, p95 {percentile(timings, 95):.0f} ms, "
                  f"RSS {rss:.0f} MB, {failures} failures", flush=True)
            shutil.rmtree(data_dir, ignore_errors=True)
    finally:
        if args.scratch is None:
            shutil.rmtree(scratch, ignore_errors=True)

    print(f"\n/search, {args.queries} sequential queries after {args.warmup} warm-up, 1 worker, {os.cpu_count()} cores\n")
    print(f"{'corpus':<7} {'chunks':>8} {'docs':>5} {'disk MB':>8} {'build s':>8} {'p50 ms':>7} {'p95 ms':>7} {'RSS MB':>7} {'fail':>5}")
    for factor, cost, timings, failures, _idle, rss, _ready in rows:
        print(f"{factor:>5}x {cost['chunks']:>8} {cost['documents']:>5} {cost['disk_mb']:>8.0f} {cost['build_s']:>8.0f} "
              f"{percentile(timings, 50):>7.0f} {percentile(timings, 95):>7.0f} {rss:>7.0f} {failures:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
