"""Questions the corpus itself yields, for teaching the answerability model: each with what a right answer must
contain, or none when the documents cannot answer it.

Positives come from the registry's targets, tasks and projects and from passages stating a figure, each in several
phrasings (written, accentless, informal). Hard negatives change one slot of a positive: another year or period,
another province, an indicator no passage states, a task the programme does not have. Everything is drawn with a
fixed seed, so the same corpus always yields the same questions.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from assistant.enumerations import enumerations
from assistant.figures import figure_list
from ingest.lexicon import lexicon
from ingest.normalize import fold

SEED = 20261204
# Invented indicators and topics: phrased like the corpus's, stated by none of its passages.
INVENTED_TOPICS = (
    "chỉ số hạnh phúc của người dân", "số vé xem bóng đá bán ra", "giá vé xe buýt nội thành", "lượng mưa trung bình",
    "số giải vô địch thể thao quốc tế", "số lượng tàu du lịch vũ trụ", "tỷ lệ người dân nuôi thú cưng",
    "giá vàng trung bình", "số quán cà phê trên địa bàn", "chiều cao trung bình của thanh niên",
    "số ca sĩ nổi tiếng", "sản lượng điện gió ngoài khơi của tỉnh Quảng Ninh", "số lượt xem phim chiếu rạp",
    "tỷ lệ học sinh đạt giải Olympic quốc tế", "số sân golf", "chỉ số ô nhiễm tiếng ồn", "lãi suất cho vay mua nhà",
    "số tuyến tàu điện ngầm đã vận hành", "giá đất trung bình", "mức lương tối thiểu vùng",
)
INVENTED_TASKS = (
    "xây dựng sân vận động 60.000 chỗ", "tổ chức giải đua xe công thức 1", "mở tuyến bay thẳng tới Nam Cực",
    "xây dựng công viên Disneyland", "thành lập câu lạc bộ bóng chày", "tổ chức lễ hội bia quốc tế",
    "xây dựng nhà máy điện hạt nhân", "phát triển giống lúa trên sao Hỏa", "xây dựng tháp truyền hình cao nhất châu Á",
    "tổ chức cuộc thi hoa hậu hoàn vũ",
)
EVERYDAY = (
    "Dự báo thời tiết Hải Phòng cuối tuần này thế nào?", "Giá xăng RON 95 hôm nay bao nhiêu?",
    "Đội bóng Hải Phòng xếp thứ mấy ở V-League?", "Vé xem phim ở Hải Phòng giá bao nhiêu?",
    "Kết quả xổ số miền Bắc hôm nay?", "Tuyến xe buýt số 2 ở Hải Phòng chạy qua đâu?",
    "Bệnh viện Việt Tiệp khám ngoài giờ đến mấy giờ?", "Học phí Đại học Hải Phòng năm nay bao nhiêu?",
    "Quán bánh đa cua nào ngon nhất Hải Phòng?", "Chủ tịch nước hiện nay bao nhiêu tuổi?",
    "thoi tiet hai phong mai co mua ko", "gia ve tau cao toc di cat ba bn vay ad",
    "Cầu Tân Vũ dài bao nhiêu mét?", "Lịch cắt điện Hải Phòng tuần tới?",
)
OTHER_PROVINCES = ("Quảng Ninh", "Thái Bình", "Đà Nẵng", "Nam Định", "Hưng Yên")


@dataclass(frozen=True)
class Example:
    question: str
    expected: str | None
    source: str
    history: tuple[dict, ...] | None = None

    @property
    def answerable(self) -> bool:
        return self.expected is not None


def _informal(question: str) -> str:
    """A written question as it is often typed: accentless, courtesy around it, "bao nhiêu" as "bn"."""
    text = fold(question).rstrip("?")
    text = re.sub(r"\bbao nhieu\b", "bn", text)
    text = re.sub(r"\bthanh pho\b", "TP", text)
    text = re.sub(r"\bco quan nao\b", "cq nao", text)
    return f"cho e hoi {text} vay a"


def _label(text: str) -> str:
    return re.sub(r"^[-–+•\s]+", "", text).strip().rstrip(":")


def _first_figure(value: str) -> str | None:
    found = figure_list(value)
    return found[0] if found else None


def _target_examples(targets, rng: random.Random) -> list[Example]:
    examples = []
    for target in targets:
        label, figure = _label(target.label), _first_figure(target.value)
        if not figure or len(label) < 6:
            continue
        when = f"đến năm {target.year}" if target.year else "giai đoạn 2026 - 2030"
        written = f"Chỉ tiêu {label[0].lower() + label[1:]} {when} là bao nhiêu?"
        examples += [Example(written, figure, "target"), Example(fold(written), figure, "target")]
        examples.append(Example(_informal(written), figure, "target"))
        other_year = rng.choice(("năm 2035", "giai đoạn 2031 - 2035", "năm 2040"))
        examples.append(Example(written.replace(when, other_year), None, "target-year"))
        examples.append(Example(written.replace(when, f"của tỉnh {rng.choice(OTHER_PROVINCES)} {when}"), None, "target-place"))
        examples.append(Example(written.replace(label[0].lower() + label[1:], rng.choice(INVENTED_TOPICS)), None, "target-topic"))
    return examples


def _neighbour_examples(positives: list[Example], chunks, rng: random.Random, limit: int = 80) -> list[Example]:
    """ "Tỷ lệ … tai nạn lao động …" where the documents state "tai nạn giao thông": a figure question asked with one
    word swapped for its neighbour (lexicon data), kept only where no passage writes the swapped phrase; the stated
    indicator's figure is no answer."""
    corpus = " ".join(fold(c.text).lower() for c in chunks)
    examples, asked = [], set()
    for positive in positives:
        for word, neighbour in lexicon().neighbours:
            found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", positive.question, re.IGNORECASE)
            if found is None:
                continue
            swapped = positive.question[: found.start()] + neighbour + positive.question[found.end() :]
            at = len(fold(positive.question[: found.start()]).split())
            phrase = " ".join(fold(swapped).lower().split()[max(0, at - 1) : at + len(neighbour.split()) + 1])
            if phrase not in corpus and swapped not in asked:
                asked.add(swapped)
                examples.append(Example(swapped, None, f"{positive.source}-neighbour"))
            break
    return rng.sample(examples, min(limit, len(examples)))


