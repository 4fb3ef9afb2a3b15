// The admin pages work without JavaScript except for two conveniences: image upload (the JSON API
// takes the raw file, which a plain HTML form cannot send) and reading a CSV file into the import
// form's text box.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-upload]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const status = form.querySelector(".upload-status");
      const file = form.querySelector("input[type=file]").files[0];
      if (!file) {
        status.textContent = "Choose a file first.";
        return;
      }
      const alt = form.querySelector("input[name=alt]").value;
      const url = form.dataset.upload + "?alt=" + encodeURIComponent(alt);
      status.textContent = "Uploading…";
      try {
        const response = await fetch(url, {
          method: "POST",
          // The session's CSRF token, which the layout puts in a meta element for scripts.
          headers: {
            "Content-Type": file.type || "application/octet-stream",
            "X-CSRF-Token": document.querySelector("meta[name=csrf-token]").content,
          },
          body: file,
          credentials: "same-origin",
        });
        if (response.ok) {
          window.location.reload();
          return;
        }
        let message = response.status + " " + response.statusText;
        try {
          const problem = await response.json();
          message = problem.detail || problem.title || message;
        } catch (ignored) {
          // Not problem+json: the status line says enough.
        }
        status.textContent = "Upload refused: " + message;
      } catch (error) {
        status.textContent = "Upload failed: " + error.message;
      }
    });
  }

  for (const input of document.querySelectorAll("input[data-csv-into]")) {
    input.closest(".js-only").hidden = false;
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (file) {
        document.getElementById(input.dataset.csvInto).value = await file.text();
      }
    });
  }
});
