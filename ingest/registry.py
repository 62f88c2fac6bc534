"""The "who owns what" registry: tasks, targets and projects from the appendix tables, with canonical agencies.

The record types and the read-only `Registry` over registry.sqlite, queried by the assistant to answer "cơ quan nào
chủ trì ...?", "Sở X phải làm gì?", "việc gì đến hạn trước 2027?" from the table cells themselves rather than from
retrieved prose. `ingest.registry_build` builds the file at ingest time; `ingest.deadlines` reads deadline cells.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ingest.agencies import Agency, AgencyIndex, agency_key
from ingest.deadlines import Deadline
from ingest.normalize import fold, folded_tokens

SOURCES = ("appendix", "prose")


class UnknownAgencyError(ValueError):
    """A query named an agency the registry does not know."""


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
