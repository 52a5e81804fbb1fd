/*
 * Accessibility fixes for Django's admin that a stylesheet cannot make (progressive enhancement;
 * loaded by templates/admin/base_site.html):
 * - a box that scrolls sideways (a list's results, an inline group's table) can be reached and
 *   scrolled with the keyboard, and is named after its heading (WCAG 2.1.1);
 * - a field in a row of a tabular inline group is named after its column (WCAG 1.3.1, 4.1.2);
 * - the select2 boxes of autocomplete fields are named after their label (4.1.2);
 * - the filter icons of a "filter horizontal" field are images with a text, not a bare span
 *   with an aria-label (4.1.2).
 */
(function () {
  "use strict";

  function nameScrollBoxes() {
    document.querySelectorAll("#changelist-form .results, .inline-related.tabular fieldset.module").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth) {
        return;
      }
      var heading = box.querySelector("h2, caption") || document.querySelector("h1");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("data-scroll-region", "");
      if (heading) {
        box.setAttribute("aria-label", heading.textContent.trim());
      }
    });
  }

  function nameTabularFields() {
    document.querySelectorAll(".inline-related.tabular table").forEach(function (table) {
      var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var header = headers[index];
          if (!header) {
            return;
          }
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
            if (!field.labels || field.labels.length === 0) {
              if (!field.hasAttribute("aria-label")) {
                field.setAttribute("aria-label", header.textContent.trim());
              }
            }
          });
        });
      });
    });
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector("label[for='" + select.id + "']");
      var container = select.nextElementSibling;
      if (!label || !container) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "-label";
      }
      container.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (box) {
        box.setAttribute("aria-labelledby", label.id);
      });
    });
  }

  function labelFilterIcons() {
    document.querySelectorAll("span.help-tooltip[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function fix() {
    nameTabularFields();
    nameAutocompletes();
    labelFilterIcons();
    nameScrollBoxes();
  }

  // select2 (on jQuery's ready) and the "filter horizontal" widgets (on load) come first; then
  // the fixes, and a mark on <html> that they are done (the browser tests wait for it).
  var ready = new Promise(function (resolve) {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(resolve);
    } else {
      document.addEventListener("DOMContentLoaded", resolve);
    }
  });
  var loaded = new Promise(function (resolve) {
    window.addEventListener("load", resolve);
  });
  Promise.all([ready, loaded]).then(function () {
    window.setTimeout(function () {
      fix();
      document.documentElement.setAttribute("data-admin-fixed", "");
    }, 0);
  });
  window.addEventListener("resize", nameScrollBoxes);
})();
