/* The rotation proposal form: as a teacher (or the start date) is chosen, show the teacher's
 * eligibility for an exchange beside the form. The server renders the panel
 * (staff:rotation_eligibility, scoped like every page); without JavaScript it is shown once the
 * form comes back. No inline script (CSP). */
(function () {
  "use strict";
  var staff = document.getElementById("id_staff");
  var start = document.getElementById("id_start_on");
  var panel = document.getElementById("rotation-eligibility");
  if (!staff || !panel || !staff.dataset.eligibilityUrl) {
    return;
  }
  var empty = panel.innerHTML;
  var pending = null;

  function refresh() {
    var pk = staff.value;
    if (!pk) {
      panel.innerHTML = empty;
      return;
    }
    // The URL is reversed with a placeholder id 0: …/eligibility/0/ → …/eligibility/<pk>/
    var url = staff.dataset.eligibilityUrl.replace(/\/0\/$/, "/" + encodeURIComponent(pk) + "/");
    if (start && start.value) {
      url += "?on=" + encodeURIComponent(start.value);
    }
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    panel.setAttribute("aria-busy", "true");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: pending.signal })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        panel.innerHTML = data.html;
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          panel.innerHTML = empty;
        }
      })
      .finally(function () {
        panel.removeAttribute("aria-busy");
      });
  }

  staff.addEventListener("change", refresh);
  if (start) {
    start.addEventListener("change", refresh);
  }
})();
