"""The `vankien` command: ingest, serve, search, ask, tasks, study, eval, up."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from assistant.cli_quality import train_if_missing, cmd_eval, cmd_train
from ingest.settings import get_settings


def _progress_bars():
    """One tqdm bar per stage, created on first report."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def report(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="", leave=True, file=sys.stderr)
        bar.total = total
        bar.n = done
        bar.refresh()

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return report, close


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.load import CorpusFileError
    from ingest.manifest import ManifestError
    from ingest.pipeline import run_ingest
    from ingest.store import IndexProblem

    settings = get_settings()
    report_progress, close = _progress_bars()
    try:
        report = run_ingest(settings, Path(args.corpus) if args.corpus else None, rebuild=args.rebuild, progress=report_progress)
    except (ManifestError, IndexProblem, CorpusFileError) as error:
        close()
        print(f"Lỗi / error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        close()
        print("Interrupted: the previous index (if any) is still the one served.", file=sys.stderr)
        return 130
    close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    for doc in report.documents:
        state = "changed" if doc.changed else "unchanged"
        print(f"  {doc.doc_id:<28} {doc.sections:>4} sections {doc.chunks:>5} chunks {doc.table_rows:>4} table rows  ({state})")
    print(
        f"documents: {len(report.documents)}  sections: {report.sections}  chunks: {report.chunks}  "
        f"table rows: {report.table_rows}  chunks embedded: {report.texts_embedded}  "
        f"tokens embedded: {report.tokens_embedded}  seconds: {report.seconds:.2f}"
        + ("" if report.published else "  (index unchanged)")
    )
    if report.errors and not report.documents:
        return 1
    if getattr(args, "train", False):
        return train_if_missing(settings, force=report.published)
    print("next: `vankien train` teaches this index when to answer (or pass --train)", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.services import Services
    from ingest.store import IndexProblem, NoIndexError

    # A server embeds one short query at a time: OpenMP threads spinning while they wait for work only fight
    # other processes for the cores (on a busy 2-core machine /search p50 went 88 ms -> 43 ms with one thread).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    settings = get_settings()
    try:
        Services(settings).index()
    except NoIndexError as error:
        print(f"warning: {error}\n  serving anyway; /health reports no_index until `vankien ingest` has run", file=sys.stderr)
    except IndexProblem as error:
        print(f"warning: {error}\n  serving anyway; /health reports index_error until the index is fixed", file=sys.stderr)
    uvicorn.run(
        "assistant.api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info" if args.verbose else "warning",
    )
    return 0


def _in_process(action):
    """Run a search/ask against the local index, turning what a user can fix into a message and exit code 2."""
    from ingest.store import IndexProblem

    try:
        return action(), 0
    except IndexProblem as error:
        print(f"Lỗi / error: {error}", file=sys.stderr)
    except KeyError as error:
        print(f"Lỗi / error: {error.args[0] if error.args else error}", file=sys.stderr)
    except ValueError as error:
        print(f"Lỗi / error: {error}", file=sys.stderr)
    return None, 2


def _shorten(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cmd_search(args: argparse.Namespace) -> int:
    from assistant.api.schemas import SearchResponse, hit_out
    from assistant.services import Services

    services = Services(get_settings())
    hits, code = _in_process(lambda: services.retriever().search(args.query, k=args.k, doc_ids=args.doc or None))
    if code:
        return code
    if args.json:
        print(SearchResponse(hits=[hit_out(h) for h in hits]).model_dump_json(indent=1))
        return 0
    if not hits:
        print("Không tìm thấy đoạn nào / no passages found.")
    for rank, hit in enumerate(hits, 1):
        chunk = hit.chunk
        print(f"{rank:>2}. [{hit.score:.4f}] {chunk.doc_title} — {chunk.section}  ({chunk.chunk_id})")
        print(f"    {_shorten(chunk.text)}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.api.schemas import ask_out
    from assistant.services import Services

    services = Services(get_settings())
    answer, code = _in_process(lambda: services.answerer().ask(args.question, None, args.doc or None))
    if code:
        return code
    response = ask_out(answer)
    if args.json:
        print(response.model_dump_json(indent=1))
        return 0
    print(response.answer)
    if response.citations:
        print("\nNguồn:")
    documents = services.index().documents
    for citation in response.citations:
        title = documents.get(citation.doc_id, {}).get("info", {}).get("short_title") or citation.doc_title
        print(f"  [{citation.n}] {title} — {citation.section} — “{_shorten(citation.quote, 200)}”")
    if response.abstained and response.closest:
        print("\nĐoạn gần nhất:")
        for hit in response.closest[:3]:
            title = documents.get(hit.doc_id, {}).get("info", {}).get("short_title") or hit.doc_title
            print(f"  - {title} — {hit.section} ({hit.chunk_id})\n    {_shorten(hit.text, 200)}")
    return 0


def cmd_study(args: argparse.Namespace) -> int:
    """A study pack on a topic, as Markdown on stdout or in a .md/.docx file."""
    from assistant.services import Services
    from assistant.study import build_study_pack, to_docx, to_markdown

    services = Services(get_settings())
    pack, code = _in_process(lambda: build_study_pack(services, args.topic, args.doc or None))
    if code:
        return code
    if args.format == "docx":
        output = Path(args.output or "on-tap.docx")
        to_docx(pack, output)
        print(f"Đã ghi / written: {output}", file=sys.stderr)
    elif args.output:
        Path(args.output).write_text(to_markdown(pack), encoding="utf-8")
        print(f"Đã ghi / written: {args.output}", file=sys.stderr)
    else:
        print(to_markdown(pack))
    return 0


TASK_COLUMNS = (
    "Mã", "Nguồn", "Văn kiện", "Phụ lục / mục", "Số", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
    "Thời gian thực hiện/hoàn thành", "Hạn cuối", "Kết quả/Sản phẩm",
)


def _task_row(task) -> list[str]:
    place = task.appendix or task.group.split(" > ")[-1]
    return [
        task.id, task.source, task.doc_id, place, task.number, task.text, task.lead_text, task.support_text,
        task.deadline.text, task.deadline.due or "", task.output,
    ]


def cmd_tasks(args: argparse.Namespace) -> int:
    """Tasks of an agency (accent-insensitive, abbreviations allowed) as a table, CSV or XLSX."""
    import csv

    from assistant.services import Services

    services = Services(get_settings())

    def query():
        try:
            registry = services.registry()
        except FileNotFoundError as error:
            raise ValueError(f"{error}; run `vankien ingest`") from error
        try:
            return registry.tasks(agency=args.agency, q=args.q, due_before=args.due_before, limit=args.limit, role=args.role)
        finally:
            registry.close()

    tasks, code = _in_process(query)
    if code:
        return code
    rows = [_task_row(t) for t in tasks]
    if args.csv:
        with open(args.csv, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(TASK_COLUMNS)
            writer.writerows(rows)
    if args.xlsx:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Nhiệm vụ"
        sheet.append(list(TASK_COLUMNS))
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        book.save(args.xlsx)
    for path in (args.csv, args.xlsx):
        if path:
            print(f"Đã ghi {len(rows)} nhiệm vụ / written: {path}", file=sys.stderr)
    if not (args.csv or args.xlsx):
        if not rows:
            print("Không có nhiệm vụ nào / no tasks.")
        for task in tasks:
            deadline = f" — hạn: {task.deadline.text}" if task.deadline.text else ""
            print(f"{task.id:<22} {_shorten(task.text, 110)}\n    chủ trì: {task.lead_text}{deadline}")
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    """Ingest if needed, then the API and the Streamlit UI together; Ctrl-C stops both."""
    import signal
    import subprocess
    import time

    from assistant.launch import ServerNotUp, start_api, stop, wait_until_up

    status = cmd_ingest(argparse.Namespace(corpus=None, rebuild=False, train=False))
    if status not in (0,):
        return status
    status = train_if_missing(get_settings())
    if status not in (0,):
        return status
    env = os.environ | {"VANKIEN_API_URL": f"http://{args.host}:{args.api_port}"}
    api = start_api(args.host, args.api_port, env=env)
    try:
        wait_until_up(api, f"http://{args.host}:{args.api_port}", timeout=120)
    except ServerNotUp as error:
        stop(api)
        print(f"error: {error}", file=sys.stderr)
        return 1
    ui_file = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    ui = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ui_file), "--server.headless", "true",
         "--server.address", args.host, "--server.port", str(args.ui_port), "--browser.gatherUsageStats", "false"],
        env=env,
    )
    print(f"API: http://{args.host}:{args.api_port}/docs   UI: http://{args.host}:{args.ui_port}   (Ctrl-C to stop)")

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C, `kill` or a service manager's stop: either way both children go down with us.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        while api.poll() is None and ui.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for process in (ui, api):
            process.terminate()
        for process in (ui, api):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vankien", description="Trợ lý văn kiện Đảng bộ thành phố Hải Phòng")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="parse, chunk and embed the corpus into the index")
    ingest.add_argument("--corpus", help="corpus folder (default: VANKIEN_CORPUS_DIR or ./corpus)")
    ingest.add_argument("--rebuild", action="store_true", help="rebuild even if nothing changed")
    ingest.add_argument("--train", action="store_true", help="then train the answerability model (as `vankien train`)")
    ingest.set_defaults(func=cmd_ingest)

    serve = sub.add_parser("serve", help="run the HTTP API (OpenAPI docs at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    search = sub.add_parser("search", help="show the passages retrieved for a query (no server needed)")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=10, help="number of passages (default 10)")
    search.add_argument("--json", action="store_true", help="print the /search response as JSON")
    search.add_argument("--doc", action="extend", nargs="+", metavar="DOC_ID", help="only these documents")
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", help="answer a question with citations (no server needed)")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the /ask response as JSON")
    ask.add_argument("--doc", action="extend", nargs="+", metavar="DOC_ID", help="only these documents")
    ask.set_defaults(func=cmd_ask)

    study = sub.add_parser("study", help="a study pack (outline, figures, quiz, agencies) on a topic")
    study.add_argument("topic")
    study.add_argument("--format", choices=["md", "docx"], default="md", help="md (default, stdout unless -o) or docx")
    study.add_argument("-o", "--output", help="file to write (default for docx: on-tap.docx)")
    study.add_argument("--doc", action="extend", nargs="+", metavar="DOC_ID", help="only these documents")
    study.set_defaults(func=cmd_study)

    tasks = sub.add_parser("tasks", help="tasks an agency leads (or supports), from the appendix tables and the prose")
    tasks.add_argument("--agency", help="agency, any spelling (\"so tai chinh\", \"UBND TP\", \"BQL KKT\")")
    tasks.add_argument("--q", help="words the task must contain (accent-insensitive)")
    tasks.add_argument("--due-before", help="a year (2027) or an ISO date (2027-06-30)")
    tasks.add_argument("--role", choices=["lead", "support", "any"], default="lead")
    tasks.add_argument("--limit", type=int, default=1000)
    output = tasks.add_mutually_exclusive_group()
    output.add_argument("--csv", metavar="FILE", help="write a CSV file (UTF-8, opens in Excel)")
    output.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook")
    tasks.set_defaults(func=cmd_tasks)

    evaluate = sub.add_parser("eval", help="retrieval and answer metrics on the evaluation questions")
    evaluate.add_argument("--questions", help="one questions file instead of the train, dev and test splits")
    evaluate.add_argument("--split", action="append", choices=["train", "dev", "test"], help="only these splits (repeatable)")
    evaluate.add_argument("--failures", action="store_true", help="print each wrong answer after the figures")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(func=cmd_eval)

    train = sub.add_parser("train", help="teach the answerability model on the published index (ingest does it too)")
    train.set_defaults(func=cmd_train)

    up = sub.add_parser("up", help="ingest if needed, then run the API and the web UI together")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--api-port", type=int, default=8000)
    up.add_argument("--ui-port", type=int, default=8501)
    up.set_defaults(func=cmd_up)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except BrokenPipeError:
        # Output piped into `head` that stopped reading: not an error; silence the flush at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
