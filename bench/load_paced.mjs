// SPDX-License-Identifier: Apache-2.0
// load_paced.mjs: an open-loop HTTP load generator for loopback benchmarks (bench/bench_load.sh).
// It sends GET URL at a fixed rate over a bounded pool of keep-alive connections for a bounded
// time, and stops by itself. Each request's latency is counted from the moment it was due, not
// from when a connection was free, so a slow server cannot hide its stalls by slowing the
// client down (no "coordinated omission"); the service time (from the moment a connection
// takes the request) is reported too.
//   node load_paced.mjs URL TOKEN RATE SECONDS CONNECTIONS
// Prints one JSON object: due/sent/ok/errors, achieved rate, and p50/p90/p99/max in ms.
import http from 'node:http';

const [url, token, rateArg, secondsArg, connsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const conns = Number(connsArg);
if (!url || !(rate > 0 && rate <= 100000) || !(seconds > 0 && seconds <= 600) || !(conns > 0 && conns <= 256)) {
  console.error('usage: node load_paced.mjs URL TOKEN RATE(1..100000) SECONDS(1..600) CONNECTIONS(1..256)');
  process.exit(2);
}
const target = new URL(url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
  console.error('load_paced: loopback targets only');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const total = Math.round(rate * seconds);
const latency = []; // from due time, ms
const service = []; // from send, ms
let sent = 0;
let ok = 0;
let errors = 0;
let done = 0;
const statuses = {};
const t0 = process.hrtime.bigint();
const nowMs = () => Number(process.hrtime.bigint() - t0) / 1e6;

function fire(due) {
  sent += 1;
  let start = null;
  const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search,
    agent, headers }, (res) => {
    res.resume();
    res.on('end', () => {
      const end = nowMs();
      statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
      if (res.statusCode === 200) ok += 1;
      else errors += 1;
      latency.push(end - due);
      service.push(end - (start ?? due));
      finish();
    });
  });
  // The service time starts when a connection takes the request (the agent queues it until
  // one of the CONNECTIONS is free).
  req.on('socket', () => {
    start = nowMs();
  });
  req.on('error', () => {
    errors += 1;
    finish();
  });
}

function finish() {
  done += 1;
  if (done === total) report();
}

function pct(a, p) {
  if (!a.length) return null;
  const i = Math.min(a.length - 1, Math.ceil((p / 100) * a.length) - 1);
  return Number(a[i].toFixed(2));
}

function report() {
  const elapsed = nowMs() / 1000;
  latency.sort((x, y) => x - y);
  service.sort((x, y) => x - y);
  console.log(JSON.stringify({
    url: target.pathname + target.search, target_rps: rate, seconds, connections: conns, due: total, sent, ok,
    errors, statuses, achieved_rps: Number((ok / elapsed).toFixed(1)),
    p50_ms: pct(latency, 50), p90_ms: pct(latency, 90), p99_ms: pct(latency, 99), max_ms: pct(latency, 100),
    service_p50_ms: pct(service, 50), service_p99_ms: pct(service, 99),
  }));
  agent.destroy();
}

// Every millisecond or so, send what has come due since the last tick.
let next = 0;
function tick() {
  const elapsed = nowMs();
  while (next < total && (next * 1000) / rate <= elapsed) {
    fire((next * 1000) / rate);
    next += 1;
  }
  if (next < total) setTimeout(tick, 1);
}
tick();
// Bounded: whatever is still in flight 30 s after the last request was due counts as an error.
setTimeout(() => {
  if (done < total) {
    errors += total - done;
    done = total;
    report();
    process.exit(1);
  }
}, (seconds + 30) * 1000).unref();
