"""The extractive answerer on the real index: what a figure question counts, and when the corpus has no answer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.asking import counted_term, names_office_holder as _names_office_holder, ordinal as _ordinal, refers_back
from assistant.routes.doubts import unknown_words


@pytest.fixture(scope="module")
def answerer(services):
    return services.answerer()


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("Giai đoạn 2026-2030 phải hoàn thành bao nhiêu căn nhà ở xã hội?", "căn"),
        ("Thu hút bao nhiêu vốn đầu tư mỗi năm?", "vốn"),
        ("Tổng mức đầu tư là bao nhiêu tỷ đồng?", "tỷ đồng"),
        ("Có bao nhiêu chỉ tiêu chưa đạt?", "chỉ"),
        ("Kinh tế số chiếm bao nhiêu phần trăm GRDP?", "%"),
        ("GRDP bình quân đầu người phải đạt bao nhiêu đô la?", "usd"),
        ("Cầu có mấy làn xe?", "làn"),
        ("Chỉ số IIP phải tăng bao nhiêu mỗi năm?", None),
        ("Ai chủ trì nhiệm vụ này?", None),
    ],
)
def test_counted_term_is_what_the_figure_is_of(question: str, counted: str | None) -> None:
    assert counted_term(question) == counted


def test_a_figure_in_another_unit_is_no_answer(answerer) -> None:
    """The documents give the port target in tonnes, never in TEU: quoting "380 triệu tấn" would answer another question."""
    result = answerer.ask("Sản lượng container qua cảng Hải Phòng năm 2030 đặt mục tiêu bao nhiêu TEU?")
    assert result.abstained


def test_the_passage_stating_the_counted_unit_is_quoted(answerer) -> None:
    result = answerer.ask("Khách du lịch đến Hải Phòng năm 2030 được đặt mục tiêu bao nhiêu lượt?")
    assert not result.abstained
    assert "25" in result.answer and "lượt" in result.citations[0].quote.lower()


def test_a_spelled_out_unit_is_not_an_unknown_word(answerer) -> None:
    result = answerer.ask("Giá trị sản phẩm nông nghiệp trên một héc-ta đất sản xuất năm 2030 phấn đấu đạt bao nhiêu?")
    assert not result.abstained
    assert "230 triệu đồng" in result.answer


def test_an_acronym_the_corpus_never_uses_is_out_of_corpus(answerer) -> None:
    assert answerer.ask("Chỉ số giá tiêu dùng CPI của Hải Phòng năm 2026 được kiểm soát ở mức nào?").abstained


def test_a_name_split_by_dashes_in_the_passage_still_matches(answerer) -> None:
    result = answerer.ask(
        "Quần thể Yên Tử - Vĩnh Nghiêm - Côn Sơn, Kiếp Bạc được công nhận Di sản văn hóa thế giới vào ngày nào?"
    )
    assert not result.abstained
    assert "12/7/2025" in result.answer


def test_bigrams_no_passage_holds_do_not_count_against_coverage(answerer) -> None:
    retriever = answerer.retriever
    wanted = retriever.wanted_tokens("Chỉ số IIP giai đoạn tới phải tăng bao nhiêu phần trăm mỗi năm?")
    assert "iip" in wanted and "chi_so" in wanted
    assert "tang_bao" not in wanted and "toi_phai" not in wanted


def test_a_follow_up_about_another_province_swaps_the_place(answerer) -> None:
    history = [{"role": "user", "content": "Hải Phòng thu hút FDI giai đoạn 2021-2025 được bao nhiêu?"}]
    rewritten = answerer.rewrite("còn tỉnh Hải Dương thì sao?", history)
    assert rewritten == "Hải Dương thu hút FDI giai đoạn 2021-2025 được bao nhiêu?"  # named as the last turn named its place


def test_a_follow_up_naming_another_indicator_does_not_repeat_the_answer_before_it(answerer) -> None:
    """ "Còn thu nhập bình quân đầu người thì sao?" after the GRDP growth answer: the turn read as its changed slot
    is given, not the growth figure again."""
    first = "Mục tiêu tăng trưởng GRDP giai đoạn 2026-2030 là bao nhiêu?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": answerer.ask(first).answer}]
    result = answerer.ask("Còn thu nhập bình quân đầu người thì sao?", history)
    assert not result.abstained
    assert "bình quân đầu người" in result.answer and "11.247" in result.answer
    assert "13%/năm" not in result.answer


def test_a_follow_up_asking_its_own_question_stands_alone(answerer) -> None:
    history = [{"role": "user", "content": "Ai chủ trì Dự án Nhà máy nhiệt điện LNG Hải Phòng?"}]
    assert answerer.rewrite("còn cảng mới ở Đồ Sơn thì bao giờ khởi công?", history) == "cảng mới ở Đồ Sơn thì bao giờ khởi công?"


def _first_lead_row(retriever, question: str) -> int | None:
    hits = retriever.search(question, k=10)
    return next((i for i, h in enumerate(hits) if any("chủ trì" in key.lower() for key in (h.chunk.cells or {}))), None)


def test_who_leads_puts_the_passage_assigning_a_lead_first(answerer) -> None:
    """The resolution states the target too, but only the programme's table says who leads it."""
    assert _first_lead_row(answerer.retriever, "Ai chủ trì chỉ tiêu thu ngân sách nhà nước trên địa bàn?") == 0


