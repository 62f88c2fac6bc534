"""`vankien search` and `vankien ask` in-process against the real index, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import CORPUS, ROOT


def vankien(data_dir, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"VANKIEN_DATA_DIR": str(data_dir), "VANKIEN_CORPUS_DIR": str(CORPUS)}
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_search_json_matches_the_api_shape(built_data_dir):
    result = vankien(built_data_dir, "search", "sản lượng hàng hóa thông qua cảng năm 2030", "--k", "5", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 5
    assert set(hits[0]) == {"chunk_id", "doc_id", "doc_title", "section", "text", "score", "kind"}
    assert any("380" in hit["text"] for hit in hits)


def test_search_doc_filter_and_unknown_doc(built_data_dir):
    result = vankien(built_data_dir, "search", "kinh tế biển", "--doc", "ke-hoach-nq30", "--json")
    assert {hit["doc_id"] for hit in json.loads(result.stdout)["hits"]} == {"ke-hoach-nq30"}
    bad = vankien(built_data_dir, "search", "kinh tế biển", "--doc", "khong-co")
    assert bad.returncode == 2
    assert "khong-co" in bad.stderr


def test_ask_prints_answer_then_numbered_sources(built_data_dir):
    result = vankien(built_data_dir, "ask", "Sản lượng hàng hóa thông qua các cảng năm 2030 đạt bao nhiêu?")
    assert result.returncode == 0, result.stderr
    answer, _, sources = result.stdout.partition("Nguồn:")
    assert "380" in answer
    assert sources.strip().startswith("[1] ")


def test_ask_blank_question_exits_2_with_message(built_data_dir):
    result = vankien(built_data_dir, "ask", "   ")
    assert result.returncode == 2
    assert "empty" in result.stderr


def test_commands_without_index_say_how_to_build_it(tmp_path):
    result = vankien(tmp_path, "search", "cảng biển")
    assert result.returncode == 2
    assert "vankien ingest" in result.stderr
