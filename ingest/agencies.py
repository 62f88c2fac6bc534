"""Agency names as written in the tables and prose -> canonical entities.

The documents spell one body many ways: tone placement ("Thành uỷ"/"Thành ủy"), commas ("Sở Văn hoá Thể thao
và Du lịch"), abbreviations ("UBND", "BQL Khu kinh tế", "Sở KH&CN"), titles ("Đ/c Giám đốc Sở Tài chính"), a trailing
"thành phố"/"Hải Phòng", and cells that list several bodies ("- Sở Tài chính; - Thống kê thành phố.",
"Ban Tổ chức Thành uỷ Sở Nội vụ"). `agency_key` folds all of that into one comparison key; `split_agencies` cuts a
cell into single names, keeping collective bodies ("Các sở, ngành, UBND cấp xã") whole.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.normalize import ABBREVIATIONS, fold, normalize

# Curated canonical names with the irregular spellings the generic key cannot bring together.
CANONICAL_AGENCIES: dict[str, list[str]] = {
    "Ủy ban nhân dân thành phố": ["UBND thành phố", "UBND TP", "Ủy ban nhân dân thành phố Hải Phòng"],
    "Hội đồng nhân dân thành phố": ["HĐND thành phố", "HĐND TP"],
    "Ủy ban nhân dân cấp xã": ["UBND cấp xã"],
    "Sở Văn hóa, Thể thao và Du lịch": ["Sở VHTTDL", "Sở Văn hoá Thể thao và Du lịch"],
    "Sở Khoa học và Công nghệ": ["Sở KH&CN", "Sở KHCN", "Sở Khoa học công nghệ"],
    "Ban Quản lý Khu kinh tế Hải Phòng": ["Ban Quản lý Khu kinh tế", "BQL Khu kinh tế", "BQL KKT"],
    "Ban Quản lý dự án đầu tư xây dựng theo phân công của UBND thành phố": [
        "BQLDA ĐTXD",
        "BQLDA ĐTXD theo phân công của UBND thành phố",
    ],
    "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố": [
        "UBMTTQ Việt Nam thành phố",
        "Ủy ban MTTQ Việt Nam thành phố",
        "UBMTTQ thành phố",
    ],
    "Công an thành phố": ["Công an TP"],
    "Bộ Chỉ huy Quân sự thành phố": ["Bộ CHQS thành phố", "BCHQS thành phố", "BCHQS TP", "BCHQS"],
    "Đảng ủy Quân sự thành phố": ["Đảng ủy Quân sự TP", "Đảng ủy Ban Chỉ huy Quân sự thành phố", "Đảng ủy Bộ Chỉ huy Quân sự thành phố"],
    "Tòa án nhân dân thành phố": ["Tòa án nhân dân TP", "Tòa án", "Tòa án thành phố"],
    "Viện Kiểm sát nhân dân thành phố": ["Viện Kiểm sát nhân dân TP", "Viện Kiểm sát", "Viện Kiểm sát thành phố"],
    "Ban Thường vụ Thành ủy": ["BTV Thành ủy", "BTVTU"],
    "Thành ủy": ["Thành ủy Hải Phòng", "Thành uỷ"],
    "Sở Tài chính": [],
    "Sở Nội vụ": [],
    "Sở Xây dựng": [],
    "Thống kê thành phố": [],
}

_LABEL_PREFIX = re.compile(r"^\s*(?:Cơ quan|Đơn vị)\s+(?:chủ trì|phối hợp)\s*:\s*", re.IGNORECASE)
_COMRADE = re.compile(r"^\s*(?:Đ/c|Đồng chí)\s+", re.IGNORECASE)
_HEAD_WORDS = (
    r"Sở|Ban|Ủy ban|UBND|UBMTTQ|HĐND|Hội đồng|Công an|Bộ|Thống kê|Thuế|Bảo hiểm|BQL|BQLDA|Trường|Chi cục|Cục|"
    r"Văn phòng|Đảng ủy|Thành đoàn|Thành ủy|Hội|Liên đoàn|Mặt trận|Tòa án|Viện|Thanh tra|Kho bạc|Ngân hàng|"
    r"Công ty|Chủ đầu tư|Đài|Báo|Trung tâm"
)
_TITLE = re.compile(
    r"^(?:Phó\s+)?(?:Giám đốc|Trưởng|Chủ tịch|Bí thư|Chánh|Thủ trưởng|Người đứng đầu)\s+(?=(?:" + _HEAD_WORDS + r")\b)"
)
_HEAD = r"(?:(?:" + _HEAD_WORDS + r"|[Ss]ở|ủy ban)(?=[\s,.;]|$))"
_BULLET = re.compile(r"(?:^|(?<=[\s,.;]))[-–•+]\s+")
_SENTENCE_SPLIT = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ])")
_LIST_SPLIT = re.compile(r"(?:,\s*|\s+và\s+)(?=" + _HEAD + r"|[Cc]ác\s)")
_RUN_ON_SPLIT = re.compile(r"(?:(?<=Thành ủy)|(?<=thành phố)|(?<=Hải Phòng))\s+(?=" + _HEAD + r")")
_SO_LIST = re.compile(r"^[Cc]ác sở\s*:\s*(.+)$")
_COLLECTIVE = re.compile(r"^(?:các|cac)\s|^sở,|cấp xã|các xã|các phường|các cấp", re.IGNORECASE)
_RESTART = re.compile(r",\s+(?=Các\s)")
_TRAILING_PLACE = ("thanh pho hai phong", "hai phong", "thanh pho", "viet nam", "vn")


def _any_case(folded_key: str) -> bool:
    """Abbreviations matched in any case: long ones and those no Vietnamese word spells ("ubnd", "tp")."""
    return len(folded_key) >= 4 or not re.search(r"[aeiouy]", folded_key)


def _abbreviation_patterns() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]]:
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for key, long_form in ABBREVIATIONS.items():
        for spelling in {key, key.replace("Đ", "D")}:
            exact[spelling] = long_form
            folded = fold(spelling)
            if _any_case(re.sub(r"[^a-z]", "", folded)):
                loose[folded] = fold(long_form)

    def pattern(keys):
        alternatives = "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))
        return re.compile(r"(?<![^\W_])(?:" + alternatives + r")(?![^\W_])")

    return pattern(exact), exact, pattern(loose), loose


_EXACT_RE, _EXACT, _LOOSE_RE, _LOOSE = _abbreviation_patterns()


def strip_titles(name: str) -> str:
    """"Đ/c Giám đốc Sở Tài chính" -> "Sở Tài chính"; a cell's own label ("Cơ quan chủ trì: ...") goes too."""
    name = _LABEL_PREFIX.sub("", normalize(name))
    name = _COMRADE.sub("", name)
    return _TITLE.sub("", name).strip()