def test_who_leads_moves_the_passage_assigning_a_lead_up(answerer, monkeypatch) -> None:
    question = "Đơn vị nào chủ trì chỉ tiêu kết nạp đảng viên mới hằng năm?"
    boosted = _first_lead_row(answerer.retriever, question)
    monkeypatch.setattr(answerer.retriever, "config", replace(answerer.retriever.config, lead_boost=1.0))
    plain = _first_lead_row(answerer.retriever, question)
    assert boosted is not None and plain is not None and boosted < plain


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("nhiệm vụ đó hạn khi nào?", True),
        ("chỉ tiêu này do ai chủ trì?", True),
        ("nhiem vu do han khi nao", True),
        ("cảng mới ở Đồ Sơn thì bao giờ khởi công?", False),
    ],
)
def test_refers_back_reads_the_accents_when_there_are_some(question: str, expected: bool) -> None:
    assert refers_back(question) is expected


def test_a_place_named_do_son_is_not_taken_for_a_pointer_to_the_last_task(answerer) -> None:
    history = [{"role": "user", "content": "Ai chủ trì Dự án Nhà máy nhiệt điện LNG Hải Phòng?"}]
    _, result = answerer.propose("còn cảng mới ở Đồ Sơn thì bao giờ khởi công?", history)  # the reading, not the gate
    assert "Cảng Nam Đồ Sơn" in result.answer and "quý IV năm 2026" in result.answer
    assert "LNG" not in result.answer


def test_a_question_about_hai_duong_is_answered_with_hai_duong_figures(answerer) -> None:
    """The report gives both localities' results side by side; the question names one of them."""
    result = answerer.ask("Tỉnh Hải Dương có bao nhiêu chỉ tiêu đạt và vượt trong nhiệm kỳ vừa qua?")
    assert not result.abstained
    assert "17/19" in result.answer and "11/18" not in result.answer


def test_the_note_on_a_differing_figure_names_the_higher_authority_truly(answerer) -> None:
    """When the answering sentence comes from the report, the note must not call the report the higher authority."""
    result = answerer.ask("Theo Báo cáo chính trị, sản lượng hàng hoá thông qua các cảng năm 2030 là bao nhiêu?")
    assert result.answer.startswith("Theo Báo cáo chính trị")
    assert "374 triệu tấn" in result.answer
    assert "Lưu ý: Nghị quyết Đại hội I nêu con số khác" in result.answer and "380 triệu tấn" in result.answer
    assert result.answer.endswith("Văn kiện có thẩm quyền cao hơn là Nghị quyết Đại hội I.")


@pytest.mark.parametrize(
    ("question", "other_target"),
    [
        # The Đề án's 70% is for social insurance (bảo hiểm xã hội), not health insurance.
        ("Đến năm 2030 tỷ lệ dân số tham gia bảo hiểm y tế phải đạt bao nhiêu?", "bảo hiểm xã hội"),
        # The Đề án's long sentence opens with TFP at 57% and states the same IIP growth further on.
        ("Chỉ số sản xuất công nghiệp IIP tăng bình quân bao nhiêu mỗi năm trong nhiệm kỳ tới?", "TFP"),
    ],
)
def test_a_figure_for_another_target_is_no_differing_figure(answerer, question: str, other_target: str) -> None:
    result = answerer.ask(question)
    assert not result.abstained
    note = result.answer.partition("Lưu ý:")[2]
    assert other_target not in note


def test_the_same_figure_stated_among_others_is_agreement(answerer) -> None:
    """The report's "3.384 doanh nghiệp" and the Đề án's footnote state one figure; the second sentence's other
    numbers (registered capital) are no disagreement."""
    result = answerer.ask("Bình quân mỗi năm Hải Phòng có bao nhiêu doanh nghiệp thành lập mới giai đoạn vừa qua?")
    assert "3.384" in result.answer
    assert "con số khác" not in result.answer


def test_a_figure_for_a_year_no_passage_speaks_of_is_not_given(answerer) -> None:
    """2031 lies after every target year of the programme: a 2030 figure is no answer to it."""
    result = answerer.ask("Thuế suất thuế thu nhập doanh nghiệp áp dụng cho năm 2031 là mấy phần trăm?")
    assert result.abstained


