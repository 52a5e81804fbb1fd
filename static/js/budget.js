// The ballot of a village budget: a running total of the chosen projects against the budget.
// Progressive enhancement: without JavaScript the server checks the total and says so. No
// inline scripts: a strict Content-Security-Policy follows.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("fieldset[data-budget]").forEach((fieldset) => {
    const output = fieldset.querySelector("[data-budget-total]");
    if (!output) {
      return;
    }
    const budget = Number(fieldset.dataset.budget);
    const lang = document.documentElement.lang || "nl";
    const euro = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" });
    const texts = {
      nl: (total, left) => `Gekozen: ${total} van ${euro.format(budget)}. Over: ${left}.`,
      en: (total, left) => `Chosen: ${total} of ${euro.format(budget)}. Left: ${left}.`,
    };
    const over = {
      nl: (total) => `Gekozen: ${total}. Dat is meer dan het budget van ${euro.format(budget)}. Laat een of meer projecten weg.`,
      en: (total) => `Chosen: ${total}. That is more than the budget of ${euro.format(budget)}. Leave out one or more projects.`,
    };
    const key = lang.startsWith("en") ? "en" : "nl";
    const update = () => {
      let total = 0;
      fieldset.querySelectorAll("input[type=checkbox][data-cost]:checked").forEach((box) => {
        total += Number(box.dataset.cost);
      });
      const tooMuch = total > budget + 1e-9;
      output.textContent = tooMuch
        ? over[key](euro.format(total))
        : texts[key](euro.format(total), euro.format(budget - total));
      output.classList.toggle("text-danger", tooMuch);
      output.hidden = false;
    };
    fieldset.addEventListener("change", update);
    update();
  });
});
