"""What the tests need to read the docs the way MkDocs renders them.

* :func:`expand_snippets` resolves ``--8<--`` lines exactly like ``pymdownx.snippets``
  (whole files, ``file:section`` and ``file:start:end``), so the code a reader sees on a
  page is the code sybil executes.
* :class:`PageCodeParser` is the sybil parser for every Python fence on a page, whatever
  its attributes (``title=``, ``hl_lines=``) and however deeply it is indented inside
  content tabs or admonitions. A fence starting with ``>>>`` is a doctest; any other
  Python fence is executed.
* :func:`page_structure` and :func:`notebook_cells` extract what must be identical
  between the two languages (the parity test).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

from sybil import Document, Lexeme, Region
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGS = ("en", "zh")

SNIPPET_LINE = re.compile(r'^(?P<indent>[ \t]*)--8<--[ \t]+"(?P<target>[^"]+)"[ \t]*$', re.M)
SECTION_MARK = re.compile(r"^\s*#\s*--8<--\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]\s*$")
PY_INFO = re.compile(r"(?P<language>python|py|pycon)(?P<attrs>(?:[ \t][^\n]*)?)$\n", re.M)


def read_snippet(target: str) -> str:
    """Return the text ``pymdownx.snippets`` substitutes for ``--8<-- "target"``."""
    path, _, rest = target.partition(":")
    file = ROOT / path
    if not file.is_file():
        raise FileNotFoundError(f"snippet {target!r}: no file {file}")
    lines = file.read_text(encoding="utf-8").splitlines()
    if rest and re.fullmatch(r"\d*(:\d*)?", rest):  # line range "start:end" (1-based)
        start, _, end = rest.partition(":")
        lines = lines[int(start or 1) - 1 : int(end) if end else None]
    elif rest:  # a named section
        out, inside, found = [], False, False
        for line in lines:
            m = SECTION_MARK.match(line)
            if m and m["name"] == rest:
                inside, found = m["kind"] == "start", True
                continue
            if inside and not m:
                out.append(line)
        if not found:
            raise KeyError(f"snippet {target!r}: no section [start:{rest}] in {path}")
        lines = out
    return "\n".join(line for line in lines if not SECTION_MARK.match(line))


def expand_snippets(text: str) -> str:
    """Replace every ``--8<-- "target"`` line by the snippet, keeping its indentation."""

    def substitute(m: re.Match[str]) -> str:
        body = read_snippet(m["target"])
        return "\n".join(m["indent"] + line if line else line for line in body.splitlines())

    return SNIPPET_LINE.sub(substitute, text)


class PageCodeParser:
    """Sybil parser: every Python fence of a Markdown page, snippets expanded."""

    def __init__(self) -> None:
        self.lexer = RawFencedCodeBlockLexer(info_pattern=PY_INFO)
        # Lazy annotations and dedenting let a page embed a single method of a class
        # (e.g. ``dlnotes/train/loop.py:train_step``): it runs as a function definition.
        self.exec_evaluator = PythonEvaluator(future_imports=["annotations"])
        self.doctest_parser = DocTestStringParser(DocTestEvaluator())

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            source: Lexeme = region.lexemes["source"]
            if source.lstrip().startswith(">>>"):
                if SNIPPET_LINE.search(source):
                    raise ValueError(f"{document.path}: a doctest fence cannot include snippets")
                for doctest_region in self.doctest_parser(source, document.path):
                    doctest_region.adjust(region, source)
                    yield doctest_region
            else:
                code = textwrap.dedent(expand_snippets(source))
                region.parsed = Lexeme(code, offset=source.offset, line_offset=source.line_offset)
                region.evaluator = self.exec_evaluator
                yield region


# ----------------------------------------------------------------------------- parity
HEADING_ID = re.compile(r"^#{1,6} .*?\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$", re.M)
HEADING = re.compile(r"^(?P<level>#{1,6}) ", re.M)
FENCE_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<info>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<src>[^)\s]+)")
ADMONITION = re.compile(r"^[ \t]*(?P<mark>!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)", re.M)
TAB = re.compile(r'^[ \t]*===\+?[ \t]+"', re.M)


# A line the docs hook replaces by a table rendered from a committed JSON result file.
RESULT_TABLE = re.compile(r"^<!-- dlnotes-table: (\w+ \S+) -->$", re.MULTILINE)


def page_structure(text: str) -> dict[str, list[str]]:
    """Everything two language versions of one page must share, in order."""
    return {
        "heading levels": HEADING.findall(text),
        "heading ids": HEADING_ID.findall(text),
        "code blocks": [
            m["info"].split()[0] + "\n" + m["body"] if m["info"].strip() else m["body"]
            for m in FENCE_BLOCK.finditer(text)
        ],
        "snippets": [m["target"] for m in SNIPPET_LINE.finditer(text)],
        "figures": IMAGE.findall(text),
        "admonitions": [f"{a} {k}" for a, k in ADMONITION.findall(text)],
        "content tabs": [str(len(TAB.findall(text)))],
        "result tables": RESULT_TABLE.findall(text),
    }


def notebook_cells(path: Path) -> list[tuple[str, str]]:
    """Cells of a jupytext percent-format notebook as ``(kind, source)`` pairs."""
    cells: list[tuple[str, str]] = []
    kind, buf = None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^# %%(?P<md> \[markdown\])?", line)
        if m:
            if kind is not None:
                cells.append((kind, "\n".join(buf).strip()))
            kind, buf = ("markdown" if m["md"] else "code"), []
        elif kind is not None:
            buf.append(line)
    if kind is not None:
        cells.append((kind, "\n".join(buf).strip()))
    return cells


def pages(lang: str) -> dict[str, Path]:
    """Relative path -> file, for every page (Markdown or notebook) of one language."""
    base = DOCS / lang
    return {
        p.relative_to(base).as_posix(): p
        for p in sorted(base.rglob("*"))
        if p.suffix == ".md" or p.name.endswith("_notebook.py")
    }