def test_a_figure_about_the_years_asked_replaces_one_about_other_years(answerer) -> None:
    """The report's 2021-2025 row covers the question best, but the question asks for 2030: the plan's 2030
    target answers."""
    result = answerer.ask("Tỷ lệ người dân tham gia bảo hiểm y tế đến 2030 là bao nhiêu?")
    assert not result.abstained
    assert "98%" in result.answer and "95,2" not in result.answer.partition("Lưu ý:")[0]
    # the report's "99% dân số" covers the question as well; the plan (higher authority) leads, and the social
    # insurance target of the resolution (highest authority, another target) does not
    assert result.answer.startswith("Theo Kế hoạch thực hiện Nghị quyết 30-NQ/TW")
    assert "bảo hiểm xã hội" not in result.answer.partition("Lưu ý:")[0]


def test_the_named_document_is_not_part_of_what_the_passage_must_cover(answerer) -> None:
    wanted = answerer.retriever.wanted_tokens(
        "Kế hoạch thực hiện NQ 30 của Ban Thường vụ Thành uỷ đưa ra những quan điểm gì về tam giác phát triển?"
    )
    assert {"tam_giac", "quan_diem"} <= wanted
    assert not {"ke_hoach", "thuong_vu", "nq"} & wanted


def test_a_passage_satisfies_the_names_of_its_own_document(answerer) -> None:
    """"Ban Thường vụ" names the plan's issuer; the passage on the development triangle need not repeat it."""
    result = answerer.ask("Theo Kế hoạch của Ban Thường vụ Thành ủy, Hải Phòng giữ vai trò gì trong tam giác phát triển?")
    assert not result.abstained
    assert "Hà Nội - Hải Phòng - Quảng Ninh" in result.answer


def test_a_follow_up_about_a_plant_still_carries_the_earlier_question(answerer) -> None:
    """"nhà máy" folds to "nha may", like the question word "mấy"; it is no question of its own."""
    history = [{"role": "user", "content": "Ai chủ trì Dự án Cảng Nam Đồ Sơn?"}]
    rewritten = answerer.rewrite("còn nhà máy nhiệt điện LNG thì sao?", history)
    assert rewritten.startswith("nhà máy nhiệt điện LNG") and "chủ trì" in rewritten


def test_a_target_asked_in_other_words_is_answered(answerer) -> None:
    """ "Độ che phủ rừng ... được đặt ở mức nào" vs the text's "Tỷ lệ che phủ rừng hằng năm duy trì mức 6,4%": the
    question's framing words are not topic the passage must repeat, so this is no reason to abstain."""
    result = answerer.ask("Độ che phủ rừng của thành phố được đặt ở mức nào?")
    assert not result.abstained
    assert "6,4%" in result.answer


def test_a_target_row_is_read_as_figure_and_unit(answerer) -> None:
    """Phụ lục 1 keeps "Doanh nghiệp/năm" in one cell and "9.200" in another; the answer says "9.200 doanh
    nghiệp/năm" and still quotes the row verbatim."""
    result = answerer.ask(
        "Theo Chương trình hành động, số doanh nghiệp thành lập mới bình quân mỗi năm giai đoạn 2026-2030 là bao nhiêu?"
    )
    assert "Số doanh nghiệp thành lập mới — Kế hoạch 5 năm 2026-2030 - Bình quân năm: 9.200 doanh nghiệp/năm" in result.answer
    assert result.citations[0].quote.startswith("Tên chỉ tiêu: Số doanh nghiệp thành lập mới; Đơn vị tính: Doanh nghiệp/năm")


def test_a_row_read_for_one_year_shows_that_years_column(answerer) -> None:
    result = answerer.ask("Theo kịch bản tăng trưởng ở Phụ lục 4, GRDP bình quân đầu người năm 2027 là bao nhiêu?")
    assert "2027: 8.676 USD/ người" in result.answer
    body = result.answer.partition("Nguồn")[0]
    assert "7.944,5" not in body
    assert "Tốc độ tăng GRDP" not in body and "Tỷ trọng công nghiệp" not in body  # other rows are other targets


def test_a_table_row_states_its_figures_in_its_unit_column(answerer) -> None:
    """Phụ lục 4 gives "ĐVT: USD/ người" once and the yearly figures in their own cells: the row answers "năm 2026
    ... bao nhiêu USD", not the resolution's 2030 sentence that happens to write "USD" after its number."""
    result = answerer.ask("Theo kịch bản tăng trưởng ở Phụ lục 4, GRDP bình quân đầu người năm 2026 dự kiến là bao nhiêu USD?")
    assert not result.abstained
    assert "7.944,5" in result.answer