def agency_key(name: str) -> str:
    """Comparison key: no titles, abbreviations spelled out, accentless, no punctuation/"và"/trailing place name."""
    text = strip_titles(name)
    text = _EXACT_RE.sub(lambda m: _EXACT[m.group()], text)
    text = fold(text)
    text = _LOOSE_RE.sub(lambda m: _LOOSE[m.group()], text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w != "va"]
    key = " ".join(words)
    for place in _TRAILING_PLACE:
        if key.endswith(" " + place):
            key = key[: -len(place) - 1]
    return key or " ".join(words)


def _tidy(part: str) -> str:
    part = part.strip().strip(".;,:").strip()
    return part[:1].upper() + part[1:] if part else ""


def split_agencies(cell: str) -> list[str]:
    """One cell -> single agency names in order; collective bodies ("Các sở, ban, ngành ...") stay whole."""
    text = _LABEL_PREFIX.sub("", normalize(cell).replace("\n", "; "))
    names: list[str] = []
    for chunk in re.split(r";", text):
        for bullet in _split_bullets(chunk):
            for sentence in _SENTENCE_SPLIT.split(bullet):
                for piece in _RESTART.split(sentence):
                    names.extend(_split_list(piece.strip()))
    seen: dict[str, str] = {}
    for name in (_tidy(n) for n in names):
        if name and fold(name) not in {"lien quan", "co lien quan"} and agency_key(name) not in seen:
            seen[agency_key(name)] = name
    return list(seen.values())


