"""The "who owns what" registry: tasks, targets and projects from the appendix tables, with canonical agencies.

Built once at ingest time into SQLite (<data_dir>/registry.sqlite, written to a temp file and renamed so readers
never see half a registry) and queried by the assistant to answer "cơ quan nào chủ trì ...?", "Sở X phải làm gì?",
"việc gì đến hạn trước 2027?" from the table cells themselves rather than from retrieved prose.

Which table a row belongs to is decided by its header (a task table has "Nhiệm vụ cụ thể", a target table
"Tên chỉ tiêu", a project table "Tên Dự án"), not by the heading above it, so heading-detection slips cannot
drop a table. A sub-row without its own lead cell (a vertically merged cell in the PDF) inherits the parent's
lead and is flagged `lead_inherited`.

Duties assigned in prose (ingest.responsibilities: "Tổ chức thực hiện", "Phân công nhiệm vụ", "Chủ thể thực hiện")
are stored as tasks too, with `source` "prose" (table rows have "appendix"), so "Văn phòng Thành ủy phải làm gì?"
sees both.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.agencies import Agency, AgencyIndex, agency_key, split_agencies
from ingest.document import ParsedDocument, TableRow
from ingest.normalize import fold, folded_tokens, normalize
from ingest.responsibilities import Responsibility, extract_responsibilities

TASK_COLUMN = "Nhiệm vụ cụ thể"
TARGET_COLUMN = "Tên chỉ tiêu"
PROJECT_COLUMN = "Tên Dự án"
APPENDIX_OF = {TARGET_COLUMN: "Phụ lục 1", TASK_COLUMN: "Phụ lục 2", PROJECT_COLUMN: "Phụ lục 3"}
_ID_PREFIX = {TARGET_COLUMN: "pl1", TASK_COLUMN: "pl2", PROJECT_COLUMN: "pl3"}
_DOC_PREFIX = {"chuong-trinh-hanh-dong": "cthd"}
SOURCES = ("appendix", "prose")
_ROMAN_QUARTER = {"I": 1, "II": 2, "III": 3, "IV": 4}
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_QUARTER = re.compile(r"quý\s+((?:[IV]{1,3}\s*,\s*)*[IV]{1,3})(?:\s*(?:/|năm|\s)\s*(20\d\d))?", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*(?:/|năm)\s*(20\d\d)", re.IGNORECASE)


class UnknownAgencyError(ValueError):
    """A query named an agency the registry does not know."""


@dataclass
class Deadline:
    """A deadline cell as written plus what can be read from it; `due` is the last day it allows."""

    text: str
    year_from: int | None = None
    year_to: int | None = None
    quarter: int | None = None
    month: int | None = None
    recurring: bool = False
    yearly: bool = False
    done: bool = False
    due: str | None = None


def parse_deadline(text: str) -> Deadline:
    """"Quý II/2026" -> year 2026, quarter 2, due 2026-06-30; "Thực hiện thường xuyên; hằng năm" -> flags only."""
    text = normalize(text)
    folded = fold(text)
    years = [int(y) for y in _YEAR.findall(text)]
    deadline = Deadline(
        text=text,
        year_from=min(years) if years else None,
        year_to=max(years) if years else None,
        recurring="thuong xuyen" in folded,
        yearly="hang nam" in folded,
        done="da hoan thanh" in folded,
    )
    quarters = [(_ROMAN_QUARTER[re.split(r"\s*,\s*", q.upper())[-1]], int(y) if y else None) for q, y in _QUARTER.findall(text)]
    months = [(int(m), int(y)) for m, y in _MONTH.findall(text) if 1 <= int(m) <= 12]
    if deadline.year_to is not None:
        at_end = [q for q, y in quarters if y == deadline.year_to]
        deadline.quarter = at_end[-1] if at_end else None
        month_end = [m for m, y in months if y == deadline.year_to]
        deadline.month = month_end[-1] if month_end else None
        year = deadline.year_to
        if deadline.month:
            deadline.due = dt.date(year, deadline.month, calendar.monthrange(year, deadline.month)[1]).isoformat()
        elif deadline.quarter:
            last_month = deadline.quarter * 3
            deadline.due = dt.date(year, last_month, calendar.monthrange(year, last_month)[1]).isoformat()
        else:
            deadline.due = dt.date(year, 12, 31).isoformat()
    elif quarters:
        deadline.quarter = quarters[-1][0]
    return deadline


@dataclass
class Task:
    id: str
    doc_id: str
    appendix: str
    number: str
    text: str
    lead: list[str]
    support: list[str]
    deadline: Deadline
    output: str
    note: str
    group: str
    line_start: int
    line_end: int
    lead_text: str = ""
    support_text: str = ""
    lead_inherited: bool = False
    lead_ids: list[str] = field(default_factory=list)
    support_ids: list[str] = field(default_factory=list)
    source: str = "appendix"
    quote: str = ""


@dataclass
class Target:
    id: str
    doc_id: str
    appendix: str
    number: str
    label: str
    unit: str
    value: str
    values: dict[str, str]
    year: int | None
    lead: list[str]
    note: str
    group: str
    line_start: int
    line_end: int
    lead_text: str = ""
    lead_inherited: bool = False
    lead_ids: list[str] = field(default_factory=list)


@dataclass
class Project:
    id: str
    doc_id: str
    appendix: str
    number: str
    name: str
    funding: str
    lead: list[str]
    group: str
    line_start: int
    line_end: int
    lead_text: str = ""
    lead_ids: list[str] = field(default_factory=list)


@dataclass
class AgencySummary:
    id: str
    name: str
    kind: str
    aliases: list[str]
    tasks_led: int
    tasks_supported: int


@dataclass
class Records:
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    duties: list[Task] = field(default_factory=list)
    agencies: AgencyIndex = field(default_factory=AgencyIndex)


def _table_kind(row: TableRow) -> str | None:
    for column in (TASK_COLUMN, TARGET_COLUMN, PROJECT_COLUMN):
        if column in row.cells:
            return column
    return None


def _cell(row: TableRow, *names: str) -> str:
    for name in names:
        if name in row.cells:
            return row.cells[name]
    for key, value in row.cells.items():
        if any(key.endswith(name) for name in names):
            return value
    return ""


def _group_path(row: TableRow) -> str:
    """Group headings, then (for a sub-row) the parent row it belongs to: "II- ... > 2.2. ... > (6) ..."."""
    return " > ".join(row.groups)


def _parent_number(row: TableRow) -> str | None:
    if re.fullmatch(r"\d+\.\d+", row.number):
        return row.number.split(".")[0]
    if "." in row.number.rstrip("."):
        return row.number.rstrip(".").rsplit(".", 1)[0]
    return None


def _agencies(index: AgencyIndex, text: str) -> tuple[list[str], list[str]]:
    names, ids = [], []
    for name in split_agencies(text):
        agency = index.add(name)
        if agency.id not in ids:
            names.append(agency.name)
            ids.append(agency.id)
    return names, ids


def records_from_rows(doc_id: str, rows: Iterable[TableRow], records: Records | None = None) -> Records:
    """Tasks, targets and projects from one document's table rows (rows of other tables are ignored)."""
    records = records or Records()
    prefix = _DOC_PREFIX.get(doc_id, doc_id)
    counters: dict[str, int] = {}
    last_lead: dict[tuple[str, str], str] = {}
    for row in rows:
        kind = _table_kind(row)
        if kind is None:
            continue
        counters[kind] = counters.get(kind, 0) + 1
        record_id = f"{prefix}-{_ID_PREFIX[kind]}-{counters[kind]:03d}"
        lead_text = _cell(row, "Cơ quan chủ trì", "Đơn vị chủ trì")
        parent = _parent_number(row)
        inherited = False
        if lead_text:
            last_lead[(kind, row.number)] = lead_text
        elif parent is not None:
            candidates = [last_lead.get((kind, parent)), last_lead.get((kind, parent + "."))]
            inherited_text = next((c for c in candidates if c), "")
            if inherited_text:
                lead_text, inherited = inherited_text, True
        lead, lead_ids = _agencies(records.agencies, lead_text) if lead_text else ([], [])
        common = dict(doc_id=doc_id, appendix=APPENDIX_OF[kind], number=row.number, line_start=row.line_start, line_end=row.line_end)
        if kind == TASK_COLUMN:
            support_text = _cell(row, "Cơ quan phối hợp")
            support, support_ids = _agencies(records.agencies, support_text) if support_text else ([], [])
            records.tasks.append(
                Task(
                    id=record_id,
                    text=row.cells[TASK_COLUMN],
                    lead=lead,
                    support=support,
                    deadline=parse_deadline(_cell(row, "Thời gian thực hiện/hoàn thành", "Thời gian thực hiện")),
                    output=_cell(row, "Kết quả/Sản phẩm"),
                    note=_cell(row, "Ghi chú"),
                    group=_group_path(row),
                    lead_text=lead_text,
                    support_text=support_text,
                    lead_inherited=inherited,
                    lead_ids=lead_ids,
                    support_ids=support_ids,
                    **common,
                )
            )
        elif kind == TARGET_COLUMN:
            values = {
                k: v for k, v in row.cells.items() if k not in {TARGET_COLUMN, "Đơn vị tính", "Ghi chú"} and "chủ trì" not in k
            }
            final_key = next((k for k in values if k.endswith("2030")), None)
            years = re.findall(r"20\d\d", final_key or "")
            records.targets.append(
                Target(
                    id=record_id,
                    label=row.cells[TARGET_COLUMN],
                    unit=_cell(row, "Đơn vị tính"),
                    value=values[final_key] if final_key else next(iter(values.values()), ""),
                    values=values,
                    year=int(years[-1]) if final_key else None,
                    lead=lead,
                    note=_cell(row, "Ghi chú"),
                    group=_group_path(row),
                    lead_text=lead_text,
                    lead_inherited=inherited,
                    lead_ids=lead_ids,
                    **common,
                )
            )
        else:
            records.projects.append(
                Project(
                    id=record_id,
                    name=row.cells[PROJECT_COLUMN],
                    funding=_cell(row, "Nguồn vốn"),
                    lead=lead,
                    group=_group_path(row),
                    lead_text=lead_text,
                    lead_ids=lead_ids,
                    **common,
                )
            )
    return records


