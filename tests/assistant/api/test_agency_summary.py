"""GET /agencies/summary: what the registry page shows above an agency's tasks, consistent with /tasks."""

from __future__ import annotations

import httpx


def test_summary_counts_match_the_task_lists(live_server):
    summary = httpx.get(f"{live_server}/agencies/summary", params={"agency": "so tai chinh"}, timeout=60).json()
    led = httpx.get(f"{live_server}/tasks", params={"agency": "so tai chinh", "role": "lead", "limit": 1000}, timeout=60).json()["tasks"]
    supported = httpx.get(f"{live_server}/tasks", params={"agency": "so tai chinh", "role": "support", "limit": 1000}, timeout=60).json()["tasks"]
    assert summary["agency"] == "Sở Tài chính"
    assert summary["led"] == len(led) > 0 and summary["supported"] == len(supported)
    assert sum(c["led"] for c in summary["by_year"]) == len(led) == sum(c["led"] for c in summary["by_group"])
    assert sum(c["supported"] for c in summary["by_year"]) == len(supported)
    assert all(" > " not in c["key"] for c in summary["by_group"])


def test_summary_rejects_bad_requests_with_a_message(live_server):
    missing = httpx.get(f"{live_server}/agencies/summary", timeout=30)
    assert missing.status_code == 422 and missing.json()["message"]
    unknown_doc = httpx.get(f"{live_server}/agencies/summary", params={"agency": "so tai chinh", "doc_id": "khong-co"}, timeout=30)
    assert unknown_doc.status_code == 404 and unknown_doc.json()["message"]
