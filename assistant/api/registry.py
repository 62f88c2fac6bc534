"""GET /tasks, /targets, /projects, /agencies: who owns what, straight from the appendix tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Depends, HTTPException, Query

from assistant.api.deps import check_doc_ids, get_services
from assistant.api.schemas import AgencyCount, AgencyList, AgencyTaskSummary, ErrorResponse, ProjectList, TargetList, TaskList, TaskOut
from assistant.services import Services
from ingest.normalize import fold
from ingest.registry import Registry, UnknownAgencyError
from ingest.store import CorruptIndexError

router = APIRouter(tags=["registry"])

ERRORS = {404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
AGENCY = Query(default=None, max_length=200, description="Cơ quan, viết thế nào cũng được (\"so tai chinh\", \"UBND TP\").")
WORDS = Query(default=None, max_length=500, description="Các từ cần có (không phân biệt dấu).")


@contextmanager
def _registry(services: Services) -> Iterator[Registry]:
    try:
        registry = services.registry()
    except FileNotFoundError as error:
        raise CorruptIndexError(f"{error}; run `vankien ingest --rebuild`") from error
    try:
        yield registry
    except UnknownAgencyError as error:
        raise HTTPException(404, f"Không có cơ quan này trong danh mục / {error}") from error
    finally:
        registry.close()


@router.get("/tasks", response_model=TaskList, responses=ERRORS)
def tasks(
    agency: str | None = AGENCY,
    q: str | None = WORDS,
    due_before: str | None = Query(default=None, max_length=10, description="Năm (2027) hoặc ngày ISO (2027-06-30)."),
    doc_id: str | None = Query(default=None, max_length=100),
    role: str = Query(default="lead", pattern="^(lead|support|any)$"),
    source: str | None = Query(default=None, pattern="^(appendix|prose)$", description="Bảng phụ lục hay phần văn xuôi (mặc định: cả hai)."),
    limit: int = Query(default=100, ge=1, le=1000),
    services: Services = Depends(get_services),
) -> TaskList:
    if doc_id is not None:
        check_doc_ids(services.index(), [doc_id])
    documents = services.index().documents
    with _registry(services) as registry:
        found = registry.tasks(agency=agency, q=q, due_before=due_before, doc_id=doc_id, limit=limit, role=role, source=source)
    return TaskList(
        tasks=[TaskOut.from_task(t, documents.get(t.doc_id, {}).get("info", {}).get("title", t.doc_id)) for t in found]
    )


@router.get("/targets", response_model=TargetList, responses=ERRORS)
def targets(agency: str | None = AGENCY, q: str | None = WORDS, services: Services = Depends(get_services)) -> TargetList:
    with _registry(services) as registry:
        return TargetList(targets=registry.targets(agency=agency, q=q))


@router.get("/projects", response_model=ProjectList, responses=ERRORS)
def projects(agency: str | None = AGENCY, q: str | None = WORDS, services: Services = Depends(get_services)) -> ProjectList:
    with _registry(services) as registry:
        return ProjectList(projects=registry.projects(agency=agency, q=q))


@router.get("/agencies", response_model=AgencyList, responses=ERRORS)
def agencies(services: Services = Depends(get_services)) -> AgencyList:
    with _registry(services) as registry:
        return AgencyList(agencies=registry.agencies())


NO_YEAR = "Không ghi năm"
MAX_SUMMARY_TASKS = 1000


def _year(task) -> str:
    deadline = task.deadline
    year = deadline.year_to or deadline.year_from
    if year:
        return str(year)
    return "Hằng năm / thường xuyên" if deadline.recurring or deadline.yearly else NO_YEAR


def _counts(led: list, supported: list, key) -> list[AgencyCount]:
    lead, support = Counter(key(t) for t in led), Counter(key(t) for t in supported)
    keys = sorted(set(lead) | set(support), key=lambda k: (not k[:1].isdigit(), k))
    return [AgencyCount(key=k, led=lead[k], supported=support[k]) for k in keys]


def _canonical(asked: str, named: Counter) -> str:
    """The registry's own name for the agency asked ("so tai chinh" -> "Sở Tài chính"), the one it names most."""
    wanted = fold(asked).lower()
    matching = [(n, name) for name, n in named.items() if wanted in fold(name).lower()]
    return max(matching)[1] if matching else asked


@router.get("/agencies/summary", response_model=AgencyTaskSummary, responses=ERRORS)
def agency_summary(
    agency: str = Query(min_length=1, max_length=200, description="Cơ quan, viết thế nào cũng được."),
    doc_id: str | None = Query(default=None, max_length=100),
    services: Services = Depends(get_services),
) -> AgencyTaskSummary:
    """What a registry page shows above an agency's tasks: led and supported, by deadline year and by group."""
    if doc_id is not None:
        check_doc_ids(services.index(), [doc_id])
    with _registry(services) as registry:
        led = registry.tasks(agency=agency, doc_id=doc_id, limit=MAX_SUMMARY_TASKS, role="lead")
        supported = registry.tasks(agency=agency, doc_id=doc_id, limit=MAX_SUMMARY_TASKS, role="support")
    named = Counter(name for t in led for name in t.lead) + Counter(name for t in supported for name in t.support)
    return AgencyTaskSummary(
        agency=_canonical(agency, named),
        led=len(led),
        supported=len(supported),
        by_year=_counts(led, supported, _year),
        by_group=_counts(led, supported, lambda t: (t.group or "Không ghi nhóm").split(" > ")[0]),
    )
