"""How questions name the documents of the real corpus."""

from __future__ import annotations


def test_a_documents_name_runs_on_over_its_title_words(index) -> None:
    """What remains once the document's name is taken out is what the passage must be about: "Đề án xây dựng CNXH
    gắn với con người XHCN" is all name, so the topic is "thời gian triển khai thực hiện"."""
    docs, rest = index.names.mentions("Thời gian triển khai thực hiện Đề án xây dựng CNXH gắn với con người XHCN là bao lâu?")
    assert docs == {"de-an-cnxh"}
    assert rest.split() == ["thoi", "gian", "trien", "khai", "thuc", "hien", "la", "bao", "lau?"]


def test_a_documents_number_is_part_of_its_name(index) -> None:
    """ "30-NQ/TW" joins its parts with "-" and "/"; the name runs on over them to the issuer, and the question is
    about "mục đích, yêu cầu". A spaced dash ("kinh tế - xã hội") still ends a name."""
    docs, rest = index.names.mentions("Kế hoạch thực hiện Nghị quyết 30-NQ/TW của Ban Thường vụ Thành ủy đặt ra những mục đích gì?")
    assert docs == {"ke-hoach-nq30"}
    assert rest.split() == ["dat", "ra", "nhung", "muc", "dich", "gi?"]
    assert "xa hoi" in index.names.mentions("Kế hoạch phát triển kinh tế - xã hội gồm gì")[1]


def test_a_document_cited_as_source_differs_from_one_named_as_object(index) -> None:
    assert index.names.cited_sources("Năng suất lao động tăng bao nhiêu theo Kế hoạch của Ban Thường vụ?") == {"ke-hoach-nq30"}
    question = "Ai được Đại hội giao ban hành Chương trình hành động thực hiện Nghị quyết?"
    assert index.names.mentioned_docs(question) == {"chuong-trinh-hanh-dong"}
    assert index.names.cited_sources(question) == set()


def test_a_bare_de_an_doing_something_is_the_de_an_document(index) -> None:
    """ "Đề án được xây dựng ..." is the corpus's Đề án, and "xây dựng" after it is what is asked; "Đề án Nâng cao
    năng lực hệ thống y tế" is another one, which the programme's tasks cite."""
    mentioned, rest = index.names.mentions("Đề án được xây dựng trong khoảng thời gian nào?")
    assert mentioned == {"de-an-cnxh"}
    assert "xay dung" in rest
    assert not index.names.mentioned_docs("Đề án nâng cao năng lực hệ thống y tế do ai chủ trì?")


def test_the_names_are_compiled_once_per_index(index) -> None:
    assert index.names is index.names