def test_a_heading_that_introduces_its_passage_answers_with_it(answerer) -> None:
    """ "I. NHẤT TRÍ CHỦ ĐỀ ĐẠI HỘI ... LÀ:" carries the question's words, the quotation under it the answer; a passage
    elsewhere that merely repeats "Đại hội Đảng bộ thành phố lần thứ I" must not win."""
    result = answerer.ask("Chủ đề của Đại hội Đảng bộ thành phố lần thứ I nhiệm kỳ 2025-2030 là gì?")
    assert not result.abstained
    assert "Thành phố Cảng hiện đại, văn minh" in result.answer
    assert result.citations[0].doc_id == "nghi-quyet-dai-hoi"
    assert result.answer.count("đẩy mạnh đổi mới sáng tạo") == 1, "a clause of the quotation was quoted twice"


def test_a_word_the_corpus_has_only_under_other_accents_is_unknown(answerer) -> None:
    """ "tiêm chủng" folds to "tiem chung", as do "tiềm năng" and "chung": read with its accents, no passage uses it."""
    assert unknown_words(answerer.retriever, "Mục tiêu tiêm chủng cho trẻ em của thành phố là bao nhiêu?") == ["tiêm", "chủng"]
    assert unknown_words(answerer.retriever, "muc tieu tiem chung cho tre em") == []  # typed without accents: cannot tell
    # Folded, "tre em ... tiem chung" is mostly covered by passages on children's schooling; read with accents, the
    # topic is absent however much of the rest a passage repeats.
    assert answerer.ask("Mục tiêu tiêm chủng cho trẻ em của thành phố là bao nhiêu?").abstained
    assert answerer.ask("Bao nhiêu trẻ em được tiêm chủng?").abstained


def test_an_unknown_acronym_alone_does_not_refuse_a_well_covered_question(answerer) -> None:
    """Users write their own shorthand (QCKT, BCHQS): only an ordinary unknown word is decisive."""
    result = answerer.ask("BCHQS thành phố chủ trì cải tạo, nâng cấp căn cứ chiến đấu số 1 khi nào?")
    assert unknown_words(answerer.retriever, "BCHQS thành phố chủ trì cải tạo, nâng cấp căn cứ chiến đấu số 1 khi nào?") == ["BCHQS"]
    assert not result.abstained


def test_a_higher_authority_sentence_about_the_other_locality_does_not_lead(answerer) -> None:
    """The Đề án ranks above the political report, but its "9,8%/năm" is growth "trên địa bàn tỉnh" (Hải Dương):
    preferring authority must not cross the locality the question names."""
    result = answerer.ask("Giai đoạn 2021-2025, GRDP của Hải Phòng tăng bình quân bao nhiêu mỗi năm?")
    assert not result.abstained
    assert "11,39%" in result.answer
    assert "9,8%" not in result.answer, "Hải Dương's figure is not a differing figure for Hải Phòng"
    assert "2026 - 2030" not in result.answer, "the 2026-2030 target does not answer 2021-2025"


def test_the_cited_source_document_answers(answerer) -> None:
    """ "theo Kế hoạch của Ban Thường vụ": the plan's own target answers, though a Đề án sentence on Hải Dương's
    productivity repeats more of the question's words."""
    result = answerer.ask("Theo Kế hoạch của Ban Thường vụ Thành ủy, năng suất lao động xã hội tăng bình quân bao nhiêu?")
    assert not result.abstained
    assert result.citations[0].doc_id == "ke-hoach-nq30"
    assert "8,9 - 10,7%" in result.answer


def test_items_sharing_a_passage_are_listed_each(answerer) -> None:
    """Breakthrough (2) is short and shares a passage with (1): it is listed all the same, in its place."""
    result = answerer.ask("Các đột phá chiến lược của nhiệm kỳ là gì?")
    lines = [line for line in result.answer.splitlines() if line.startswith("- (")]
    assert [line[:5] for line in lines] == ["- (1)", "- (2)", "- (3)", "- (4)", "- (5)"]
    assert all(c.quote in answerer.retriever.index.by_id[c.chunk_id].text for c in result.citations)


@pytest.mark.parametrize(
    ("question", "item"),
    [
        ("Đột phá chiến lược thứ hai là gì?", "(2) Triển khai hiệu quả Nghị quyết số 226/2025/QH15"),
        ("dot pha chien luoc thu 3 la gi", "(3) Hoàn thiện hệ thống quy hoạch"),
        ("Đột phá chiến lược đầu tiên là gì?", "(1) Thực hiện chuyển đổi số toàn diện"),
    ],
)
def test_an_ordinal_picks_that_item_of_the_list(answerer, question: str, item: str) -> None:
    result = answerer.ask(question)
    assert "5 mục" in result.answer and item in result.answer
    assert len(result.citations) == 1


@pytest.mark.parametrize(
    ("question", "expected"),
    [("đột phá thứ tư", 4), ("cac dot pha theo thu tu", None), ("Các đột phá theo thứ tự là gì?", None), ("thu 3", 3)],
)
def test_ordinal_reads_thu_tu_as_order_unless_accented_as_four(question: str, expected: int | None) -> None:
    assert _ordinal(question) == expected


