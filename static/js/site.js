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

// "Add a cost line": a new empty line in the page, from the formset's empty form. Without
// JavaScript the same button sends the form and the server adds the line.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-add-cost-line]");
  const lines = document.querySelector("[data-cost-lines]");
  const template = document.getElementById("cost-line-template");
  const total = document.getElementById("id_costs-TOTAL_FORMS");
  if (!button || !lines || !template || !total) {
    return;
  }
  const max = Number(lines.dataset.max);
  // A plain button now: pressing Enter in a field sends the form, it does not add a line.
  button.type = "button";
  button.addEventListener("click", (event) => {
    const index = Number(total.value);
    if (index >= max) {
      return;
    }
    event.preventDefault();
    const html = template.innerHTML.replaceAll("__prefix__", String(index)).replaceAll("__number__", String(index + 1));
    lines.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const field = document.getElementById(`id_costs-${index}-description`);
    if (field) {
      field.focus();
    }
    if (index + 1 >= max) {
      button.hidden = true;
    }
  });
});

// The organisation list offers only the chosen village's organisations (each option names its
// village in data-village); with no village chosen, or without JavaScript, all of them, grouped.
document.addEventListener("DOMContentLoaded", () => {
  const village = document.getElementById("id_village");
  const organisation = document.getElementById("id_organisation");
  if (!village || !organisation) {
    return;
  }
  const empty = organisation.querySelector("option[value='']");
  const groups = Array.from(organisation.querySelectorAll("optgroup")).map((group) => group.cloneNode(true));
  const show = () => {
    const chosen = organisation.value;
    const options = [];
    groups.forEach((group) => {
      group.querySelectorAll("option").forEach((option) => {
        if (!village.value || option.dataset.village === village.value) {
          options.push(option);
        }
      });
    });
    organisation.replaceChildren(...(empty ? [empty] : []));
    if (village.value) {
      options.forEach((option) => organisation.append(option.cloneNode(true)));
    } else {
      groups.forEach((group) => organisation.append(group.cloneNode(true)));
    }
    organisation.value = options.some((option) => option.value === chosen) ? chosen : "";
  };
  village.addEventListener("change", show);
  show();
});

// A table that scrolls sideways on a phone ({% scroll_table %}): the browser scrolls it only
// as far as a focused link's first pixels, so a long e-mail address stayed out of view. Bring
// the whole focused element in, within the table's own box (WCAG 2.4.11 Focus Not Obscured).
document.addEventListener("focusin", (event) => {
  const box = event.target.closest && event.target.closest(".table-responsive");
  if (!box || event.target === box || box.scrollWidth <= box.clientWidth) {
    return;
  }
  const target = event.target.getBoundingClientRect();
  const bounds = box.getBoundingClientRect();
  if (target.right > bounds.right) {
    box.scrollLeft += Math.min(target.right - bounds.right + 8, target.left - bounds.left);
  } else if (target.left < bounds.left) {
    box.scrollLeft -= bounds.left - target.left + 8;
  }
});
