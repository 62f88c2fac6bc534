"""`vankien tasks`: an agency's tasks on screen, in CSV and in XLSX, as a user exports them."""

from __future__ import annotations

import csv

from openpyxl import load_workbook

from tests.assistant.test_cli_query import vankien


def test_csv_and_xlsx_exports_open_with_the_same_rows(built_data_dir, tmp_path):
    csv_path, xlsx_path = tmp_path / "tasks.csv", tmp_path / "tasks.xlsx"
    as_csv = vankien(built_data_dir, "tasks", "--agency", "so tai chinh", "--csv", str(csv_path))
    as_xlsx = vankien(built_data_dir, "tasks", "--agency", "Sở Tài chính", "--xlsx", str(xlsx_path))
    assert as_csv.returncode == as_xlsx.returncode == 0, as_csv.stderr + as_xlsx.stderr
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Mã", "Nguồn"] and len(body) >= 20
    lead = header.index("Cơ quan chủ trì")
    assert all("Tài chính" in row[lead] for row in body)
    sheet = load_workbook(xlsx_path).active
    cells = [[("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == header and [r[0] for r in cells[1:]] == [r[0] for r in body]
    assert f"{len(body)} nhiệm vụ" in as_csv.stderr


def test_filters_on_screen_and_unknown_agency(built_data_dir):
    early = vankien(built_data_dir, "tasks", "--agency", "Sở Nội vụ", "--due-before", "2026")
    assert early.returncode == 0, early.stderr
    deadlines = [line.split("hạn:")[1] for line in early.stdout.splitlines() if "hạn:" in line]
    assert "chủ trì: Sở Nội vụ" in early.stdout and deadlines and all("2025" in d for d in deadlines)
    unknown = vankien(built_data_dir, "tasks", "--agency", "Sở Du hành vũ trụ")
    assert unknown.returncode == 2 and "Sở Du hành vũ trụ" in unknown.stderr
