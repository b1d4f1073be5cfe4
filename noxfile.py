"""Developer tasks. `nox -l` lists them; the README explains the common ones.

Every session but `gpu` creates its own virtual environment and installs what it needs
(torch is pinned to the wheels these machines keep on disk). `gpu` runs in the current
interpreter with no installs, for a machine that has PyTorch + CUDA preinstalled and no
network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.download_python = "never"
nox.options.sessions = ["lint", "tests", "docs"]

ROOT = Path(__file__).parent
TORCH = ["torch==2.14.1", "torchvision==0.29.1"]
DOCS_ENV = {"NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}


def _install(session: nox.Session, extras: str) -> None:
    session.install(*TORCH)
    session.install("-e", f".[{extras}]")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests, every code block of both languages, docstring examples, notebooks."""
    _install(session, "test")
    session.run(
        "python",
        "-m",
        "pytest",
        "--ignore=tests/e2e",
        "-m",
        "not gpu and not e2e",
        *session.posargs,
        env={"MPLBACKEND": "Agg"},
    )


def build_site(session: nox.Session, langs: tuple[str, ...] = ("en", "zh")) -> None:
    """Build the languages in parallel (one process each), then assemble site/."""
    site = ROOT / "site"
    staging = ROOT / ".cache" / "site-zh"
    cmds = {
        "en": ["mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", str(site)],
        "zh": ["mkdocs", "build", "-q", "-f", "docs/mkdocs.zh.yml", "-d", str(staging)],
    }
    env = {**os.environ, **DOCS_ENV, "PATH": f"{session.bin}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    procs = {lang: subprocess.Popen(cmds[lang], cwd=ROOT, env=env) for lang in langs}
    failed = [lang for lang, p in procs.items() if p.wait() != 0]
    if failed:
        session.error(f"mkdocs build failed for: {', '.join(failed)}")
    if "zh" in langs:
        shutil.rmtree(site / "zh", ignore_errors=True)
        if "en" not in langs:
            site.mkdir(exist_ok=True)
        shutil.copytree(staging, site / "zh")
    session.log(f"built {'+'.join(langs)} in {time.perf_counter() - start:.1f} s -> {site}")


@nox.session
def docs(session: nox.Session) -> None:
    """Strict build of both languages: English at site/, Chinese at site/zh/.

    `nox -s docs -- en` (or `-- zh`) builds one language only, for quick previews.
    """
    _install(session, "docs")
    langs = tuple(session.posargs) or ("en", "zh")
    build_site(session, langs)


@nox.session
def serve(session: nox.Session) -> None:
    """Build both languages and serve site/ on http://127.0.0.1:8000 (Ctrl+C to stop).

    For live reload of one language use `mkdocs serve` (English) or
    `mkdocs serve -f docs/mkdocs.zh.yml` inside the docs environment.
    """
    _install(session, "docs")
    build_site(session)
    session.run("python", "-m", "http.server", "8000", "--bind", "127.0.0.1", "-d", "site")


@nox.session
def e2e(session: nox.Session) -> None:
    """Browser tests of the built site in Debian's Chromium, plus a link check."""
    if not (ROOT / "site" / "index.html").exists() or not (ROOT / "site/zh/index.html").exists():
        session.error("site/ is not built: run `nox -s docs` first")
    session.install("-e", ".[e2e]", "--no-deps")
    session.install("pytest==9.*", "pytest-timeout", "playwright>=1.45", "linkchecker>=10.4")
    session.run(
        "python",
        "-m",
        "pytest",
        "tests/e2e",
        "-m",
        "e2e",
        "-p",
        "no:cacheprovider",
        "--timeout=300",
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: style, imports, common bugs."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "dlnotes", "tests", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """The speed benchmark (``python -m dlnotes.bench``); by default its CPU smoke run.

    Arguments after ``--`` go to the benchmark, e.g. on a GPU machine, in its own
    interpreter: ``nox --no-venv -s bench -- --device cuda --out snippets/results/bench-h100.json``.
    """
    if session.venv_backend != "none":  # `nox --no-venv` uses the current interpreter
        _install(session, "test")
    args = session.posargs or ["--smoke", "--out", ".cache/bench-smoke.json"]
    session.run("python", "-m", "dlnotes.bench", *args, env={"MPLBACKEND": "Agg"})


@nox.session(python=False)
def gpu(session: nox.Session) -> None:
    """Everything marked as GPU work, in the CURRENT interpreter (no venv, no installs).

    Needs torch with CUDA, pytest and sybil importable (carry sybil as a wheel where it is
    missing, see README). Runs the tests marked `gpu` and every page's code blocks, whose
    GPU blocks are skipped elsewhere. Skips with a message when no CUDA device is visible.
    """
    probe = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.cuda.is_available())"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        session.error(f"cannot import torch in {sys.executable}:\n{probe.stderr}")
    if probe.stdout.strip() != "True":
        session.skip("no CUDA device visible to torch: nothing to run (GPU work runs on a GPU)")
    session.run(sys.executable, "-c", "import sybil, pytest")  # fail early and clearly
    session.run(
        sys.executable,
        "-m",
        "pytest",
        "tests",
        "docs",
        "--ignore=tests/e2e",
        "-m",
        "gpu or not e2e",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"MPLBACKEND": "Agg"},
    )
