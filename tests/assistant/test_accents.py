"""Diacritic restoration for accentless queries, learnt from the real corpus text."""

from pathlib import Path

import pytest

from assistant.accents import Reaccenter

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def reaccenter() -> Reaccenter:
    return Reaccenter(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt")))


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("co quan nao chu tri", "cơ quan nào chủ trì"),
        ("ty le do thi hoa bao nhieu", "tỷ lệ đô thị hóa bao nhiêu"),
        ("khi nao khoi cong cang nam do son", "khi nào khởi công cảng nam đồ sơn"),
        ("thoi han hoan thanh quy hoach chung", "thời hạn hoàn thành quy hoạch chung"),
    ],
)
def test_accentless_queries_get_the_corpus_spelling(reaccenter, typed, restored):
    assert reaccenter.restore(typed) == restored


def test_words_the_corpus_never_uses_stay_as_typed(reaccenter):
    assert reaccenter.restore("xyzzy co quan") == "xyzzy cơ quan"
