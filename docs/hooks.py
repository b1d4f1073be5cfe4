"""MkDocs hooks shared by the English and the Chinese build.

1. Figures. Every ``snippets/figures/<name>.py`` defines ``figure() -> Figure``. The
   hook renders it to SVG (cached under ``.cache/figures`` by a hash of the figure's
   source and of the ``dlnotes`` package) and adds it to the build as
   ``figures/<name>.svg``, so both languages show the same generated picture and MkDocs'
   link validation sees the file.
2. Notebook cache. mkdocs-jupyter caches executed notebooks by their own text and evicts
   every entry the current build did not use. Each language gets its own cache folder (so
   the two builds do not evict each other's entries), keyed also by the code of
   ``dlnotes`` and ``snippets`` (so a change of the package re-executes the notebooks).
3. Result tables. A page line ``<!-- dlnotes-table: KIND path/to/results.json -->`` is
   replaced by the Markdown table that ``RESULT_TABLES[KIND]`` renders from that
   committed JSON file, in the page's language, so numbers on the site are never typed
   by hand and both languages show the same run.
4. Offline pages. nbconvert's template (used by mkdocs-jupyter) loads MathJax and
   Mermaid from a CDN; the site renders math with the vendored KaTeX instead, so those
   script tags are removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import runpy
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "snippets" / "figures"
CACHE = ROOT / ".cache" / "figures"

_CDN_SCRIPT = re.compile(
    r'<script[^>]*src="https?://[^"]*(mathjax|mermaid|require\.js|requirejs)[^"]*"[^>]*>\s*</script>',
    re.IGNORECASE,
)
_MATHJAX_CONFIG = re.compile(
    r'<script type="text/x-mathjax-config">.*?</script>', re.IGNORECASE | re.DOTALL
)
_MERMAID_MODULE = re.compile(
    r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*?</script>',
    re.IGNORECASE | re.DOTALL,
)


def _package_digest() -> str:
    h = hashlib.sha256()
    for folder in ("dlnotes", "snippets"):
        for p in sorted((ROOT / folder).rglob("*.py")):
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def on_config(config):
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None:
        key = f"{config.theme['language']}-{_package_digest()}"
        plugin.config["cache_dir"] = str(ROOT / ".cache" / "mkdocs-jupyter" / key)
    return config


def render_figure(source: Path, package_digest: str) -> Path:
    """Render ``source``'s ``figure()`` to a cached SVG and return its path."""
    key = hashlib.sha256(source.read_bytes() + package_digest.encode()).hexdigest()[:16]
    out = CACHE / f"{source.stem}-{key}.svg"
    if not out.exists():
        import matplotlib

        matplotlib.use("Agg")
        from dlnotes.plotting import save_svg, use_svg_style

        CACHE.mkdir(parents=True, exist_ok=True)
        use_svg_style()  # before drawing: rcParams are read when the axes are created
        fig = runpy.run_path(str(source))["figure"]()
        tmp = out.with_suffix(f".{os.getpid()}.tmp")  # unique per build process
        save_svg(fig, str(tmp))
        os.replace(tmp, out)  # atomic: parallel builds never read a half-written file
    return out


def on_files(files: Files, config) -> Files:
    digest = _package_digest()
    for source in sorted(FIGURES.glob("*.py")):
        if source.name.startswith("_"):
            continue
        svg = render_figure(source, digest)
        files.append(File.generated(config, f"figures/{source.stem}.svg", abs_src_path=str(svg)))
    return files


RESULT_TABLES = {
    "bench": "dlnotes.bench.report:results_table",
    "digits": "dlnotes.experiments.digits_tricks:results_table",
}
_RESULT_TABLE = re.compile(r"^<!-- dlnotes-table: (\w+) (\S+) -->$", re.MULTILINE)


def _result_table(match: re.Match, lang: str) -> str:
    import importlib
    import json

    kind, rel = match[1], match[2]
    if kind not in RESULT_TABLES:
        raise ValueError(f"unknown dlnotes-table kind {kind!r}; known: {sorted(RESULT_TABLES)}")
    module, func = RESULT_TABLES[kind].split(":")
    results = json.loads((ROOT / rel).read_text(encoding="utf-8"))
    return getattr(importlib.import_module(module), func)(results, lang)


def on_page_markdown(markdown: str, page, config, files) -> str:
    lang = config.theme["language"]
    return _RESULT_TABLE.sub(lambda m: _result_table(m, lang), markdown)


def on_post_page(output: str, page, config) -> str:
    output = _CDN_SCRIPT.sub("", output)
    output = _MATHJAX_CONFIG.sub("", output)
    return _MERMAID_MODULE.sub("", output)
