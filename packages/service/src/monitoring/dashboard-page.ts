/**
 * The dashboard page: fetches the monitoring endpoints every two seconds and draws them with
 * Chart.js. Relative URLs only, so it also works behind a path prefix.
 */
export const kDashboardHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mlserve dashboard</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 20px; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; padding: 14px; }
  section { background: #fff; border-radius: 6px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); min-height: 120px; }
  section h2 { font-size: 14px; margin: 0 0 8px; color: #4a5468; text-transform: uppercase; letter-spacing: .04em; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eceef2; }
  .ok { background: #e3f6e8; } .warn { background: #fff3cd; } .alert { background: #fbdcdc; }
  .badge { padding: 1px 8px; border-radius: 9px; font-weight: 600; }
  .figures { display: flex; gap: 18px; margin-bottom: 6px; } .figures b { font-size: 18px; }
  .wide { grid-column: 1 / -1; } .scroll { max-height: 340px; overflow: auto; }
  canvas { max-height: 260px; }
  #importances canvas { max-height: 360px; }
</style>
</head>
<body>
<header><h1>mlserve</h1><span id="model-name">loading…</span><span id="overall"></span></header>
<main>
  <section id="card"><h2>Model card</h2><table id="card-table"></table></section>
  <section id="importances"><h2>Feature importances (top 15)</h2><canvas id="importances-chart"></canvas></section>
  <section id="rate"><h2>Request rate</h2><div class="figures"><span><b id="rate-now">–</b> req/s (10 s)</span><span><b id="rate-total">–</b> requests</span></div><canvas id="rate-chart"></canvas></section>
  <section id="latency"><h2>Latency (predict, ms)</h2><div class="figures"><span>p50 <b id="p50">–</b></span><span>p90 <b id="p90">–</b></span><span>p99 <b id="p99">–</b></span></div><canvas id="latency-chart"></canvas></section>
  <section id="batches"><h2>Batch sizes (rows per runner batch)</h2><canvas id="batches-chart"></canvas></section>
  <section id="accuracy"><h2>Accuracy over time</h2><div class="figures"><span>now <b id="accuracy-now">–</b></span><span>baseline <b id="accuracy-baseline">–</b></span><span id="accuracy-status"></span></div><canvas id="accuracy-chart"></canvas></section>
  <section id="drift" class="wide"><h2>Drift (PSI against the training data)</h2><div class="figures"><span>window <b id="drift-window">–</b> rows</span><span>prediction PSI <b id="drift-prediction">–</b></span><span id="drift-status"></span></div><div class="scroll"><table id="drift-table"></table></div></section>
</main>
<script src="dashboard/chart.umd.min.js"></script>
<script>
(function () {
  var charts = {};
  var latencyHistory = { p50: [], p90: [], p99: [] };
  function el(id) { return document.getElementById(id); }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function fmt(x, d) { return x === null || x === undefined ? '–' : Number(x).toFixed(d === undefined ? 3 : d); }
  function badge(status) { return '<span class="badge ' + esc(status) + '">' + esc(status) + '</span>'; }
  function filled(id) { el(id).setAttribute('data-filled', 'true'); }
  function chart(id, type, options) {
    if (!charts[id]) charts[id] = new Chart(el(id), Object.assign({ type: type, data: { labels: [], datasets: [] }, options: { animation: false, responsive: true, plugins: { legend: { display: false } } } }, options || {}));
    return charts[id];
  }
  function setData(c, labels, datasets) { c.data.labels = labels; c.data.datasets = datasets; c.update(); }
  function get(path) { return fetch(path, { headers: { accept: 'application/json' } }).then(function (r) { return r.json(); }); }

  function drawCard(card) {
    el('model-name').textContent = card.tag || card.name;
    var rows = [['name', card.name], ['version', card.tag], ['task', card.task], ['created', card.createdAt], ['classes', (card.classes || []).join(', ')], ['features', card.features.length + ': ' + card.features.join(', ')]];
    Object.keys(card.metrics || {}).forEach(function (k) { rows.push(['metric ' + k, fmt(card.metrics[k], 4)]); });
    Object.keys(card.metadata || {}).forEach(function (k) {
      if (k === 'featureImportances' || k === 'features' || k === 'featureNames') return;
      var v = card.metadata[k]; rows.push([k, typeof v === 'object' ? JSON.stringify(v) : v]);
    });
    el('card-table').innerHTML = rows.map(function (r) { return '<tr><th>' + esc(r[0]) + '</th><td>' + esc(r[1] === undefined ? '–' : r[1]) + '</td></tr>'; }).join('');
    filled('card');
    var top = (card.importances || []).slice(0, 15);
    if (top.length > 0) {
      setData(chart('importances-chart', 'bar', { options: { indexAxis: 'y', animation: false, scales: { y: { ticks: { autoSkip: false } } }, plugins: { legend: { display: false } } } }),
        top.map(function (i) { return i.feature; }), [{ data: top.map(function (i) { return i.importance; }), backgroundColor: '#3b6fd8' }]);
      filled('importances');
    }
  }
  function drawTraffic(t) {
    el('rate-now').textContent = fmt(t.requestRate, 1);
    el('rate-total').textContent = t.requests;
    setData(chart('rate-chart', 'line'), t.rateHistory.map(function (_, i) { return (i - 59) + ' s'; }), [{ data: t.rateHistory, borderColor: '#3b6fd8', fill: false, pointRadius: 0 }]);
    if (t.requests > 0) filled('rate');
    el('p50').textContent = fmt(t.latencyMs.p50, 2); el('p90').textContent = fmt(t.latencyMs.p90, 2); el('p99').textContent = fmt(t.latencyMs.p99, 2);
    ['p50', 'p90', 'p99'].forEach(function (k) { latencyHistory[k].push(t.latencyMs[k]); if (latencyHistory[k].length > 60) latencyHistory[k].shift(); });
    setData(chart('latency-chart', 'line', { options: { animation: false, plugins: { legend: { display: true } } } }), latencyHistory.p50.map(function (_, i) { return i; }), [
      { label: 'p50', data: latencyHistory.p50, borderColor: '#2e9e5b', pointRadius: 0 },
      { label: 'p90', data: latencyHistory.p90, borderColor: '#e0a100', pointRadius: 0 },
      { label: 'p99', data: latencyHistory.p99, borderColor: '#d64545', pointRadius: 0 }]);
    if (t.latencyMs.p50 !== null) filled('latency');
    var sizes = Object.keys(t.batchSizes);
    setData(chart('batches-chart', 'bar'), sizes.map(function (s) { return s === '>512' ? s : '≤' + s; }), [{ data: sizes.map(function (s) { return t.batchSizes[s]; }), backgroundColor: '#7a5bd6' }]);
    if (sizes.some(function (s) { return t.batchSizes[s] > 0; })) filled('batches');
  }
  function drawDrift(d) {
    if (!d || d.reference === false) { el('drift-table').innerHTML = '<tr><td>' + esc(d ? d.message : 'no model') + '</td></tr>'; return; }
    el('drift-window').textContent = d.windowSize;
    el('drift-prediction').textContent = fmt(d.prediction.psi);
    el('drift-status').innerHTML = badge(d.status);
    var names = Object.keys(d.features).sort(function (a, b) { return (d.features[b].psi || 0) - (d.features[a].psi || 0); });
    el('drift-table').innerHTML = '<tr><th>feature</th><th>PSI</th><th>status</th></tr>' + names.map(function (n) {
      var f = d.features[n]; return '<tr class="' + esc(f.status) + '"><td>' + esc(n) + '</td><td>' + fmt(f.psi) + '</td><td>' + esc(f.status) + '</td></tr>';
    }).join('');
    if (d.windowSize > 0 && names.some(function (n) { return d.features[n].psi !== null; })) filled('drift');
  }
  function drawPerformance(p) {
    var value = p.task === 'regression' ? p.mae : p.accuracy;
    el('accuracy-now').textContent = fmt(value, 4);
    el('accuracy-baseline').textContent = fmt(p.baseline, 4);
    el('accuracy-status').innerHTML = badge(p.status);
    var datasets = [{ label: p.task === 'regression' ? 'MAE' : 'accuracy', data: p.history.map(function (h) { return h.value; }), borderColor: '#3b6fd8', pointRadius: 2 }];
    if (p.threshold !== null) datasets.push({ label: 'alert threshold', data: p.history.map(function () { return p.threshold; }), borderColor: '#d64545', borderDash: [6, 4], pointRadius: 0 });
    setData(chart('accuracy-chart', 'line', { options: { animation: false, plugins: { legend: { display: true } } } }), p.history.map(function (h) { return h.at.slice(11, 19); }), datasets);
    if (p.history.length > 0) filled('accuracy');
  }
  function refresh() {
    Promise.all([get('monitoring/models'), get('monitoring/traffic'), get('monitoring/drift'), get('monitoring/performance')]).then(function (r) {
      if (r[0].models.length > 0) drawCard(r[0].models[0]);
      if (r[1].models.length > 0) drawTraffic(r[1].models[0]);
      drawDrift(r[2].models[0]);
      if (r[3].models.length > 0) drawPerformance(r[3].models[0]);
      el('overall').innerHTML = 'drift ' + badge(r[2].status) + ' performance ' + badge(r[3].status);
      document.body.setAttribute('data-refreshed', String(Date.now()));
    }).catch(function (err) { el('overall').textContent = 'cannot reach the service: ' + err.message; });
  }
  refresh();
  setInterval(refresh, 2000);
})();
</script>
</body>
</html>
`;