def _stated_targets(targets) -> list[tuple[str, str, str | None]]:
    """(indicator, its value as stated, year) of the registry's targets that state a figure."""
    stated = []
    for target in targets:
        label, figure = _label(target.label), _first_figure(target.value)
        if figure and 6 <= len(label) <= 90:
            value = " ".join(target.value.split())
            stated.append((label[0].lower() + label[1:], value if len(value) <= 40 else figure, target.year))
    return stated


def _pairs(stated, rng: random.Random, limit: int):
    """Targets drawn with another target of the same year beside each ("" when there is none)."""
    for label, value, year in rng.sample(stated, min(limit, len(stated))):
        other, other_value, _ = rng.choice([s for s in stated if s[0] != label and s[2] == year] or [("", "", "")])
        yield label, value, f"đến năm {year}" if year else "giai đoạn 2026 - 2030", other, other_value


def _contrast_examples(targets, rng: random.Random, limit: int = 60) -> list[Example]:
    """ "Chỉ tiêu A đến năm 2030 là 25 triệu lượt, còn B thì bao nhiêu?": a fact stated, another target asked; a right
    answer gives B's figure. Asked for an indicator no passage states, the fact's own sentence is no answer."""
    examples = []
    for label, value, when, other, other_value in _pairs(_stated_targets(targets), rng, limit):
        fact = f"Chỉ tiêu {label} {when} là {value}"
        if other:
            examples.append(Example(f"{fact}, còn {other} thì bao nhiêu?", _first_figure(other_value), "contrast"))
        examples.append(Example(f"{fact}, còn {rng.choice(INVENTED_TOPICS)} thì bao nhiêu?", None, "contrast-topic"))
    return examples


def _task_examples(tasks, rng: random.Random, limit: int = 90) -> list[Example]:
    examples = []
    chosen = rng.sample(tasks, min(limit, len(tasks)))
    for task in chosen:
        if not task.lead_text or len(task.text) < 20:
            continue
        text = task.text.strip().rstrip(".;")
        text = text if len(text) <= 140 else text[:140].rsplit(" ", 1)[0]
        lead = task.lead_text.split(";")[0].split(",")[0].strip()
        written = f"Cơ quan nào chủ trì {text[0].lower() + text[1:]}?"
        examples += [Example(written, lead, "task"), Example(_informal(written), lead, "task")]
        if task.deadline and task.deadline.text:
            examples.append(Example(f"Thời hạn hoàn thành {text[0].lower() + text[1:]} là khi nào?", task.deadline.text, "task-deadline"))
        examples.append(Example(f"Cơ quan nào chủ trì {rng.choice(INVENTED_TASKS)}?", None, "task-invented"))
    return examples


def _project_examples(projects, rng: random.Random, limit: int = 40) -> list[Example]:
    examples = []
    for project in rng.sample(projects, min(limit, len(projects))):
        if project.lead_text and len(project.name) >= 12:
            name = project.name if len(project.name) <= 140 else project.name[:140].rsplit(" ", 1)[0]
            examples.append(Example(f"Ai chủ trì {name}?", project.lead_text.split(";")[0].strip(), "project"))
    return examples


_FIGURE_SENTENCE = re.compile(
    r"^(?P<prefix>[A-ZĐÀ-Ỹa-zđà-ỹ][^.;:]{20,120}?)\s(?:đạt|là|khoảng|trên|dưới|tăng)\s+(?:bình quân\s+|dưới\s+|trên\s+)?"
    r"(?P<figure>\d[\d.,]*\s*(?:%|tỷ|triệu|nghìn))"
)
_YEAR_IN = re.compile(r"(?:năm\s+)?(?:19|20)\d{2}")


