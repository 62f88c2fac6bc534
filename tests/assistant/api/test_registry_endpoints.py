"""GET /tasks and /agencies over a real server: spellings of one agency meet, and no agency is listed twice."""

from __future__ import annotations

import httpx

from ingest.agencies import agency_key
from ingest.normalize import fold


def test_tasks_of_an_agency_are_the_same_for_any_spelling(live_server):
    accented = httpx.get(f"{live_server}/tasks", params={"agency": "Sở Tài chính", "limit": 1000}, timeout=30)
    folded = httpx.get(f"{live_server}/tasks", params={"agency": "so tai chinh", "limit": 1000}, timeout=30)
    assert accented.status_code == folded.status_code == 200
    ids = [t["id"] for t in accented.json()["tasks"]]
    assert len(ids) >= 20 and ids == [t["id"] for t in folded.json()["tasks"]]
    prose = httpx.get(f"{live_server}/tasks", params={"agency": "VPTU", "source": "prose"}, timeout=30).json()["tasks"]
    assert prose and {t["source"] for t in prose} == {"prose"} and all(t["quote"] for t in prose)


def test_agencies_never_list_one_entity_under_two_spellings(live_server):
    agencies = httpx.get(f"{live_server}/agencies", timeout=30).json()["agencies"]
    owner_by_key: dict[str, str] = {}
    owner_by_fold: dict[str, str] = {}
    for agency in agencies:
        for spelling in {agency["name"], *agency["aliases"]}:
            key = agency_key(spelling)
            assert owner_by_key.setdefault(key, agency["id"]) == agency["id"], (spelling, owner_by_key[key], agency["id"])
            loose = fold(spelling).replace(",", "").rstrip(".")
            assert owner_by_fold.setdefault(loose, agency["id"]) == agency["id"], (spelling, owner_by_fold[loose])
    names = {a["name"] for a in agencies}
    assert "Đảng ủy Ủy ban nhân dân thành phố" in names or "Đảng ủy UBND TP" in names
    assert not {"Tòa án", "Viện Kiểm sát"} & names
