// The print views' "Print" button (the pages' policy allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-now");
  if (button) button.addEventListener("click", function () { window.print(); });
});
