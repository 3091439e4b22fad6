/*
 * ActorCluster job timeline charts: draws a job's timeline (report.json's "timeline" object) with Chart.js.
 * Self-contained apart from Chart.js (window.Chart), so report.html inlines it and a dashboard can load it as is:
 *
 *   ActorClusterTimeline.render(timeline, {
 *     throughput: canvas, share: canvas, taskStream: canvas, batchSizes: canvas, workers: canvas,
 *     failures: tbody, note: element   // any of them may be left out
 *   }, { durationMs })                 // returns { charts, bars } (bars: the task stream's bar count)
 *
 * colour(nodeIndex) is the colour of timeline.nodes[nodeIndex] in every chart, for other charts on the same page.
 *
 * Text from the job (node addresses, errors) only ever goes into textContent or Chart.js labels, never into HTML.
 */
(function (global) {
  'use strict';

  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

  function colour(node) { return PALETTE[node % PALETTE.length]; }

  /** "akka.tcp://actorcluster@10.0.0.5:4053" -> "10.0.0.5:4053": the part that tells nodes apart. */
  function shortNode(address) {
    const at = address.lastIndexOf('@');
    return at >= 0 ? address.slice(at + 1) : address;
  }

  function seconds(ms) { return ms / 1000; }

  function axis(title, extra) {
    return Object.assign({ title: { display: true, text: title } }, extra || {});
  }

  function baseOptions(extra) {
    return Object.assign({
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom' } },
    }, extra);
  }

  /** The batches as rows: the columns of timeline.batches zipped. */
  function batchRows(t) {
    const b = t.batches, rows = [];
    for (let i = 0; i < b.node.length; i++)
      rows.push({ node: b.node[i], worker: b.worker[i], startMs: b.startMs[i], endMs: b.endMs[i], firstItem: b.firstItem[i], items: b.items[i] });
    return rows;
  }

  function bucketRows(t) {
    const b = t.buckets, rows = [];
    for (let i = 0; i < b.node.length; i++)
      rows.push({ atMs: b.atMs[i], node: b.node[i], batches: b.batches[i], items: b.items[i], busyMs: b.busyMs[i], maxBatchItems: b.maxBatchItems[i] });
    return rows;
  }

  /** Every batch is in full: the plots can use finer bins than the recorded buckets. */
  function complete(t) { return t.batches.node.length === t.batchesTotal; }

  /** Items finished per node in bins: from the batches when all are there (about 60 bins), else the recorded buckets. */
  function bins(t, batches, durationMs) {
    if (complete(t) && batches.length > 0) {
      const end = Math.max(durationMs || 0, ...batches.map(b => b.endMs), 1);
      const width = Math.max(1, Math.ceil(end / 40));
      const out = [];
      for (const b of batches) {
        const at = Math.floor(Math.max(0, b.endMs) / width) * width;
        out.push({ atMs: at, node: b.node, batches: 1, items: b.items, maxBatchItems: b.items });
      }
      return { width, rows: out };
    }
    return { width: t.bucketMs, rows: bucketRows(t) };
  }

  function byNodeSeries(t, binned, value) {
    const sums = new Map();
    for (const r of binned.rows) {
      const key = r.node + ':' + r.atMs;
      const s = sums.get(key) || { node: r.node, atMs: r.atMs, batches: 0, items: 0, max: 0 };
      s.batches += r.batches; s.items += r.items; s.max = Math.max(s.max, r.maxBatchItems);
      sums.set(key, s);
    }
    const times = [...new Set([...sums.values()].map(s => s.atMs))].sort((a, b) => a - b);
    return t.nodes.map((name, node) => ({
      label: shortNode(name),
      node,
      points: times.map(at => {
        const s = sums.get(node + ':' + at);
        return { x: seconds(at + binned.width / 2), y: s ? value(s, binned.width) : 0 };
      }),
    }));
  }

  function drawThroughput(canvas, t, batches, durationMs) {
    const binned = bins(t, batches, durationMs);
    const series = byNodeSeries(t, binned, (s, width) => s.items / (width / 1000));
    // A stacked histogram: one bar per bin, a segment per node.
    return new Chart(canvas, {
      type: 'bar',
      data: {
        datasets: series.map(s => ({
          label: s.label, data: s.points, backgroundColor: colour(s.node), barPercentage: 1, categoryPercentage: 1,
        })),
      },
      options: baseOptions({
        scales: {
          x: axis('seconds since the job started (bins of ' + binned.width / 1000 + ' s)', { type: 'linear', min: 0, stacked: true, offset: false }),
          y: axis('items per second', { stacked: true, beginAtZero: true }),
        },
      }),
    });
  }

  function drawShare(canvas, t) {
    const items = t.nodes.map(() => 0);
    const b = t.buckets;
    for (let i = 0; i < b.node.length; i++) items[b.node[i]] += b.items[i];
    return new Chart(canvas, {
      type: 'doughnut',
      data: {
        labels: t.nodes.map(shortNode),
        datasets: [{ label: 'items', data: items, backgroundColor: t.nodes.map((_, n) => colour(n)) }],
      },
      options: baseOptions({ plugins: { legend: { position: 'right' } } }),
    });
  }

  /** One lane per worker of each node, one floating bar per batch, coloured by node (as Dask's task stream). */
  function drawTaskStream(canvas, t, batches) {
    const laneOf = b => shortNode(t.nodes[b.node]) + (b.worker >= 0 ? ' #' + b.worker : ' #?');
    const lanes = [...new Set(batches.map(laneOf))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const datasets = t.nodes.map((name, node) => ({
      label: shortNode(name),
      data: batches.filter(b => b.node === node).map(b => ({ x: [seconds(b.startMs), seconds(b.endMs)], y: laneOf(b), batch: b })),
      backgroundColor: colour(node), borderColor: colour(node), borderWidth: 0, minBarLength: 2, grouped: false,
      barPercentage: 0.9, categoryPercentage: 0.9,
    })).filter(d => d.data.length > 0);
    canvas.parentElement.style.height = Math.max(160, 40 + lanes.length * 18) + 'px';
    const chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: lanes, datasets },
      options: baseOptions({
        indexAxis: 'y',
        scales: {
          // Only the last batches are kept of a big job: the axis starts where they do.
          x: axis('seconds since the job started', { type: 'linear', min: complete(t) || batches.length === 0 ? 0 : seconds(Math.min(...batches.map(b => b.startMs))) }),
          y: axis('node #worker', { type: 'category', labels: lanes, ticks: { autoSkip: false } }),
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: ctx => {
                const b = ctx.raw.batch;
                return `items [${b.firstItem}, ${b.firstItem + b.items}): ${(b.endMs - b.startMs).toFixed(1)} ms`;
              },
            },
          },
        },
      }),
    });
    return { chart, bars: datasets.reduce((n, d) => n + d.data.length, 0) };
  }

  function drawBatchSizes(canvas, t, batches, durationMs) {
    const datasets = t.nodes.map((name, node) => ({
      type: 'scatter', label: shortNode(name) + ' (batch)',
      data: batches.filter(b => b.node === node).map(b => ({ x: seconds(b.endMs), y: b.items })),
      backgroundColor: colour(node), pointRadius: 2,
    })).filter(d => d.data.length > 0);
    if (!complete(t)) {
      // The older batches are only in the buckets: their mean and largest batch per bucket.
      const series = byNodeSeries(t, { width: t.bucketMs, rows: bucketRows(t) }, s => s.batches ? s.items / s.batches : null);
      for (const s of series)
        datasets.push({ type: 'line', label: s.label + ' (mean per ' + t.bucketMs / 1000 + ' s)', data: s.points.filter(p => p.y !== null && p.y > 0),
          borderColor: colour(s.node), pointRadius: 0, borderWidth: 1.5 });
    }
    return new Chart(canvas, {
      type: 'scatter',
      data: { datasets },
      options: baseOptions({
        scales: {
          x: axis('seconds since the job started', { type: 'linear', min: 0, suggestedMax: seconds(durationMs || 0) }),
          y: axis('items per batch', { beginAtZero: true }),
        },
      }),
    });
  }

  function drawWorkers(canvas, t, durationMs) {
    const lastMs = Math.max(durationMs || 0, ...t.workers.map(w => w.atMs), 0);
    const datasets = t.nodes.map((name, node) => {
      const points = t.workers.filter(w => w.node === node).map(w => ({ x: seconds(Math.max(0, w.atMs)), y: w.workers }));
      if (points.length > 0) points.push({ x: seconds(lastMs), y: points[points.length - 1].y });
      return { label: shortNode(name), data: points, borderColor: colour(node), backgroundColor: colour(node), stepped: 'before', pointRadius: 2 };
    }).filter(d => d.data.length > 0);
    return new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: baseOptions({
        scales: {
          x: axis('seconds since the job started', { type: 'linear', min: 0 }),
          y: axis('workers', { beginAtZero: true, ticks: { precision: 0 } }),
        },
      }),
    });
  }

  function fillFailures(tbody, t) {
    tbody.replaceChildren();
    if (t.failures.length === 0) {
      const row = tbody.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 5;
      cell.textContent = 'no batch failed';
      return;
    }
    for (const f of t.failures) {
      const row = tbody.insertRow();
      row.insertCell().textContent = seconds(f.atMs).toFixed(2);
      row.insertCell().textContent = shortNode(t.nodes[f.node] || '?');
      row.insertCell().textContent = `[${f.firstItem}, ${f.firstItem + f.items})`;
      row.insertCell().textContent = f.willRetry ? 'runs again' : 'gave up';
      row.insertCell().textContent = f.error;
    }
  }

  function describe(t) {
    const shown = t.batches.node.length;
    const parts = [];
    parts.push(complete(t)
      ? `task stream: all ${shown.toLocaleString('en')} batches`
      : `task stream: the last ${shown.toLocaleString('en')} of ${t.batchesTotal.toLocaleString('en')} batches; ` +
        `throughput and batch sizes of the others from ${t.bucketMs / 1000} s buckets`);
    if (t.failuresTotal > t.failures.length)
      parts.push(`the last ${t.failures.length} of ${t.failuresTotal} failures`);
    return parts.join('; ');
  }

  function render(timeline, elements, options) {
    const t = timeline, el = elements || {}, durationMs = (options && options.durationMs) || 0;
    const batches = batchRows(t);
    const charts = [];
    let bars = 0;
    if (el.throughput) charts.push(drawThroughput(el.throughput, t, batches, durationMs));
    if (el.share) charts.push(drawShare(el.share, t));
    if (el.taskStream) {
      const stream = drawTaskStream(el.taskStream, t, batches);
      charts.push(stream.chart);
      bars = stream.bars;
    }
    if (el.batchSizes) charts.push(drawBatchSizes(el.batchSizes, t, batches, durationMs));
    if (el.workers) charts.push(drawWorkers(el.workers, t, durationMs));
    if (el.failures) fillFailures(el.failures, t);
    if (el.note) el.note.textContent = describe(t);
    return { charts, bars };
  }

  global.ActorClusterTimeline = { render, shortNode, colour };
})(typeof window !== 'undefined' ? window : globalThis);
