// SPDX-License-Identifier: Apache-2.0
// dashboard.js: the monitoring dashboard. It fetches a source of js/series.js, checks the
// "vigie series" shape and draws each chart with uPlot (npm, installed by tools/install-deps
// into web/node_modules, never copied into the repository), with a table of totals under each
// chart for screen readers and for copying. Which source: ?source= in the hash
// (#/dashboard?source=dashboard), default DEFAULT_SOURCE.
import { h, notice, table } from '../dom.js';
import { ALL } from '../roles.js';
import { SOURCES, validate } from '../series.js';

export const DEFAULT_SOURCE = 'reports';
const COLOURS = ['#1f5fa8', '#c2552b', '#2e8540', '#7a4fa3', '#a8841f', '#555555'];

async function loadUplot() {
  try {
    return (await import('/node_modules/uplot/dist/uPlot.esm.js')).default;
  } catch {
    throw new Error('The charting library is not installed: run tools/install-deps (npm ci in web/).');
  }
}

function chart(uPlot, c, width) {
  const box = h('figure', { class: 'chart', 'data-chart': c.id || '' }, h('figcaption', null, c.title || ''));
  if (!c.x.length) {
    box.append(h('p', { class: 'muted' }, 'No data yet.'));
    return box;
  }
  // Counts are drawn as steps (one level per bucket), other series as lines; the x range is
  // padded by a bucket so a single bucket still shows as a step, not a dot.
  const step = c.x.length > 1 ? c.x[1] - c.x[0] : 3600;
  const paths = c.kind === 'steps' ? uPlot.paths.stepped({ align: 1 }) : undefined;
  const opts = {
    width,
    height: 260,
    // The axis in UTC, as every time in the console.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: {
      x: { time: true, range: () => [c.x[0] - step / 2, c.x[c.x.length - 1] + step * 1.5] },
      y: { range: (u, lo, hi) => [0, Math.max(1, Math.ceil(hi * 1.1))] },
    },
    axes: [{}, { label: c.unit || '', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 1e5, 1e6] }],
    series: [{}, ...c.series.map((s, i) => ({
      label: s.label,
      stroke: COLOURS[i % COLOURS.length],
      width: 2,
      paths,
      fill: paths ? `${COLOURS[i % COLOURS.length]}33` : undefined,
      dash: i % 2 ? [6, 3] : undefined,
      points: { show: !paths, size: 6 },
    }))],
  };
  const plot = h('div', { class: 'plot' });
  box.append(plot);
  // uPlot measures text when it draws: draw once the figure is in the document.
  // A step holds its value until the next bucket: the last bucket gets its closing edge.
  const x = paths ? [...c.x, c.x[c.x.length - 1] + step] : c.x;
  const ys = c.series.map((s) => (paths ? [...s.values, s.values[s.values.length - 1]] : s.values));
  queueMicrotask(() => new uPlot(opts, [x, ...ys], plot));
  box.append(table([
    { title: 'series', cell: (s) => s.label },
    { title: 'total', cell: (s) => String(s.values.reduce((a, v) => a + (v || 0), 0)) },
    { title: 'buckets', cell: () => String(c.x.length) },
  ], c.series, { class: 'totals', 'data-testid': `totals-${c.id || ''}` }));
  return box;
}

export default {
  path: '/dashboard',
  title: 'Dashboard',
  roles: ALL,
  nav: true,
  async render({ api }) {
    const wanted = new URLSearchParams(location.hash.split('?')[1] || '').get('source') || DEFAULT_SOURCE;
    const source = SOURCES[wanted];
    if (!source) throw new Error(`no dashboard source "${wanted}"`);
    const [uPlot, answer] = await Promise.all([loadUplot(), api.get(source.path)]);
    const data = validate(source.adapt(answer));
    const width = Math.max(320, Math.min(900, (document.getElementById('screen')?.clientWidth || 900) - 48));
    return h('section', { 'data-testid': 'dashboard' }, h('h1', null, 'Dashboard'),
      source.note ? h('p', { class: 'muted' }, source.note) : null,
      data.charts.length ? data.charts.map((c) => chart(uPlot, c, width)) : notice('info', 'No charts.'));
  },
};