@pytest.mark.parametrize(
    "question",
    ["Bí thư Thành ủy Hải Phòng hiện nay là ai?", "Ai đang giữ chức Giám đốc Sở Tài chính?", "Chủ tịch UBND thành phố là ai?"],
)
def test_who_holds_an_office_is_no_question_the_documents_answer(answerer, question: str) -> None:
    """The documents name offices ("Chủ tịch UBND thành phố tặng Bằng khen"), not who holds them today."""
    assert answerer.ask(question).abstained


@pytest.mark.parametrize(
    ("question", "sentence", "holds"),
    [
        ("Bí thư Thành ủy là ai?", "Đồng chí Tô Lâm, Tổng Bí thư (để b/c)", False),
        ("Bí thư Thành ủy là ai?", "được sự đồng ý của Bộ Chính trị và Ban Bí thư Trung ương Đảng", False),
        ("Chủ tịch UBND thành phố là ai?", "Dự án xây dựng Tượng đài Chủ tịch Hồ Chí Minh", False),
        ("Chủ tịch UBND thành phố là ai?", "đồng chí Nguyễn Văn Tùng, Chủ tịch Ủy ban nhân dân thành phố", True),
        ("Ai là Tổng Bí thư?", "đồng chí Tổng Bí thư Tô Lâm nêu rõ", True),
    ],
)
def test_a_person_answers_only_in_the_office_asked(question: str, sentence: str, holds: bool) -> None:
    assert _names_office_holder(question, sentence) is holds


def test_who_question_is_answered_by_the_sentence_that_names_the_person(answerer) -> None:
    result = answerer.ask("Ai là Tổng Bí thư đã chỉ đạo Hải Phòng xây dựng mô hình chủ nghĩa xã hội?")
    assert not result.abstained
    assert "Tổng Bí thư Tô Lâm" in result.answer


def test_who_leads_a_task_is_not_a_question_about_a_person(answerer) -> None:
    result = answerer.ask("Ai chủ trì lập quy hoạch không gian ngầm thành phố?")
    assert not result.abstained and "Sở Xây dựng" in result.answer


def test_a_list_whose_items_are_passages_is_answered_item_by_item(answerer) -> None:
    """The three directions are three passages under "PHỤ LỤC 2. Phát triển không gian đô thị theo 03 hướng đột phá";
    the summary sentence "theo 03 hướng đột phá (chi tiết tại Phụ lục 2)" names none of them."""
    result = answerer.ask("Các hướng đột phá phát triển không gian đô thị nhiệm kỳ 2020-2025 gồm những gì?")
    assert not result.abstained
    for direction in ("Hướng Bắc Sông Cấm", "Hướng Cát Hải, Cát Bà", "Hướng Đồ Sơn và ven sông Lạch Tray"):
        assert direction in result.answer
    assert [c.n for c in result.citations] == [1, 2, 3]
    assert len({c.chunk_id for c in result.citations}) == 3


@pytest.mark.parametrize(
    "question",
    [
        "Cho tôi biết mục tiêu tăng trưởng GRDP giai đoạn 2026-2030?",
        "Xin hỏi tỷ lệ đô thị hóa năm 2030 là bao nhiêu ạ?",
        "Bạn hãy tóm tắt nhiệm vụ phát triển kinh tế biển nhé",
    ],
)
def test_a_courteous_question_is_answered_not_refused(answerer, question: str) -> None:
    """ "tôi", "ạ", "tóm tắt" are in no passage; read as topic they made a plain question look out of the corpus."""
    result = answerer.ask(question)
    assert not result.abstained, result.answer
    assert result.citations


def test_a_title_is_not_quoted_as_the_answer(answerer) -> None:
    result = answerer.ask("Mục tiêu tăng trưởng kinh tế của thành phố giai đoạn 2026-2030?")
    assert "KỊCH BẢN TĂNG TRƯỞNG KINH TẾ" not in result.answer.partition("Nguồn")[0]


def test_another_localitys_target_is_no_answer_for_hai_phong(answerer) -> None:
    """Only Hải Dương's table gives an income target for 2030 ("140"): asked about Hải Phòng, the answer does not
    present it as Hải Phòng's."""
    result = answerer.ask("Thu nhập bình quân đầu người năm 2030 của Hải Phòng đạt bao nhiêu?")
    assert "140" not in result.answer


def test_a_year_and_a_figure_make_a_figure_question_without_bao_nhieu(answerer) -> None:
    """ "Kim ngạch xuất khẩu 2025?" is answered by the report's 2025 row, not by the 2030 target."""
    result = answerer.ask("Kim ngạch xuất khẩu 2025 của Hải Phòng?")
    assert "Thực hiện - Ước 2025: 37 tỷ USD" in result.answer
    assert "75" not in result.answer.partition("Nguồn")[0]


