// The dashboard: one live feed (/api/events) for the cluster and the jobs, and one per selected job
// (/api/jobs/{id}/events). Both are server-sent events read through fetch, so the token can travel in a header.
'use strict';

const $ = sel => document.querySelector(sel);
const fmt = new Intl.NumberFormat('en-US');
const num = n => (n === null || n === undefined) ? '' : fmt.format(Math.round(n));
const dec = n => (n === null || n === undefined) ? '' : n.toFixed(1);
const mb = b => b ? `${fmt.format(Math.round(b / 1048576))} MB` : '';
function duration(ms) {
  if (ms === null || ms === undefined) return '';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
function text(tag, value, cls) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (cls) el.className = cls;
  return el;
}

function headers() {
  const token = $('#token').value || sessionStorage.getItem('actorcluster-token') || '';
  return token ? { Authorization: `Bearer ${token}` } : {};
}
$('#token').addEventListener('change', () => sessionStorage.setItem('actorcluster-token', $('#token').value));
$('#token').value = sessionStorage.getItem('actorcluster-token') || '';

// Reads a text/event-stream response and calls onEvent(name, data) per event; resolves when the stream ends.
async function readEvents(url, onEvent, signal) {
  const response = await fetch(url, { headers: headers(), signal });
  if (!response.ok) {
    let message = `${response.status}`;
    try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message', data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}

function showProblem(message) {
  const el = $('#problem');
  el.hidden = !message;
  el.textContent = message || '';
}

function renderCluster(cluster) {
  $('#self').textContent = cluster.self;
  $('#member-count').textContent = `${cluster.members.length} nodes`;
  const body = $('#cluster tbody');
  body.replaceChildren(...cluster.members.map(m => {
    const f = m.figures || {};
    const tr = document.createElement('tr');
    tr.className = 'node' + (m.reachable ? '' : ' unreachable');
    tr.dataset.address = m.address;
    // Workload and memory-limit roles are for coordinators (what a node runs and takes); the page shows the others.
    const roles = m.roles.filter(r => !r.startsWith('workload.') && !r.startsWith('memory-limit.')).join(', ');
    // The profiler's reason in short (its first clause) beside the size; the whole reason on hover.
    const why = (f.planReason || '').split(':')[0];
    const pool = f.targetWorkers ? `${f.workers}/${f.targetWorkers}${why ? ` (${why})` : ''}` : '';
    const poolCell = text('td', pool, 'pool');
    poolCell.title = f.planReason || '';
    tr.append(text('td', JobCharts.shortNode(m.address) + (m.self ? ' (this)' : '') + (m.leader ? ' ★' : '')),
      text('td', roles), text('td', m.status + (m.reachable ? '' : ', unreachable')), text('td', duration(f.uptimeMs)),
      text('td', f.cores ?? '', 'num'), poolCell, text('td', dec(f.cpuPercent), 'num'), text('td', mb(f.rssBytes), 'num'),
      text('td', f.memoryPressure || '', `pressure-${f.memoryPressure}`), text('td', dec(f.batchesPerSecond), 'num'));
    return tr;
  }));
}

let selected = null;
function renderJobs(list) {
  $('#job-count').textContent = `${list.jobs.length} jobs`;
  const jobs = [...list.jobs].sort((a, b) => b.id.localeCompare(a.id));
  $('#jobs tbody').replaceChildren(...jobs.map(j => {
    const tr = document.createElement('tr');
    tr.className = `job state-${j.state}` + (j.id === selected ? ' selected' : '');
    tr.dataset.id = j.id;
    const bar = document.createElement('span');
    bar.className = 'bar';
    const fill = document.createElement('span');
    fill.style.width = `${j.percent}%`;
    bar.append(fill);
    const progress = document.createElement('td');
    progress.append(bar, ` ${j.percent.toFixed(1)}%`);
    progress.className = 'percent';
    progress.dataset.percent = j.percent;
    const action = document.createElement('td');
    if (j.state === 'running') {
      const cancel = text('button', 'cancel');
      cancel.addEventListener('click', e => { e.stopPropagation(); cancelJob(j.id); });
      action.append(cancel);
    }
    const items = text('td', `${num(j.itemsCompleted)} / ${num(j.itemsTotal)}`, 'num items');
    items.dataset.completed = j.itemsCompleted;
    items.dataset.total = j.itemsTotal;
    tr.append(text('td', j.id), text('td', j.workload), text('td', j.state, 'state'), progress, items,
      text('td', num(j.itemsPerSecond), 'num'), text('td', j.etaSeconds === null ? '' : duration(j.etaSeconds * 1000), 'num'),
      text('td', duration(j.durationMs), 'num duration'), action);
    tr.addEventListener('click', () => select(j.id));
    return tr;
  }));
  if (!selected && jobs.length) select(jobs[0].id);
}

async function cancelJob(id) {
  if (!headers().Authorization) {
    const token = prompt('Cancelling needs the node\'s admin token (ACTORCLUSTER_ADMIN_TOKEN):');
    if (!token) return;
    $('#token').value = token;
    sessionStorage.setItem('actorcluster-token', token);
  }
  const response = await fetch(`api/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST', headers: headers() });
  if (!response.ok) showProblem(`cancel ${id}: ${(await response.json()).error}`);
}

// The selected job's timeline (GET api/jobs/{id}/timeline) drawn by timeline-charts.js, the script report.html inlines:
// the task stream, batch sizes, workers per node and the failures. Loads run one after another, so the one after the
// job's end always draws last.
function timelineView(id, signal, onColours) {
  let charts = [], chain = Promise.resolve(), durationMs = 0;
  const draw = async () => {
    const response = await fetch(`api/jobs/${encodeURIComponent(id)}/timeline`, { headers: headers(), signal });
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (signal.aborted) return;
    if (!response.ok) {
      $('#timeline-note').textContent = `no timeline: ${(body && body.error) || response.status}`;
      return;
    }
    charts.forEach(c => c.destroy());
    const drawn = ActorClusterTimeline.render(body, {
      taskStream: $('#chart-task-stream'), batchSizes: $('#chart-batch-sizes'), workers: $('#chart-workers'),
      failures: $('#detail-failures tbody'), note: $('#timeline-note'),
    }, { durationMs });
    charts = drawn.charts;
    body.nodes.forEach((node, i) => JobCharts.setColour(node, ActorClusterTimeline.colour(i)));
    onColours();
    const section = $('#detail');
    section.dataset.bars = drawn.bars;
    section.dataset.timelineBatches = body.batchesTotal;
    section.dataset.timelineLoads = Number(section.dataset.timelineLoads || 0) + 1;
  };
  return {
    load(ms) {
      if (ms) durationMs = ms;
      chain = chain.then(draw).catch(e => { if (e.name !== 'AbortError') $('#timeline-note').textContent = `no timeline: ${e.message}`; });
      return chain;
    },
    destroy() { charts.forEach(c => c.destroy()); charts = []; },
  };
}

// The selected job's live view: its status events feed the figures, the node table and the charts; while it runs its
// timeline is fetched again every few seconds, and once more when the stream says it ended.
const TIMELINE_REFRESH_MS = 3000;
let detail = null;
function select(id) {
  if (detail) { detail.abort.abort(); clearInterval(detail.refresh); detail.charts.destroy(); detail.timeline.destroy(); }
  selected = id;
  document.querySelectorAll('tr.job').forEach(tr => tr.classList.toggle('selected', tr.dataset.id === id));
  $('#detail').hidden = false;
  $('#detail-id').textContent = id;
  const charts = JobCharts.create({ throughput: $('#chart-throughput'), share: $('#chart-share') });
  const throughput = [];
  let previous = null;
  const abort = new AbortController();
  const timeline = timelineView(id, abort.signal, () => charts.redraw());
  delete $('#detail').dataset.bars;
  delete $('#detail').dataset.timelineBatches;
  delete $('#detail').dataset.timelineLoads;
  $('#timeline-note').textContent = '';
  $('#detail-failures tbody').replaceChildren();
  let running = true;
  const refresh = setInterval(() => { if (running) timeline.load(previous && previous.durationMs); }, TIMELINE_REFRESH_MS);
  detail = { abort, charts, timeline, refresh };
  timeline.load();
  const onStatus = s => {
    running = s.state === 'running';
    $('#detail-state').textContent = s.state;
    const field = (name, value, raw = s[name]) => { const el = $(`#detail [data-field=${name}]`); el.textContent = value; el.dataset.value = raw ?? ''; };
    field('itemsCompleted', num(s.itemsCompleted));
    field('itemsTotal', num(s.itemsTotal));
    field('batches', num(s.batches));
    field('duration', duration(s.durationMs));
    field('itemsPerSecond', num(s.itemsPerSecond));
    // No node is active once the job has ended (0 would read as if nothing ran it): then the nodes that ran its
    // batches, as `submit` says "ran on K nodes".
    const nodes = running ? s.activeNodes : s.nodes.filter(n => n.batches > 0).length;
    field('activeNodes', num(nodes), nodes);
    $('#detail [data-field=activeNodes]').previousElementSibling.textContent = running ? 'nodes' : 'ran on nodes';
    field('itemsExecutedMoreThanOnce', num(s.itemsExecutedMoreThanOnce));
    const error = $('#detail-error');
    error.hidden = !s.error;
    error.textContent = s.error || '';
    // Throughput between two updates, on the job's own clock (durationMs), so it holds for a job followed from the middle.
    if (previous && s.durationMs > previous.durationMs)
      throughput.push({ t: s.durationMs, itemsPerSecond: (s.itemsCompleted - previous.itemsCompleted) / ((s.durationMs - previous.durationMs) / 1000) });
    else if (!previous)
      throughput.push({ t: s.durationMs, itemsPerSecond: s.itemsPerSecond });
    previous = s;
    charts.update({ throughput, share: s.nodes.map(n => ({ node: n.address, items: n.items })) });
    $('#detail-nodes tbody').replaceChildren(...s.nodes.map(n => {
      const tr = document.createElement('tr');
      tr.className = 'detail-node';
      tr.dataset.address = n.address;
      tr.dataset.items = n.items;
      tr.dataset.batches = n.batches;
      tr.append(text('td', JobCharts.shortNode(n.address)), text('td', n.workers, 'num'), text('td', num(n.batches), 'num'),
        text('td', num(n.items), 'num'), text('td', num(n.busyMs), 'num'), text('td', n.policy || ''), text('td', dec(n.cpuPercent), 'num'));
      return tr;
    }));
  };
  readEvents(`api/jobs/${encodeURIComponent(id)}/events`, (name, data) => {
    if (name === 'status') onStatus(data);
    else if (name === 'end') { running = false; clearInterval(refresh); timeline.load(previous && previous.durationMs); }
  }, abort.signal)
    .catch(e => { if (e.name !== 'AbortError') showProblem(`job ${id}: ${e.message}`); });
}

async function follow() {
  for (;;) {
    try {
      $('#live').textContent = 'live';
      $('#live').classList.remove('off');
      await readEvents('api/events', (name, data) => {
        if (name === 'cluster') renderCluster(data);
        else if (name === 'jobs') { renderJobs(data); showProblem(null); }
        else if (name === 'problem') showProblem(data.error);
      });
    } catch (e) {
      showProblem(`feed: ${e.message}`);
    }
    $('#live').textContent = 'reconnecting';
    $('#live').classList.add('off');
    await new Promise(r => setTimeout(r, 2000));
  }
}

(async () => {
  try {
    const node = await (await fetch('api/node')).json();
    // Off loopback the node shows nothing without its token: ask for it once, before the feed is opened.
    if (node.tokenForReading && !headers().Authorization) {
      const token = prompt('This node shows its cluster and jobs only with its admin token (ACTORCLUSTER_ADMIN_TOKEN):');
      if (token) { $('#token').value = token; sessionStorage.setItem('actorcluster-token', token); }
    }
    if (node.warning) { $('#warning').hidden = false; $('#warning').textContent = `This node runs ${node.warning}`; }
  } catch (e) { /* the feed reports what is wrong */ }
  follow();
})();
