// Site-wide behaviour. No inline scripts: a strict Content-Security-Policy follows later.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary, so screen reader and keyboard users hear the problems first.
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  // A link in the summary puts focus in the field it names, not only scrolls to it.
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
});
