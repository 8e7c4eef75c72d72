// Draws the insight charts: each <div data-chart="ID"> gets the plotly figure stored as JSON in
// <script type="application/json" id="ID">. No inline script, so the CSP nonce holds.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      if (!spec.data.length) { return; }
      window.Plotly.newPlot(el, spec.data, spec.layout, {
        displayModeBar: false, responsive: true, locale: "da"
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
