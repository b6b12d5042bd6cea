"""What the benchmark scripts share: where things are, percentiles, Markdown tables and the writing
of their section of docs/benchmarks.md. A script imports it as ``common`` (its folder is first on
sys.path when it runs)."""
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DOCS = ROOT / "docs" / "benchmarks.md"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"  # the PostgreSQL server; each script names its database
UNLIMITED = "1000000000/h"  # a rate limit no benchmark reaches


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def markdown_table(headings: list[str], rows: Iterable[list[str]]) -> list[str]:
    """The lines of a Markdown table: the first column (what) left-aligned, the figures right-aligned."""
    return [
        f"| {' | '.join(headings)} |",
        "|---|" + "---:|" * (len(headings) - 1),
        *(f"| {' | '.join(row)} |" for row in rows),
    ]


def write_docs(section: str) -> None:
    """Replace the section of docs/benchmarks.md that has ``section``'s heading (its first line), or
    add it at the end, leaving the others alone."""
    heading = section.split("\n", 1)[0]
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n\nFigures printed by the scripts in `bench/`.\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    print(f"Written to {DOCS.relative_to(ROOT)}")


def add_docs_arguments(parser, name: str) -> None:
    """``--write-docs``, and ``--render-only`` (see ``render_saved``) for the figures bench/out/<name>.json."""
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--render-only", action="store_true",
                        help=f"measure nothing: rewrite the docs section from bench/out/{name}.json")


def save_results(name: str, results: dict, render_docs: Callable[[dict], str], *, write_docs_too: bool) -> None:
    """The figures to bench/out/<name>.json (for ``--render-only``), and with ``write_docs_too`` the
    docs section rendered from them."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    if write_docs_too:
        write_docs(render_docs(results))


def render_saved(name: str, render_docs: Callable[[dict], str]) -> None:
    """The docs section rewritten from the figures an earlier run saved in bench/out/<name>.json."""
    write_docs(render_docs(json.loads((OUT / f"{name}.json").read_text(encoding="utf-8"))))
