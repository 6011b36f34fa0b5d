// Draws every <div class="chart" data-figure="{...plotly figure...}"> with plotly.js,
// which the app serves itself (/static/vendor/plotly.min.js): nothing from a CDN.
(function () {
  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll('div.chart[data-figure]').forEach(function (el) {
      try {
        var fig = JSON.parse(el.getAttribute('data-figure'));
        window.Plotly.newPlot(el, fig.data, fig.layout, {displayModeBar: false, responsive: true});
        el.setAttribute('data-drawn', 'yes');
      } catch (err) {
        el.textContent = 'chart unavailable';
      }
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
  else draw();
})();
