// SPDX-License-Identifier: Apache-2.0
// series.js: the JSON shape the dashboard draws ("vigie series", docs/console.md) and the
// adapters that turn an endpoint's answer into it. The shape:
//   { "charts": [ { "id": "reports", "title": "Reports filed per day", "unit": "reports",
//                   "kind": "steps" | "lines",  // steps: counts per bucket
//                   "x": [unix seconds, ...],                  // bucket starts, ascending
//                   "series": [ { "label": "notices", "values": [n, ...] }, ... ] } ] }
// Every series has one value per x (null for no value). An endpoint that answers this shape
// (the dashboard endpoint, /api/v1/dashboard) is drawn as it is; others get an adapter here.

const HOUR = 3600;
const DAY = 86400;

// Checks the shape; throws an Error naming the first problem.
export function validate(data) {
  if (!data || !Array.isArray(data.charts)) throw new Error('series: "charts" must be an array');
  data.charts.forEach((c, i) => {
    if (!Array.isArray(c.x) || !c.x.every((t) => Number.isFinite(t)))
      throw new Error(`series: charts[${i}].x must be an array of numbers`);
    for (let k = 1; k < c.x.length; k++)
      if (c.x[k] <= c.x[k - 1]) throw new Error(`series: charts[${i}].x must ascend`);
    if (!Array.isArray(c.series)) throw new Error(`series: charts[${i}].series must be an array`);
    c.series.forEach((s, j) => {
      if (typeof s.label !== 'string') throw new Error(`series: charts[${i}].series[${j}].label must be a string`);
      if (!Array.isArray(s.values) || s.values.length !== c.x.length)
        throw new Error(`series: charts[${i}].series[${j}].values must have one value per x`);
      if (!s.values.every((v) => v === null || Number.isFinite(v)))
        throw new Error(`series: charts[${i}].series[${j}].values must be numbers or null`);
    });
  });
  return data;
}

// /api/v1/reports ({reports: [...]}) to one step chart of reports and notices per bucket: an
// hour when they span two days or less, else a day. Empty buckets between count zero.
export function fromReports(answer) {
  const reports = answer.reports || [];
  if (!reports.length)
    return { charts: [{ id: 'reports', title: 'Reports and notices filed', unit: 'filed', kind: 'steps', x: [], series: [] }] };
  const times = reports.map((r) => r.created_at);
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const step = hi - lo <= 2 * DAY ? HOUR : DAY;
  const first = Math.floor(lo / step) * step;
  const n = Math.floor((hi - first) / step) + 1;
  const x = Array.from({ length: n }, (_, i) => first + i * step);
  const kinds = ['report', 'notice'];
  const counts = Object.fromEntries(kinds.map((k) => [k, new Array(n).fill(0)]));
  for (const r of reports) {
    const b = Math.floor((r.created_at - first) / step);
    if (counts[r.kind]) counts[r.kind][b] += 1;
  }
  return {
    charts: [{
      id: 'reports',
      title: `Reports and notices filed per ${step === HOUR ? 'hour' : 'day'}`,
      unit: 'filed',
      kind: 'steps',
      x,
      series: kinds.map((k) => ({ label: `${k}s`, values: counts[k] })),
    }],
  };
}

// The sources the dashboard can draw. `path` is fetched; `adapt` turns the answer into the
// shape above. The dashboard endpoint answers the shape itself.
export const SOURCES = {
  reports: { path: '/api/v1/reports?limit=1000', adapt: fromReports,
    note: 'Counted from the newest 1,000 reports and notices.' },
  dashboard: { path: '/api/v1/dashboard', adapt: (d) => d, note: '' },
};