def records_from_prose(doc_id: str, duties: Iterable[Responsibility], records: Records | None = None) -> Records:
    """Prose duties as tasks with source "prose": the body as written is the lead cell, no deadline is read."""
    records = records or Records()
    prefix = _DOC_PREFIX.get(doc_id, doc_id)
    for n, duty in enumerate(duties, 1):
        lead, lead_ids = _agencies(records.agencies, duty.body_text)
        support, support_ids = _agencies(records.agencies, duty.support_text) if duty.support_text else ([], [])
        records.duties.append(
            Task(
                id=f"{prefix}-prose-{n:03d}",
                doc_id=doc_id,
                appendix="",
                number=duty.number,
                text=duty.text,
                lead=lead,
                support=support,
                deadline=Deadline(text=""),
                output="",
                note="",
                group=" > ".join(duty.section),
                line_start=duty.line_start,
                line_end=duty.line_end,
                lead_text=duty.body_text,
                support_text=duty.support_text,
                lead_ids=lead_ids,
                support_ids=support_ids,
                source="prose",
                quote=duty.quote,
            )
        )
    return records


def collect_records(documents: Iterable[ParsedDocument]) -> Records:
    records = Records()
    for document in documents:
        rows = [block.row for block in document.blocks if block.kind == "table_row" and block.row is not None]
        records_from_rows(document.info.doc_id, rows, records)
        records_from_prose(document.info.doc_id, extract_responsibilities(document), records)
    return records


