"""Word segmentation must see the same normalised text as the syllable tokens, and fail loudly without pyvi."""

from __future__ import annotations

import sys

import pytest

from ingest import segment
from ingest.normalize import lexical_tokens
from ingest.segment import segmented_tokens

pytest.importorskip("pyvi")


def test_compounds_are_joined() -> None:
    tokens = segmented_tokens("Cơ quan chủ trì: Ủy ban nhân dân thành phố Hải Phòng")
    assert {"cơ_quan", "chủ_trì", "thành_phố", "hải_phòng"} <= set(tokens)
    assert ":" not in tokens


def test_uses_the_same_normalisation_as_lexical_tokens() -> None:
    old_style = segmented_tokens("Ban Thường vụ Thành uỷ, tỉ lệ 245.500")
    assert old_style == segmented_tokens("Ban Thường vụ Thành ủy, tỷ lệ 245500")
    assert "245500" in old_style and "245500" in lexical_tokens("245.500")


def test_abbreviations_are_expanded() -> None:
    tokens = segmented_tokens("UBND thành phố")
    assert "ubnd" in tokens and "ủy_ban" in tokens


def test_folded_output() -> None:
    assert "co_quan" in segmented_tokens("Cơ quan chủ trì", folded=True)


def test_empty_input() -> None:
    assert segmented_tokens("") == []
    assert segmented_tokens(" \n\t ") == []


def test_missing_pyvi_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    segment._segmenter.cache_clear()
    monkeypatch.setitem(sys.modules, "pyvi", None)  # what an uninstalled package looks like to import
    try:
        with pytest.raises(RuntimeError, match="pyvi"):
            segmented_tokens("Cơ quan chủ trì")
    finally:
        segment._segmenter.cache_clear()
