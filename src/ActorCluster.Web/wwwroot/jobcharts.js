// The job-detail view's charts, on Chart.js (vendor/chart.umd.min.js). Everything here takes plain JSON arrays, so
// other views (the task stream, report.html) can feed it the same way:
//   const charts = JobCharts.create({ throughput: canvas, share: canvas });
//   charts.update({ throughput: [{ t: unixMs, itemsPerSecond }], share: [{ node, items }] });
//   JobCharts.setColour(node, colour); charts.redraw();
//   charts.destroy();
(function (global) {
  'use strict';
  const palette = ['#1e88e5', '#43a047', '#fb8c00', '#8e24aa', '#e53935', '#00897b', '#6d4c41', '#3949ab'];

  // One colour per node, the same in every chart of the page; the timeline's charts set theirs (setColour) once loaded.
  const colours = new Map();
  function colourOf(node) {
    if (!colours.has(node)) colours.set(node, palette[colours.size % palette.length]);
    return colours.get(node);
  }
  function setColour(node, colour) { colours.set(node, colour); }

  function shortNode(address) {
    const at = address.lastIndexOf('@');
    return at >= 0 ? address.slice(at + 1) : address;
  }

  function create(canvases) {
    const common = { animation: false, responsive: true, maintainAspectRatio: false };
    const throughput = new Chart(canvases.throughput, {
      type: 'line',
      data: { labels: [], datasets: [{ label: 'items/s', data: [], borderColor: palette[0], backgroundColor: palette[0], pointRadius: 2, tension: 0.2 }] },
      options: { ...common, plugins: { legend: { display: false } },
        scales: { x: { title: { display: true, text: 'seconds since start' } }, y: { beginAtZero: true } } },
    });
    const share = new Chart(canvases.share, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'items', data: [], backgroundColor: [] }] },
      options: { ...common, indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
    });

    let last = { throughput: [], share: [] };
    return {
      update(series) {
        last = series;
        const points = series.throughput || [];
        const t0 = points.length ? points[0].t : 0;
        throughput.data.labels = points.map(p => ((p.t - t0) / 1000).toFixed(1));
        throughput.data.datasets[0].data = points.map(p => p.itemsPerSecond);
        throughput.update('none');
        const nodes = series.share || [];
        share.data.labels = nodes.map(n => shortNode(n.node));
        share.data.datasets[0].data = nodes.map(n => n.items);
        share.data.datasets[0].backgroundColor = nodes.map(n => colourOf(n.node));
        share.update('none');
      },
      /** Draws the last series again, after setColour. */
      redraw() { this.update(last); },
      destroy() { throughput.destroy(); share.destroy(); },
    };
  }

  global.JobCharts = { create, colourOf, setColour, shortNode };
})(window);
