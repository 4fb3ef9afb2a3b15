// Progressive enhancement only: every page works without this file. Filter changes apply at once
// (the form is a plain GET form with an Apply button for everyone else).
document.addEventListener("change", function (event) {
  var form = event.target && event.target.form;
  if (form && form.classList.contains("filters") && event.target.type !== "text") {
    form.submit();
  }
});