def _passage_examples(chunks, rng: random.Random, limit: int = 160) -> list[Example]:
    examples = []
    paragraphs = [c for c in chunks if c.kind == "paragraph"]
    rng.shuffle(paragraphs)
    for chunk in paragraphs:
        if len(examples) >= limit * 3:
            break
        for sentence in re.split(r"(?<=[.;])\s+", chunk.text):
            match = _FIGURE_SENTENCE.match(sentence.strip().lstrip("-+• "))
            if match is None:
                continue
            prefix = match.group("prefix").strip(" ,")
            figure = _first_figure(match.group("figure"))
            if not figure or len(prefix.split()) < 4:
                continue
            written = f"{prefix} đạt bao nhiêu?"
            examples.append(Example(written, figure, "passage"))
            examples.append(Example(fold(written), figure, "passage"))
            other_year = f"năm {rng.choice(('2035', '2040', '2045'))}"
            changed = _YEAR_IN.sub(other_year, prefix, count=1) if _YEAR_IN.search(prefix) else f"{prefix} {other_year}"
            examples.append(Example(f"{changed} đạt bao nhiêu?", None, "passage-year"))
            if len(examples) >= limit * 3:
                break
    return examples


# The words that end a list's announcement and would not end a question: "… gồm", "… như".
_ANNOUNCING_TAIL = ("gồm có", "bao gồm", "gồm", "là", "như", "sau đây")


def _topic(intro: str) -> str:
    """What a list's announcement is about: "6 nhóm tiêu chí “Xã, phường hạnh phúc” gồm" → without its "gồm"."""
    topic = re.sub(r"^\(?\d{1,2}[.)]\s*", "", intro).strip(" ,:")
    for tail in _ANNOUNCING_TAIL:
        if topic.lower().endswith(" " + tail):
            return topic[: -len(tail)].strip(" ,:")
    return topic


def _list_examples(chunks, rng: random.Random, limit: int = 60) -> list[Example]:
    """ "Nêu các nhóm tiêu chí “Xã, phường hạnh phúc”": a list a passage announces, asked for; a right answer holds
    its items. The same request for a topic no passage lists is the negative."""
    announced = []
    for chunk in chunks:
        if chunk.kind != "paragraph":
            continue
        for enumeration in enumerations(chunk.text):
            topic = _label(_topic(enumeration.intro))
            if 4 <= len(topic.split()) <= 20 and len(enumeration.items) >= 3:
                announced.append((topic, " ".join(enumeration.items[1].split()[:5])))
    examples = []
    for topic, item in rng.sample(announced, min(limit, len(announced))):
        written = f"{topic} gồm những gì?"
        examples += [Example(written, item, "list"), Example(_informal(f"{topic} gồm những gì"), item, "list")]
    for topic in rng.sample(INVENTED_TOPICS, min(limit // 6, len(INVENTED_TOPICS))):
        examples.append(Example(f"Nêu các tiêu chí về {topic} gồm những gì?", None, "list-invented"))
    return examples


def _agency_examples(registry, rng: random.Random, limit: int = 30) -> list[Example]:
    """ "Sở Xây dựng chủ trì những nhiệm vụ nào?": what an agency owns; a right answer names the agency."""
    agencies = sorted((a for a in registry.agencies() if a.kind == "agency" and a.tasks_led >= 2), key=lambda a: a.id)
    examples = []
    for agency in rng.sample(agencies, min(limit, len(agencies))):
        written = f"{agency.name} chủ trì những nhiệm vụ nào?"
        examples += [Example(written, agency.name, "agency"), Example(_informal(written), agency.name, "agency")]
    return examples


def generate(registry, chunks) -> list[Example]:
    """The corpus's own questions, positives and their hard negatives, in a fixed order."""
    rng = random.Random(SEED)
    examples = _target_examples(registry.targets(), rng)
    examples += _contrast_examples(registry.targets(), rng)
    examples += _task_examples(registry.tasks(limit=1_000_000), rng)
    examples += _project_examples(registry.projects(), rng)
    examples += _agency_examples(registry, rng)
    examples += _passage_examples(chunks, rng)
    figure_questions = [e for e in examples if e.source in ("target", "passage") and e.question != fold(e.question)]
    examples += _neighbour_examples(figure_questions, chunks, rng)
    examples += _list_examples(chunks, rng)
    examples += [Example(q, None, "everyday") for q in EVERYDAY]
    return examples


def from_eval(questions: list[dict]) -> list[Example]:
    """Hand-written questions of a split as examples: unanswerable ones expect nothing."""
    return [
        Example(q["question"], None if q.get("abstain") else q["answer"], f"eval-{q.get('category', '')}",
                tuple(q["history"]) if q.get("history") else None)
        for q in questions
    ]
