/* Progress of a computation run: polls the run's status (JSON) until it finishes. */
(function () {
  "use strict";

  var source = document.getElementById("run-data");
  if (!source) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var bar = document.getElementById("run-progress-bar");
  var progress = document.getElementById("run-progress");

  function show(state) {
    bar.style.width = state.progress + "%";
    bar.textContent = state.progress + " %";
    progress.setAttribute("aria-valuenow", state.progress);
    document.getElementById("run-status").textContent = state.status_label;
    if (state.error) {
      var error = document.getElementById("run-error");
      error.textContent = state.error;
      error.classList.remove("d-none");
    }
    if (state.status === "succeeded") {
      document.getElementById("run-done").classList.remove("d-none");
      bar.classList.remove("progress-bar-striped");
    }
  }

  function poll() {
    fetch(data.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.finished) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  show(data);
  if (!data.finished) {
    window.setTimeout(poll, 500);
  }
})();
