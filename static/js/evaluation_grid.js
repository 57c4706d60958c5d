/* Score grid: each cell saves on its own (POST, JSON answer), keyboard-friendly.
   Enter saves the cell (on every row, the last one too) and goes down; Tab saves through the
   change event and goes right; F2 opens the comment and evidence dialog. A cell's saves go out
   one after the other, each with the version the previous answer gave, so a quick second edit
   is never refused as stale. Optimistic concurrency: the cell sends the version it showed; a
   409 answer carries the newer value, which replaces the cell's. No inline script (CSP). */
(function () {
  "use strict";

  var grid = document.getElementById("score-grid");
  var source = document.getElementById("grid-data");
  if (!grid || !source) {
    return;
  }
  var config = JSON.parse(source.textContent);
  var texts = document.getElementById("grid-messages").dataset;
  var status = document.getElementById("grid-status");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var modalElement = document.getElementById("cell-modal");
  var modal = window.bootstrap ? new window.bootstrap.Modal(modalElement) : null;
  var modalCell = null;
  var queues = new WeakMap();

  // The evaluatee's provisional total, rank and band (暂定) as the save's answer gives them.
  function showProvisional(evaluatee, figures) {
    var cell = document.querySelector('[data-provisional="' + evaluatee + '"]');
    if (!cell || !figures) {
      return;
    }
    ["total", "rank", "band"].forEach(function (name, i) {
      var span = cell.querySelector('[data-field="' + name + '"]');
      if (!span) {
        span = document.createElement("span");
        span.dataset.field = name;
        if (i) {
          cell.append(" \u00b7 ");
        }
        cell.append(span);
      }
      span.textContent = figures[name];
    });
  }

  function feedback(input, message, ok) {
    var td = input.closest("td");
    var box = td.querySelector(".grid-error");
    var mark = td.querySelector(".grid-mark");
    input.classList.toggle("is-invalid", !ok);
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    td.classList.toggle("grid-saved", ok);
    mark.textContent = ok ? "\u2713" : "";
    box.textContent = ok ? "" : message;
    status.textContent = message;
  }

  function send(input, points, extra) {
    var body = new FormData();
    body.append("indicator", input.dataset.indicator);
    body.append("evaluatee", input.dataset.evaluatee);
    body.append("points", points);
    body.append("version", input.dataset.version || "0");
    if (extra) {
      Object.keys(extra).forEach(function (key) {
        if (extra[key] !== null && extra[key] !== undefined) {
          body.append(key, extra[key]);
        }
      });
    }
    input.setAttribute("aria-busy", "true");
    return fetch(config.saveUrl, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "XMLHttpRequest" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        }, function () {
          return { status: response.status, data: { ok: false, error: texts.failed } };
        });
      })
      .then(function (answer) {
        var data = answer.data;
        input.removeAttribute("aria-busy");
        if (answer.status === 200 && data.ok) {
          input.dataset.version = data.version;
          input.dataset.saved = data.points;
          input.dataset.comment = data.comment || "";
          showProvisional(input.dataset.evaluatee, data.provisional);
          if (input.value.trim() === points) {
            input.value = data.points;
          }
          feedback(input, texts.saved, true);
          return true;
        }
        if (answer.status === 409 && data.current) {
          input.dataset.version = data.current.version;
          input.dataset.saved = data.current.points;
          input.dataset.comment = data.current.comment || "";
          input.value = data.current.points;
          feedback(input, texts.stale, false);
          return false;
        }
        feedback(input, data.error || texts.failed, false);
        return false;
      })
      .catch(function () {
        input.removeAttribute("aria-busy");
        feedback(input, texts.failed, false);
        return false;
      });
  }

  /* Queue a save of the cell's value (or of its comment and evidence): saves of one cell wait
     for the one before. Nothing is sent when the value is the one saved or already on its way. */
  function save(input, extra) {
    var points = input.value.trim();
    if (!extra && (points === input.dataset.saved || points === input.dataset.pending)) {
      return Promise.resolve(true);
    }
    input.dataset.pending = points;
    var previous = queues.get(input) || Promise.resolve(true);
    var next = previous.then(function () {
      return send(input, points, extra);
    }).then(function (ok) {
      if (input.dataset.pending === points) {
        delete input.dataset.pending;
      }
      return ok;
    });
    queues.set(input, next);
    return next;
  }

  var cells = Array.prototype.slice.call(grid.querySelectorAll(".grid-cell"));
  cells.forEach(function (input) {
    input.dataset.saved = input.value;
  });

  function cellAt(row, col) {
    return grid.querySelector('.grid-cell[data-row="' + row + '"][data-col="' + col + '"]');
  }

  function move(input, dRow, dCol) {
    var next = cellAt(Number(input.dataset.row) + dRow, Number(input.dataset.col) + dCol);
    if (next) {
      next.focus();
      next.select();
      return true;
    }
    return false;
  }

  function openDialog(input) {
    if (!modal) {
      return;
    }
    modalCell = input;
    document.getElementById("cell-comment").value = modalCell.dataset.comment || "";
    document.getElementById("cell-evidence").value = "";
    document.getElementById("cell-error").textContent = "";
    modal.show();
  }

  grid.addEventListener("change", function (event) {
    var input = event.target;
    if (input.classList.contains("grid-cell")) {
      save(input);
    }
  });

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList.contains("grid-cell")) {
      return;
    }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    if (event.key === "Enter") {
      event.preventDefault();
      // Save here, whatever comes next: on the last row there is no next cell to blur to.
      save(input);
      if (!move(input, 1, 0)) {
        input.select();
      }
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      move(input, 1, 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(input, -1, 0);
    } else if (event.key === "ArrowLeft" && atStart) {
      move(input, 0, -1);
    } else if (event.key === "ArrowRight" && atEnd) {
      move(input, 0, 1);
    } else if (event.key === "Escape") {
      input.value = input.dataset.saved;
    } else if (event.key === "F2") {
      event.preventDefault();
      openDialog(input);
    }
  });

  grid.addEventListener("click", function (event) {
    var button = event.target.closest(".grid-more");
    if (button) {
      openDialog(button.closest("td").querySelector(".grid-cell"));
    }
  });

  if (modalElement) {
    modalElement.addEventListener("hidden.bs.modal", function () {
      if (modalCell) {
        modalCell.focus();
      }
    });
  }

  document.getElementById("cell-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!modalCell) {
      return;
    }
    var file = document.getElementById("cell-evidence").files[0];
    save(modalCell, { comment: document.getElementById("cell-comment").value, evidence: file }).then(function (ok) {
      if (ok) {
        modal.hide();
      } else {
        document.getElementById("cell-error").textContent = status.textContent;
      }
    });
  });
})();