def _split_bullets(text: str) -> list[str]:
    """Cut at "- " list bullets, but not at the hyphen of "chính trị - xã hội" (a bullet starts a capital)."""
    pieces: list[str] = []
    start = 0
    for m in _BULLET.finditer(text):
        if m.end() < len(text) and text[m.end()].isupper():
            pieces.append(text[start : m.start()])
            start = m.end()
    pieces.append(text[start:])
    return [p for p in pieces if p.strip()]


def _split_list(text: str) -> list[str]:
    if not text:
        return []
    if m := _SO_LIST.match(text):
        return [f"Sở {item.strip()}" for item in re.split(r",\s*", m.group(1)) if item.strip(" .;")]
    if _COLLECTIVE.match(text):
        return [text]
    parts: list[str] = []
    rest = text
    while True:
        m = _LIST_SPLIT.search(rest) or _RUN_ON_SPLIT.search(rest)
        if not m:
            parts.append(rest)
            return [p for p in parts if p.strip()]
        parts.append(rest[: m.start()])
        rest = rest[m.end() :]
        if _COLLECTIVE.match(rest):
            parts.append(rest)
            return [p for p in parts if p.strip()]


@dataclass
class Agency:
    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    curated: bool = False


def _agency_id(key: str) -> str:
    return re.sub(r"\s+", "-", key)[:80]


class AgencyIndex:
    """Canonical agencies: the curated list plus every name met while building the registry."""

    def __init__(self) -> None:
        self._by_key: dict[str, Agency] = {}
        self._surface: dict[str, Counter[str]] = {}
        for name, aliases in CANONICAL_AGENCIES.items():
            agency = self._create(name, curated=True)
            for alias in aliases:
                self._by_key.setdefault(agency_key(alias), agency)
                self._add_alias(agency, alias)

    def _create(self, name: str, curated: bool = False) -> Agency:
        key = agency_key(name)
        kind = "collective" if _COLLECTIVE.search(normalize(name)) else "agency"
        agency = Agency(id=_agency_id(key), name=_tidy(normalize(name)), kind=kind, curated=curated)
        self._by_key[key] = agency
        self._surface[agency.id] = Counter()
        self._add_alias(agency, name)
        return agency

    def _add_alias(self, agency: Agency, alias: str) -> None:
        alias = _tidy(normalize(alias))
        if alias and alias not in agency.aliases:
            agency.aliases.append(alias)

    def add(self, name: str) -> Agency:
        """The entity for one single name (use split_agencies first), creating it if unseen."""
        key = agency_key(name)
        if not key:
            raise ValueError(f"agency name {name!r} has no letters")
        agency = self._by_key.get(key) or self._create(name)
        self._add_alias(agency, name)
        self._surface[agency.id][_tidy(normalize(name))] += 1
        return agency

    def resolve(self, name: str) -> Agency | None:
        """Exact key match first; else the one agency whose key starts with the query key (a prefix typed)."""
        key = agency_key(name)
        if not key:
            return None
        if key in self._by_key:
            return self._by_key[key]
        candidates = {a.id: a for k, a in self._by_key.items() if k.startswith(key + " ") or k == key}
        return next(iter(candidates.values())) if len(candidates) == 1 else None

    def all(self) -> list[Agency]:
        agencies = {a.id: a for a in self._by_key.values()}
        for agency in agencies.values():
            counts = self._surface.get(agency.id)
            if counts and not agency.curated:
                agency.name = counts.most_common(1)[0][0]
        return sorted(agencies.values(), key=lambda a: a.name)

    def keys_of(self, agency: Agency) -> list[str]:
        return sorted(k for k, a in self._by_key.items() if a.id == agency.id)
