// The officers' dashboard: a "select all" box for bulk assignment. Without JavaScript the
// box stays hidden and each row can still be ticked on its own.
document.addEventListener("DOMContentLoaded", () => {
  const selectAll = document.querySelector("[data-select-all]");
  const wrapper = document.querySelector("[data-select-all-wrapper]");
  const rows = Array.from(document.querySelectorAll("[data-select-row]"));
  if (!selectAll || !wrapper || rows.length === 0) {
    return;
  }
  wrapper.hidden = false;

  const sync = () => {
    const checked = rows.filter((box) => box.checked).length;
    selectAll.checked = checked === rows.length;
    selectAll.indeterminate = checked > 0 && checked < rows.length;
  };

  selectAll.addEventListener("change", () => {
    rows.forEach((box) => {
      box.checked = selectAll.checked;
    });
    sync();
  });
  rows.forEach((box) => box.addEventListener("change", sync));
  sync();
});
