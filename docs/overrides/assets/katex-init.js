// Render math with the vendored KaTeX (no CDN). Markdown pages: pymdownx.arithmatex
// wraps formulas in .arithmatex as \( \) and \[ \]. Notebook pages: nbconvert leaves
// $...$ and $$...$$ in the rendered Markdown cells.
function renderMath() {
  document.querySelectorAll(".arithmatex").forEach((el) => {
    renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  });
  document.querySelectorAll(".jupyter-wrapper .jp-RenderedMarkdown").forEach((el) => {
    renderMathInElement(el, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
      ],
      throwOnError: false,
    });
  });
}
if (typeof document$ !== "undefined") {
  document$.subscribe(renderMath);
} else {
  document.addEventListener("DOMContentLoaded", renderMath);
}