_SCHEMA = """
CREATE TABLE agencies (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, aliases TEXT NOT NULL);
CREATE TABLE agency_keys (key TEXT PRIMARY KEY, agency_id TEXT NOT NULL REFERENCES agencies(id));
CREATE TABLE tasks (id TEXT PRIMARY KEY, doc_id TEXT, appendix TEXT, number TEXT, seq INTEGER, body TEXT NOT NULL,
    search TEXT NOT NULL, due TEXT, year_to INTEGER, record TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE task_agencies (task_id TEXT REFERENCES tasks(id), agency_id TEXT REFERENCES agencies(id), role TEXT);
CREATE TABLE targets (id TEXT PRIMARY KEY, doc_id TEXT, seq INTEGER, search TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE target_agencies (target_id TEXT REFERENCES targets(id), agency_id TEXT REFERENCES agencies(id));
CREATE TABLE projects (id TEXT PRIMARY KEY, doc_id TEXT, seq INTEGER, search TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE project_agencies (project_id TEXT REFERENCES projects(id), agency_id TEXT REFERENCES agencies(id));
CREATE INDEX task_agencies_by_agency ON task_agencies(agency_id, role);
"""


def _search_text(*parts: str) -> str:
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", fold(p)) for p in parts if p).strip() + " "


def write_registry(records: Records, path: Path) -> Path:
    """Write all records to `path` atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".registry-", suffix=".sqlite", dir=path.parent)
    os.close(handle)
    try:
        connection = sqlite3.connect(temp_name)
        with connection:
            connection.executescript(_SCHEMA)
            index = records.agencies
            for agency in index.all():
                connection.execute(
                    "INSERT INTO agencies VALUES (?, ?, ?, ?)",
                    (agency.id, agency.name, agency.kind, json.dumps(agency.aliases, ensure_ascii=False)),
                )
                for key in index.keys_of(agency):
                    connection.execute("INSERT INTO agency_keys VALUES (?, ?)", (key, agency.id))
            for seq, task in enumerate([*records.tasks, *records.duties]):
                connection.execute(
                    "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        task.id, task.doc_id, task.appendix, task.number, seq, task.text,
                        _search_text(task.text, task.output, task.group, task.lead_text, task.support_text),
                        task.deadline.due, task.deadline.year_to, json.dumps(asdict(task), ensure_ascii=False),
                        task.source,
                    ),
                )
                for role, ids in (("lead", task.lead_ids), ("support", task.support_ids)):
                    for agency_id in ids:
                        connection.execute("INSERT INTO task_agencies VALUES (?, ?, ?)", (task.id, agency_id, role))
            _insert_linked(connection, "targets", "target_agencies", records.targets,
                           lambda t: _search_text(t.label, t.group, t.unit))
            _insert_linked(connection, "projects", "project_agencies", records.projects,
                           lambda p: _search_text(p.name, p.group, p.funding))
        connection.close()
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path


def build_registry(documents: Iterable[ParsedDocument], path: Path) -> Records:
    """Collect records from parsed documents and write them to `path`; returns what was written."""
    records = collect_records(documents)
    write_registry(records, path)
    return records


def _task_from_json(text: str) -> Task:
    data = json.loads(text)
    data["deadline"] = Deadline(**data["deadline"])
    return Task(**data)


def _cutoff(due_before: int | str | dt.date) -> str:
    if isinstance(due_before, dt.date):
        return due_before.isoformat()
    if isinstance(due_before, int) or (isinstance(due_before, str) and re.fullmatch(r"\d{4}", due_before)):
        return dt.date(int(due_before), 1, 1).isoformat()
    try:
        return dt.date.fromisoformat(str(due_before)).isoformat()
    except ValueError as error:
        raise ValueError(f"due_before must be a year or an ISO date, got {due_before!r}") from error


def _insert_linked(connection: sqlite3.Connection, table: str, links: str, records: list, search) -> None:
    """Targets or projects with their lead agencies; table names are ours, values are bound."""
    for seq, record in enumerate(records):
        connection.execute(
            f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)",
            (record.id, record.doc_id, seq, search(record), json.dumps(asdict(record), ensure_ascii=False)),
        )
        for agency_id in record.lead_ids:
            connection.execute(f"INSERT INTO {links} VALUES (?, ?)", (record.id, agency_id))


class Registry:
    """Read-only queries over registry.sqlite (parameterised SQL only)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"registry {self.path} does not exist; run the ingest first")
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self._db.close()

    def resolve(self, name: str) -> Agency | None:
        """The agency a user's spelling means ("so tai chinh", "Sở KH&CN", "UBND TP"), or None."""
        key = agency_key(name)
        if not key:
            return None
        row = self._db.execute("SELECT agency_id FROM agency_keys WHERE key = ?", (key,)).fetchone()
        if row is None:
            rows = self._db.execute(
                "SELECT DISTINCT agency_id FROM agency_keys WHERE key LIKE ? ESCAPE '\\'",
                (key.replace("%", "\\%").replace("_", "\\_") + " %",),
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        if row is None:
            return None
        agency_id, name_, kind, aliases = self._db.execute(
            "SELECT id, name, kind, aliases FROM agencies WHERE id = ?", (row[0],)
        ).fetchone()
        return Agency(id=agency_id, name=name_, kind=kind, aliases=json.loads(aliases))

    def _agency_id(self, name: str) -> str:
        agency = self.resolve(name)
        if agency is None:
            raise UnknownAgencyError(f"no agency in the registry matches {name!r}")
        return agency.id

    @staticmethod
    def _words(q: str) -> list[str]:
        return [w for w in re.split(r"[^a-z0-9]+", fold(q)) if w]

    def tasks(
        self,
        agency: str | None = None,
        q: str | None = None,
        due_before: int | str | dt.date | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        role: str = "lead",
        source: str | None = None,
    ) -> list[Task]:
        """Tasks filtered by agency (role "lead", "support" or "any"), words of `q` (accent-insensitive), deadline,
        and where they are written (`source` "appendix" or "prose"; both when None)."""
        if role not in {"lead", "support", "any"}:
            raise ValueError(f"role must be lead, support or any, got {role!r}")
        if source is not None and source not in SOURCES:
            raise ValueError(f"source must be appendix or prose, got {source!r}")
        if limit <= 0:
            raise ValueError(f"limit must be positive, got {limit}")
        sql = ["SELECT record FROM tasks WHERE 1 = 1"]
        params: list[object] = []
        if agency is not None:
            sql.append("AND id IN (SELECT task_id FROM task_agencies WHERE agency_id = ?" + ("" if role == "any" else " AND role = ?") + ")")
            params.append(self._agency_id(agency))
            if role != "any":
                params.append(role)
        for word in self._words(q or ""):
            sql.append("AND search LIKE ?")
            params.append(f"% {word} %")
        if due_before is not None:
            sql.append("AND due IS NOT NULL AND due < ?")
            params.append(_cutoff(due_before))
        if doc_id is not None:
            sql.append("AND doc_id = ?")
            params.append(doc_id)
        if source is not None:
            sql.append("AND source = ?")
            params.append(source)
        sql.append("ORDER BY seq LIMIT ?")
        params.append(limit)
        return [_task_from_json(r[0]) for r in self._db.execute(" ".join(sql), params)]

    def targets(self, agency: str | None = None, q: str | None = None) -> list[Target]:
        return [Target(**record) for record in self._linked_records("targets", "target_agencies", "target_id", agency, q)]

    def projects(self, agency: str | None = None, q: str | None = None) -> list[Project]:
        return [Project(**record) for record in self._linked_records("projects", "project_agencies", "project_id", agency, q)]

    def _linked_records(self, table: str, links: str, key: str, agency: str | None, q: str | None) -> list[dict]:
        """Rows of a record table, filtered by agency and search words; table names are ours, values are bound."""
        sql, params = [f"SELECT record FROM {table} WHERE 1 = 1"], []
        if agency is not None:
            sql.append(f"AND id IN (SELECT {key} FROM {links} WHERE agency_id = ?)")
            params.append(self._agency_id(agency))
        for word in self._words(q or ""):
            sql.append("AND search LIKE ?")
            params.append(f"% {word} %")
        sql.append("ORDER BY seq")
        return [json.loads(row[0]) for row in self._db.execute(" ".join(sql), params)]

    def agencies(self) -> list[AgencySummary]:
        rows = self._db.execute(
            """SELECT a.id, a.name, a.kind, a.aliases,
                      (SELECT COUNT(*) FROM task_agencies t WHERE t.agency_id = a.id AND t.role = 'lead'),
                      (SELECT COUNT(*) FROM task_agencies t WHERE t.agency_id = a.id AND t.role = 'support')
               FROM agencies a ORDER BY a.name"""
        ).fetchall()
        return [AgencySummary(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) for r in rows]

    def match_tasks(self, text: str, limit: int = 5) -> list[tuple[Task, float]]:
        """Tasks ranked by how much of `text` (syllables and syllable pairs, accent-insensitive) they contain."""
        query = set(folded_tokens(text))
        if not query:
            return []
        scored: list[tuple[float, int, Task]] = []
        for (record,) in self._db.execute("SELECT record FROM tasks ORDER BY seq"):
            task = _task_from_json(record)
            tokens = set(folded_tokens(task.text))
            score = len(query & tokens) / len(query)
            if score > 0:
                scored.append((score, -len(tokens), task))
        scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [(task, score) for score, _, task in scored[:limit]]

    def find_task(self, text: str, min_score: float = 0.5) -> Task | None:
        """The task a free-text description most likely means, for "cơ quan nào chủ trì <task>?"."""
        best = self.match_tasks(text, limit=1)
        return best[0][0] if best and best[0][1] >= min_score else None