@pytest.mark.parametrize(
    "question",
    [
        "Số lượt khách du lịch nội địa năm 2030?",
        "so luot khach du lich quoc te nam 2030",
        "Tỷ lệ đô thị hóa vùng ven biển năm 2030?",
    ],
)
def test_a_narrower_target_than_the_passage_states_is_not_answered(answerer, question: str) -> None:
    """The documents give tourists and urbanisation as a whole; "nội địa", "quốc tế", "vùng ven biển" narrow the
    target to one they do not state."""
    assert answerer.ask(question).abstained


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("Khách du lịch đến Hải Phòng năm 2030 bao nhiêu?", "25 triệu lượt"),
        ("Tỷ lệ đô thị hóa toàn thành phố năm 2030 là bao nhiêu?", "55%"),
    ],
)
def test_words_that_do_not_narrow_a_target_leave_it_answered(answerer, question: str, figure: str) -> None:
    result = answerer.ask(question)
    assert not result.abstained and figure in result.answer


def test_a_follow_up_asking_only_who_supports_carries_the_last_question(answerer) -> None:
    """ "còn cơ quan nào phối hợp?" names no new subject: it asks more about the task of the last question."""
    history = [{"role": "user", "content": "Ai chủ trì lập quy hoạch không gian ngầm thành phố?"}]
    rewritten = answerer.rewrite("còn cơ quan nào phối hợp?", history)
    assert rewritten.startswith("Ai chủ trì lập quy hoạch không gian ngầm thành phố?") and rewritten.endswith("phối hợp?")
    assert answerer.rewrite("còn Sở Xây dựng thì sao?", history).startswith("Sở Xây dựng")


def test_which_document_framing_is_no_topic(answerer) -> None:
    wanted = answerer.retriever.wanted_tokens("Tỷ lệ đô thị hóa đạt bao nhiêu? con số đó ở văn kiện nào?")
    assert {"do_thi", "ty_le"} <= wanted
    assert not {"con_so", "so_do", "kien_nao"} & wanted


@pytest.mark.parametrize(
    "question", ["Học phí trường Đại học Hàng hải Việt Nam năm học 2026-2027 là bao nhiêu?", "Hải Phòng có mấy khu kinh tế?"]
)
def test_a_quantity_asked_of_a_passage_stating_no_figure_is_not_answered(answerer, question: str) -> None:
    """The Maritime University and the economic zones are in the documents; a figure for what is asked is not."""
    assert answerer.ask(question).abstained


@pytest.mark.parametrize(
    "question", ["Nhà máy nhiệt điện LNG Hải Phòng do ai chủ trì?", "nha may xu ly rac seraphin hai duong do ai chu tri"]
)
def test_nha_may_is_a_plant_not_a_question_word(answerer, question: str) -> None:
    result = answerer.ask(question)
    assert not result.abstained and "chủ trì" in result.answer


def test_how_many_items_a_list_has_is_answered_with_the_list(answerer) -> None:
    """ "Có bao nhiêu đột phá chiến lược?": no sentence states the count; the list under its heading does."""
    result = answerer.ask("Có bao nhiêu đột phá chiến lược?")
    assert not result.abstained
    assert "5 mục" in result.answer and len(result.citations) == 5


def test_words_typed_without_accents_in_an_accented_question_are_read_folded(answerer) -> None:
    """Users mix the two ("GRDP Hải Phòng chiem bao nhiêu % GDP ca nuoc"): "chiem" is "chiếm" folded, no unknown word."""
    assert unknown_words(answerer.retriever, "BCCT ns den 2030 GRDP HP chiem bn % GDP ca nuoc") == []
    result = answerer.ask("BCCT ns den 2030 GRDP HP chiem bn % GDP ca nuoc vay ad")
    assert not result.abstained and "6,6%" in result.answer


def test_an_abbreviation_counts_what_its_long_form_names(answerer) -> None:
    """ "bao nhiêu KCN" is answered by "13 khu công nghiệp đã đi vào hoạt động"."""
    result = answerer.ask("Hải Dương hiện có bao nhiêu KCN đã đi vào hoạt động?")
    assert not result.abstained and "13 khu công nghiệp" in result.answer


def test_a_list_asked_is_no_narrower_target(answerer) -> None:
    """ "những lĩnh vực nào … cần thanh tra" asks for the items a sentence lists, not for a target it narrows."""
    result = answerer.ask("Những lĩnh vực nào cần thanh tra vì dễ phát sinh tham nhũng?")
    assert not result.abstained and "quản lý đất đai" in result.answer


def test_a_sentence_about_the_locality_asked_leads(answerer) -> None:
    """The paragraph gives Hải Dương's FDI (3,85 tỷ USD) beside Hải Phòng's: asked for Hải Phòng, its figure leads."""
    result = answerer.ask("Hải Phòng thu hút được bao nhiêu vốn FDI trong giai đoạn 2021-2025?")
    assert not result.abstained and "20,2 tỷ USD" in result.answer
    assert "3,85" not in result.answer.split("[1]")[0]


