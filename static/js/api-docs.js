// /api/docs/: Swagger UI puts a link (the operation's path, a deep link) inside the button that
// opens the operation; a link inside a button is a nested interactive control (axe, WCAG 4.1.2).
// Without its href the path is plain text in the button, which still opens the operation.
(function () {
  "use strict";
  function unlink(root) {
    root.querySelectorAll(".opblock-summary-control a[href]").forEach(function (link) {
      link.removeAttribute("href");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("swagger-ui");
    if (!root) return;
    unlink(root);
    new MutationObserver(function () {
      unlink(root);
    }).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["href"] });
  });
})();
