"""Building the registry: appendix rows and prose duties into records, written to SQLite in one atomic step.

Built once at ingest time into <data_dir>/registry.sqlite, written to a temp file and renamed so readers never see
half a registry; `ingest.registry` reads it.

Which table a row belongs to is decided by its header (a task table has "Nhiệm vụ cụ thể", a target table
"Tên chỉ tiêu", a project table "Tên Dự án"), not by the heading above it, so heading-detection slips cannot
drop a table. A sub-row without its own lead cell (a vertically merged cell in the PDF) inherits the parent's
lead and is flagged `lead_inherited`.

Duties assigned in prose (ingest.responsibilities: "Tổ chức thực hiện", "Phân công nhiệm vụ", "Chủ thể thực hiện")
are stored as tasks too, with `source` "prose" (table rows have "appendix"), so "Văn phòng Thành ủy phải làm gì?"
sees both.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from ingest.agencies import AgencyIndex, split_agencies
from ingest.deadlines import Deadline, parse_deadline
from ingest.document import ParsedDocument, TableRow
from ingest.normalize import fold
from ingest.registry import Project, Records, Target, Task
from ingest.responsibilities import Responsibility, extract_responsibilities

TASK_COLUMN = "Nhiệm vụ cụ thể"
TARGET_COLUMN = "Tên chỉ tiêu"
PROJECT_COLUMN = "Tên Dự án"
APPENDIX_OF = {TARGET_COLUMN: "Phụ lục 1", TASK_COLUMN: "Phụ lục 2", PROJECT_COLUMN: "Phụ lục 3"}
_ID_PREFIX = {TARGET_COLUMN: "pl1", TASK_COLUMN: "pl2", PROJECT_COLUMN: "pl3"}
_DOC_PREFIX = {"chuong-trinh-hanh-dong": "cthd"}


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


def _insert_linked(connection: sqlite3.Connection, table: str, links: str, records: list, search) -> None:
    """Targets or projects with their lead agencies; table names are ours, values are bound."""
    for seq, record in enumerate(records):
        connection.execute(
            f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)",
            (record.id, record.doc_id, seq, search(record), json.dumps(asdict(record), ensure_ascii=False)),
        )
        for agency_id in record.lead_ids:
            connection.execute(f"INSERT INTO {links} VALUES (?, ?)", (record.id, agency_id))
