"""The registry's rows as people read them, and the same rows as CSV (with a BOM, for Excel) and XLSX.

One function builds the rows, so the table on screen and both downloads cannot drift apart.
"""

from __future__ import annotations

import csv
import io
import re

TASK_COLUMNS = {"Mã": 7, "Nhiệm vụ": 33, "Chủ trì": 13, "Phối hợp": 15, "Thời hạn": 10, "Sản phẩm": 13, "Văn kiện": 9}
_TASK_ID = re.compile(r"^[a-z0-9]+-pl(\d+)-0*(\d+)$", re.I)


def task_code(task_id: str) -> str:
    """"cthd-pl2-017" -> "PL2-17": the appendix and row a reader can find in the printed document."""
    found = _TASK_ID.match(task_id)
    return f"PL{found.group(1)}-{found.group(2)}" if found else task_id


def _joined(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def task_rows(tasks: list[dict], names: dict[str, str]) -> list[dict]:
    return [
        {
            "Mã": task_code(task["id"]),
            "Nhiệm vụ": task.get("task", ""),
            "Chủ trì": _joined(task.get("lead")),
            "Phối hợp": _joined(task.get("support")),
            "Thời hạn": task.get("deadline", ""),
            "Sản phẩm": task.get("output", ""),
            "Văn kiện": names.get(task["doc_id"], task["doc_id"]),
        }
        for task in tasks
    ]


def rows_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(TASK_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def rows_xlsx(rows: list[dict], title: str = "Nhiệm vụ") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(TASK_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[column] for column in TASK_COLUMNS])
    for letter, width in zip("ABCDEFG", TASK_COLUMNS.values()):
        sheet.column_dimensions[letter].width = max(10, width * 2)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
