"""The long-lived parts a process needs (embedder, current index, retriever, answerer), built once, lazily."""

from __future__ import annotations

import logging
import threading
from functools import cached_property

from ingest.settings import Settings

log = logging.getLogger(__name__)


class Services:
    """Shared by the API (as a FastAPI dependency tests can swap) and the CLI."""

    def __init__(self, settings: Settings):
        self.settings = settings
        if settings.reranker_model:
            from assistant.rerank import model_dir

            # A wrong path stops `vankien serve` at start, not every /ask later.
            model_dir(settings.reranker_model)
        self._lock = threading.Lock()
        self._retrievers: dict[str, object] = {}
        self._gates: dict[str, object] = {}

    @cached_property
    def embedder(self):
        from ingest.embed import make_embedder

        return make_embedder(self.settings)

    @cached_property
    def holder(self):
        from assistant.retrieval.index import IndexHolder
        from ingest.pipeline import configured_embedder_id

        return IndexHolder(self.settings, configured_embedder_id(self.settings))

    @cached_property
    def reranker(self):
        if not self.settings.reranker_model:
            return None
        from assistant.rerank import CrossEncoderReranker

        return CrossEncoderReranker(self.settings.reranker_model, device=self.settings.st_device)

    def index(self):
        return self.holder.get()

    def retriever(self):
        """A retriever over the index currently published (a re-ingest switches it between requests)."""
        from assistant.retrieval.retriever import Retriever

        index = self.index()
        with self._lock:
            retriever = self._retrievers.get(index.meta.build_id)
            if retriever is None:
                retriever = Retriever(index, self.embedder, reranker=self.reranker)
                self._retrievers = {index.meta.build_id: retriever}
        return retriever

    def gate(self):
        """The answerability gate of the index currently published: its stored model, loaded once per build. An index
        without one answers ungated, with a warning to run `vankien train`."""
        from assistant.answerability import MODEL_FILE, AnswerabilityGate, AnswerabilityModel

        index = self.index()
        with self._lock:
            gate = self._gates.get(index.meta.build_id)
            if gate is None:
                path = index.build_dir / MODEL_FILE
                model = AnswerabilityModel.load(path) if path.exists() else None
                if model is None:
                    log.warning("no answerability model in %s: answers are not gated; run `vankien train`", index.build_dir)
                gate = AnswerabilityGate(model)
                self._gates = {index.meta.build_id: gate}
        return gate

    def answerer(self, gated: bool = True):
        """The extractive answerer, or the LLM one (which falls back to it) when a model server is configured."""
        from assistant.answer import Answerer

        extractive = Answerer(self.retriever(), self.settings, gate=self.gate() if gated else None)
        if not self.settings.llm_base_url or not gated:
            return extractive
        from assistant.generate import GenerativeAnswerer

        return GenerativeAnswerer(extractive, self.settings)

    def registry(self):
        from ingest.registry import Registry

        return Registry(self.index().registry_path)
