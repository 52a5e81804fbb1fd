// The officer's page of one initiative. No inline scripts: a strict Content-Security-Policy follows.
//
// Standard texts: choosing one in a select with `data-fills` puts its text in the textarea with
// that id. A text the officer already typed is kept (the standard text is added below it); a
// standard text that was only chosen and not changed is replaced. Without JavaScript the form
// itself uses the chosen text when the textarea is left empty.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-fills]").forEach((select) => {
    const target = document.getElementById(select.dataset.fills);
    if (!target) {
      return;
    }
    let inserted = "";
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      const text = option ? option.dataset.text || "" : "";
      if (!text) {
        return;
      }
      const current = target.value.trim();
      if (!current || current === inserted.trim()) {
        target.value = text;
      } else {
        target.value = `${target.value.trimEnd()}\n\n${text}`;
      }
      inserted = text;
    });
  });
});
