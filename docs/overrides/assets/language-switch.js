// Keep the reader on the same page when switching language.
//
// Material's own switcher matches the clicked link against each language's root, and
// with English at the site root ("/") and Chinese nested below it ("/zh/") the English
// root is a prefix of every address, so it may send the reader to the Chinese home page.
// Both languages have the same pages at the same relative paths (tests/test_parity.py),
// so the target is: the other language's root + this page's path relative to ours.
(function () {
  function relativePath() {
    const config = JSON.parse(document.getElementById("__config").textContent);
    const root = new URL(config.base.endsWith("/") ? config.base : config.base + "/", location.href);
    return location.href.slice(root.href.length).split("#")[0];
  }
  document.addEventListener(
    "click",
    function (event) {
      const link = event.target instanceof Element && event.target.closest("a.md-select__link[hreflang]");
      if (!link || event.metaKey || event.ctrlKey) return;
      event.preventDefault();
      event.stopImmediatePropagation(); // keep Material's switcher from handling it too
      const target = new URL(relativePath(), link.href);
      fetch(target, { method: "HEAD" })
        .then((r) => (location.href = r.ok ? target.href + location.hash : link.href))
        .catch(() => (location.href = link.href));
    },
    true, // capture phase: runs before Material's handler on document.body
  );
})();