def test_a_figure_only_the_other_locality_has_is_no_answer(answerer) -> None:
    """Only Hải Phòng's land recovery (58.213 tổ chức, cá nhân) is stated: Hải Dương's is not in the documents."""
    result = answerer.ask("Giai đoạn 2021-2024 tỉnh Hải Dương thu hồi đất của bao nhiêu tổ chức, cá nhân?")
    assert result.abstained and "58.213" not in result.answer


def test_a_clause_after_a_semicolon_is_about_the_label_that_opened_its_series() -> None:
    from assistant.routes.reading import clause_labels

    sentences = [
        "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI): Hải Phòng năm 2024 đạt 78,84 điểm;",
        "Hải Dương năm 2024 đạt 69,48 điểm.",
        "Hải Phòng: 475 trường đạt chuẩn;",
        "Hải Dương: 687 trường.",
    ]
    assert clause_labels(sentences) == ["", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "", ""]


def test_the_items_under_a_heading_the_question_names_are_listed_in_order(answerer) -> None:
    """ "II. Nguyên tắc" covers little of the question on its own; the headings above it cover the rest."""
    result = answerer.ask("Nêu các nguyên tắc xây dựng Chủ nghĩa xã hội gắn với con người Xã hội chủ nghĩa tại Hải Phòng.")
    assert result.route == "list" and not result.abstained
    numbers = [line.split(".")[0].lstrip("- ") for line in result.answer.splitlines()[1:]]
    assert numbers[:4] == ["1", "2", "3", "4"]


def test_a_section_divided_into_sections_is_answered_with_their_headings(answerer) -> None:
    """ "… chia nhiệm vụ, giải pháp thành những nhóm nào?": the groups are the sub-sections of "2. Phát triển kinh tế",
    in order, each cited, with the level below them."""
    result = answerer.ask("Về phát triển kinh tế, BCCT chia nhiệm vụ, giải pháp thành những nhóm nào vậy ad?")
    assert result.route == "list" and not result.abstained
    lines = result.answer.splitlines()
    assert "2. Phát triển kinh tế" in lines[0]
    groups = [line.split(" ", 2)[1] for line in lines[1:] if line.startswith("- ")]
    assert groups == ["2.1.", "2.2.", "2.3.", "2.4.", "2.5."]
    assert any(line.startswith("   - 2.1.3.") for line in lines)
    assert len(result.citations) == len(lines) - 1


def test_the_kind_of_item_asked_need_not_be_in_the_heading(answerer) -> None:
    """ "chia theo những lĩnh vực nào?" asks for the items of "2. Mục tiêu cụ thể", which never says "lĩnh vực" (what
    the route proposes; whether it is given is the gate's)."""
    _, result = answerer.propose("Mục tiêu cụ thể của đề án CNXH chia theo những lĩnh vực nào?")
    assert result.route == "list" and not result.abstained
    assert "Về kinh tế" in result.answer and "Về thể chế - chính quyền" in result.answer


def test_money_asked_by_what_it_is_is_stated_in_a_currency(answerer) -> None:
    """ "bao nhiêu tiền" is answered by "20 tỷ đồng/năm": the passage need not say "tiền"; a passage with no amount of
    money still does not state it."""
    from assistant.targets import counted_missing

    stated = answerer.retriever.search("Đề án Sân khấu truyền hình tốn bao nhiêu tiền mỗi năm?", k=1)[0].chunk
    assert "20 tỷ đồng" in stated.text
    assert not counted_missing("Đề án Sân khấu truyền hình tốn bao nhiêu tiền mỗi năm?", stated)
    unstated = next(c for c in answerer.retriever.index.chunks if "đồng" not in c.text and "USD" not in c.text and c.kind == "paragraph")
    assert counted_missing("Đề án này tốn bao nhiêu tiền?", unstated)


def test_bodies_asked_in_the_plural_are_the_section_that_assigns_them(answerer) -> None:
    """ "phân công … cho những cấp, cơ quan nào?" names no task: the answer is "IV. TỔ CHỨC THỰC HIỆN" body by body,
    not one task's lead; a task named keeps the registry's answer."""
    _, listed = answerer.propose("CTHĐ phân công tổ chức thực hiện cho những cấp, cơ quan nào vậy ad?")
    assert listed.route == "list" and "TỔ CHỨC THỰC HIỆN" in listed.answer.splitlines()[0]
    assert "Đảng ủy UBND thành phố" in listed.answer
    _, owned = answerer.propose("Nhiệm vụ xây dựng Đề án đào tạo, bồi dưỡng cán bộ giai đoạn 2026 - 2030 do những cơ quan nào phối hợp?")
    assert owned.route == "registry"


