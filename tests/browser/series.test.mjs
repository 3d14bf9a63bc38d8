// SPDX-License-Identifier: Apache-2.0
// series.test.mjs: node's test runner on web/js/series.js, the dashboard's data shape, which
// needs no browser: the shape check names the first problem, and reports become counts per
// hour (per day past two days) with empty buckets between counted as zero.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromReports, validate, SOURCES } from '../../web/js/series.js';

const HOUR = 3600;
const DAY = 86400;
const t0 = 1795435200; // 2026-11-23 08:00 UTC, on the hour

test('reports within two days are counted per hour, gaps are zero', () => {
  const reports = [
    { kind: 'report', created_at: t0 + 10 },
    { kind: 'notice', created_at: t0 + 20 },
    { kind: 'report', created_at: t0 + HOUR - 1 },
    { kind: 'report', created_at: t0 + 3 * HOUR + 5 },
  ];
  const { charts } = validate(fromReports({ reports }));
  assert.equal(charts.length, 1);
  const c = charts[0];
  assert.equal(c.title, 'Reports and notices filed per hour');
  assert.deepEqual(c.x, [t0, t0 + HOUR, t0 + 2 * HOUR, t0 + 3 * HOUR]);
  assert.deepEqual(c.series, [
    { label: 'reports', values: [2, 0, 0, 1] },
    { label: 'notices', values: [1, 0, 0, 0] },
  ]);
});

test('reports over more than two days are counted per day', () => {
  const reports = [
    { kind: 'notice', created_at: t0 },
    { kind: 'notice', created_at: t0 + 3 * DAY },
  ];
  const c = fromReports({ reports }).charts[0];
  assert.equal(c.title, 'Reports and notices filed per day');
  const first = Math.floor(t0 / DAY) * DAY;
  assert.deepEqual(c.x, [first, first + DAY, first + 2 * DAY, first + 3 * DAY]);
  assert.deepEqual(c.series[1].values, [1, 0, 0, 1]);
  assert.deepEqual(c.series[0].values, [0, 0, 0, 0]);
});

test('no reports: one chart with no buckets', () => {
  const c = validate(fromReports({ reports: [] })).charts[0];
  assert.deepEqual([c.x, c.series], [[], []]);
});

test('the shape check names the first problem', () => {
  const ok = { charts: [{ x: [1, 2], series: [{ label: 'a', values: [1, null] }] }] };
  assert.equal(validate(ok), ok);
  assert.throws(() => validate({}), /"charts" must be an array/);
  assert.throws(() => validate({ charts: [{ x: [2, 1], series: [] }] }), /charts\[0\]\.x must ascend/);
  assert.throws(() => validate({ charts: [{ x: [1, 'a'], series: [] }] }), /x must be an array of numbers/);
  assert.throws(() => validate({ charts: [{ x: [1, 2], series: [{ label: 'a', values: [1] }] }] }),
    /charts\[0\]\.series\[0\]\.values must have one value per x/);
  assert.throws(() => validate({ charts: [{ x: [1], series: [{ label: 7, values: [1] }] }] }),
    /series\[0\]\.label must be a string/);
  assert.throws(() => validate({ charts: [{ x: [1], series: [{ label: 'a', values: ['1'] }] }] }),
    /values must be numbers or null/);
});

test('the dashboard source reads the shape as it is', () => {
  const d = { charts: [{ id: 'orders', x: [1], series: [{ label: 'open', values: [3] }] }] };
  assert.equal(SOURCES.dashboard.path, '/api/v1/dashboard');
  assert.equal(validate(SOURCES.dashboard.adapt(d)), d);
  assert.equal(SOURCES.reports.path, '/api/v1/reports?limit=1000');
});