def test_a_named_document_and_heading_give_its_items_though_retrieval_missed_them(answerer) -> None:
    """ "NQ ĐH I nêu những quan điểm …": the resolution's "1. Quan điểm" holds its points as dash paragraphs, one per
    passage; they are listed in order, each cited, without the dash."""
    _, result = answerer.propose("NQ ĐH I nêu những quan điểm phát triển thành phố giai đoạn 2025-2030 là gì?")
    assert result.route == "list" and "1. Quan điểm" in result.answer.splitlines()[0]
    items = result.answer.splitlines()[1:]
    assert items[0].startswith("- Kiên định chủ nghĩa Mác - Lênin") and len(items) >= 4
    assert all(c.doc_id == "nghi-quyet-dai-hoi" for c in result.citations)


def test_the_dashed_paragraphs_under_a_sub_heading_asked_are_its_items(answerer) -> None:
    """ "… có những nguyên nhân chủ quan nào?": "2.2. Nguyên nhân chủ quan" holds "- …" paragraphs; they are the answer,
    not the outline of "2. Nguyên nhân của tồn tại, hạn chế" above it. No document is named."""
    _, result = answerer.propose("Tồn tại, hạn chế nhiệm kỳ 2020 - 2025 có những nguyên nhân chủ quan nào?")
    lines = result.answer.splitlines()
    assert result.route == "list" and "2.2. Nguyên nhân chủ quan" in lines[0]
    items = [line for line in lines[1:] if line.startswith("- ")]
    assert len(items) >= 3 and all(line.endswith("]") for line in items)
    assert "2.1. Nguyên nhân khách quan" not in result.answer


def test_a_list_answer_is_covered_without_the_pairs_its_framing_words_make(answerer) -> None:
    """ "chỉ tiêu về xây dựng Đảng": the pair "về xây" is rare, so it weighs most, yet says nothing of the topic; the
    list under "a) Các chỉ tiêu xây dựng Đảng" covers the question whole."""
    _, result = answerer.propose("NQ ĐH I đặt mấy chỉ tiêu về xây dựng Đảng, gồm những chỉ tiêu nào ạ?")
    assert result.route == "list" and "a) Các chỉ tiêu xây dựng Đảng" in result.answer.splitlines()[0]
    assert result.doubts["coverage"] == pytest.approx(1.0)


def test_items_numbered_with_their_section_are_listed_with_those_read_as_headings(answerer) -> None:
    """ "4.1. …" items are items ("3.1." is no sentence of its own), and an item long enough to have been read as a
    heading of its own (4.1, 4.3) keeps its place among the passages' items (4.2, 4.4)."""
    _, result = answerer.propose("Những mô hình hay về đảm bảo quốc phòng - an ninh, đối ngoại mà Đề án CNXH nêu là gì?")
    lines = result.answer.splitlines()
    assert result.route == "list" and "4. Đảm bảo quốc phòng - an ninh, đối ngoại" in lines[0]
    assert [line.split(" ", 2)[1] for line in lines[1:]] == ["4.1.", "4.2.", "4.3.", "4.4."]
    assert "Toàn dân bảo vệ an ninh Tổ quốc" in lines[1] and "đối ngoại đa dạng" in lines[3]


def test_a_list_of_another_length_than_the_question_states_is_not_the_one_asked(answerer) -> None:
    """ "phải bảo đảm 3 tiêu chí nào?": the six items of "3. Phát triển văn hóa - xã hội" are not the three criteria; the
    sentence that names them answers."""
    _, result = answerer.propose("Nhà ở xã hội của Hải Phòng phải bảo đảm 3 tiêu chí nào?")
    assert result.route != "list"
    assert "Giá cả tốt" in result.answer


def test_how_a_document_divides_a_part_is_found_by_its_headings(answerer) -> None:
    """ "… chia … thành những phần nào?" names a heading, not a passage retrieval brings back: the section divided into
    sections whose headings hold the question's words, of the period asked ("2025 - 2030": the plan's part, not the
    review of 2020 - 2025 that has the same words)."""
    _, result = answerer.propose("Báo cáo chính trị chia nội dung quốc phòng, an ninh, đối ngoại nhiệm kỳ 2025 - 2030 thành những phần nào?")
    lines = result.answer.splitlines()
    assert result.route == "list" and "4. Tăng cường quốc phòng, an ninh" in lines[0]
    assert [line.split(" ", 2)[1] for line in lines[1:]] == ["4.1.", "4.2."]
    assert all(c.doc_id == "bao-cao-chinh-tri" for c in result.citations)


def test_a_count_asked_is_not_read_from_a_sections_dashes(answerer) -> None:
    """ "bao nhiêu nội dung giám sát …?" counts what a sentence states ("từ 10 nội dung … trở lên"); the dashed
    paragraphs under the Mặt trận's heading are no list of them."""
    _, result = answerer.propose("Ủy ban MTTQ thành phố phải tổ chức bao nhiêu nội dung giám sát, phản biện xã hội mỗi năm?")
    assert result.route != "list" and "10 nội dung" in result.answer
