// SPDX-License-Identifier: Apache-2.0
// casework.mjs: the review flow of the console in headless chromium (playwright-core, Debian's
// /usr/bin/chromium), run by tests/browser/run against a real `vigie serve` on a store where
// the rules opened cases over a generated world:
//   node casework.mjs BASE_URL PASSWORD [SCREENSHOT_DIR]
// A reviewer signs in, sees the queue in lane and priority order, claims the top case, opens
// the explanation of its scores, suspends the account; the auditor finds the decision in the
// audit log; a trusted flagger files an appeal; the original reviewer is refused deciding it
// (the server's message is shown); a lead reverses it and the outcome is counted; the lead
// receives a removal order and its one-hour clock ticks; the lead exports the statements of
// reasons and the downloaded JSON holds the suspension; the case view shows the account's stored
// community; the lead bulk-claims the open cases and bulk-decides them in one request. Any page
// error, console error or CSP violation fails the test.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [base, password, shotDir] = process.argv.slice(2);
let step = 0;
const problems = [];

function say(text) {
  step += 1;
  console.log(`ok ${step} - ${text}`);
}

async function shot(page, name) {
  if (!shotDir) return;
  await page.screenshot({ path: path.join(shotDir, `console-${name}.png`) });
}

async function signIn(page, name) {
  await page.goto(`${base}/#/me`);
  await page.waitForSelector('form.login');
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', password);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('[data-testid=who]', { timeout: 20000 });
  return (await page.locator('[data-testid=who] strong').textContent()).trim();
}

async function signOut(page) {
  await page.click('[data-testid=logout]');
  await page.waitForSelector('form.login');
}

async function open(page, hashPath) {
  await page.goto(`${base}/#${hashPath}`);
  await page.waitForSelector('#screen > :not(.loading)');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The 401 of /me before sign-in and the 403/409 answers the test provokes are logged by
    // chromium as failed resource loads.
    if (m.type() === 'error' && !/status of 40[1349]/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });

  // A trusted flagger's notice opens a case in its lane, which the queue puts first.
  await signIn(page, 'Acme Watch');
  await open(page, '/reports/new');
  await page.selectOption('select[name=target_type]', 'account');
  await page.fill('input[name=target]', 'u326');
  await page.fill('textarea[name=reason]', 'Shares recruitment material.');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=report]');
  await signOut(page);

  // Reviewer: the queue, a claim, the explanation, a suspension.
  const rita = await signIn(page, 'Rita Reviewer');
  const nav = await page.locator('nav a').allTextContents();
  assert.deepEqual(nav, ['Me', 'Dashboard', 'Queue', 'Appeals', 'Removal orders', 'Reports']);
  await open(page, '/cases');
  const all = page.locator('[data-testid=queue] tbody tr');
  const n = await all.count();
  assert.ok(n >= 3, `the rules and the notice opened cases (${n})`);
  const lanes = await page.locator('[data-testid=queue] tbody .lane').allTextContents();
  assert.equal(lanes[0], 'trusted flagger');
  assert.deepEqual(lanes.slice(1), lanes.slice(1).map(() => 'normal'));
  assert.match(await all.first().textContent(), /account u326/);
  const rows = page.locator('[data-testid=queue] tbody tr', { hasText: 'rule high-score' });
  const priorities = (await rows.locator('td.num').allTextContents()).map(Number);
  for (let i = 1; i < priorities.length; i++) assert.ok(priorities[i] <= priorities[i - 1], 'in a lane, priority descends');
  const top = await rows.first().locator('a').textContent();
  const caseId = Number(top.replace('#', ''));
  await shot(page, 'queue');
  await rows.first().locator('button[data-claim]').click();
  await page.waitForSelector('[data-testid=queue-message] .notice-ok');
  assert.equal(await page.locator('[data-testid=queue-message]').textContent(), `Case ${caseId} is yours.`);
  assert.equal((await rows.first().locator('td').nth(8).textContent()).trim(), rita);
  say(`the reviewer sees the notice's case first, then ${n - 1} rule cases by priority, and claims the top rule case (#${caseId}) as ${rita}`);

  // Bulk: the notice's case claimed beside the one held (a claim of one's own is kept), then released.
  await all.first().locator('input[type=checkbox]').check();
  await rows.first().locator('input[type=checkbox]').check();
  await page.click('details.bulk summary');
  await page.click('[data-testid=bulk-claim]');
  await page.locator('[data-testid=queue-message]', { hasText: /^claim: / }).waitFor();
  assert.equal(await page.locator('[data-testid=queue-message]').textContent(), 'claim: 2 done.');
  assert.equal((await all.first().locator('td').nth(8).textContent()).trim(), rita);
  await all.first().locator('input[type=checkbox]').check();
  await page.click('[data-testid=bulk-release]');
  await page.locator('[data-testid=queue-message]', { hasText: /^release: / }).waitFor();
  assert.equal(await page.locator('[data-testid=queue-message]').textContent(), 'release: 1 done.');
  assert.equal((await all.first().locator('td').nth(8).textContent()).trim(), '');
  say('bulk claim takes the notice case beside the one held; bulk release gives it back');

  await rows.first().locator('a').click();
  await page.waitForSelector('[data-testid=case]');
  const explain = page.locator('[data-testid=explanation]');
  const prio = await explain.locator('tr', { hasText: /^priority/ }).textContent();
  assert.match(prio, new RegExp(`^priority${priorities[0].toFixed(3)}risk × reach × freshness = `));
  const risk = await explain.locator('tbody tr').nth(1).textContent();
  assert.match(risk, /^risk0\.\d{3}max\(post score 0\.\d{3}, threat /);
  const reach = await explain.locator('tbody tr').nth(2).textContent();
  assert.match(reach, /^reach0\.\d{3}min\(1, log10\(10 \+ \d+ followers\) \/ 7\)/);
  const followers = Number(reach.match(/10 \+ (\d+) followers/)[1]);
  const reachValue = Number(reach.slice(5, 10));
  assert.ok(Math.abs(reachValue - Math.min(1, Math.log10(10 + followers) / 7)) < 0.001, 'the reach shown is the formula shown');
  assert.match(await page.locator('[data-testid=scores] tbody').textContent(), /vigie-propaganda@/);
  // The avatar (a platform URL) is blurred until clicked and never loaded by the page.
  const avatar = page.locator('[data-testid=account] .media');
  assert.match(await avatar.getAttribute('class'), /media-blur/);
  await avatar.click();
  assert.doesNotMatch(await avatar.getAttribute('class'), /media-blur/);
  assert.match(await page.locator('[data-testid=case-audit]').textContent(), new RegExp(`${rita}case\\.claim`));
  await avatar.click();
  await page.locator('[data-testid=explain]').evaluate((el) => el.scrollIntoView());
  await shot(page, 'case-explained');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'case');
  say('the case view explains its priority, risk and reach with the values they came from; the avatar is blurred');

  // The account's community, as the network run before the server started stored it.
  const comm = page.locator('[data-testid=community]');
  assert.match(await comm.locator('[data-testid=community-id]').textContent(), /^c\d+$/);
  const size = Number(await comm.locator('[data-testid=community-size]').textContent());
  assert.ok(size >= 2, `a community has two or more accounts (${size})`);
  const members = comm.locator('[data-testid=community-members] tbody tr');
  assert.equal(await members.count(), Math.min(size, 10));
  const account = (await page.locator('[data-testid=account] dd').first().textContent()).split(' ')[0];
  assert.equal(await members.filter({ hasText: account }).count(), 1, `${account} is among its community's members`);
  assert.match(await comm.textContent(), new RegExp(`This accountrank \\d+ of ${size}, network score 0\\.\\d{3}`));
  const memberScores = (await members.locator('td.num').allTextContents()).map(Number);
  for (let i = 1; i < memberScores.length; i++) assert.ok(memberScores[i] <= memberScores[i - 1], 'members by score');
  say(`the case view shows the account's community (${await comm.locator('[data-testid=community-id]').textContent()}, ${size} accounts, ${account} among its members by score)`);

  await page.selectOption('[data-testid=decide] select[name=action]', 'suspend_account');
  await page.fill('[data-testid=decide] textarea[name=explanation]', 'Recruits for an armed group in its posts.');
  await page.click('[data-testid=decide] button[type=submit]');
  await page.waitForSelector('[data-testid=case-message] .notice-ok');
  assert.match(await page.locator('[data-testid=case-message]').textContent(), /^Decision 1: suspend_account/);
  assert.equal(await page.locator('[data-testid=case-status]').textContent(), 'decided');
  const decided = await page.locator('[data-testid=decisions] tbody tr').first().textContent();
  assert.match(decided, new RegExp(`^1suspend_account.*illegal_content${rita}no`));
  assert.match(await page.locator('[data-testid=case-audit]').textContent(), new RegExp(`${rita}case\\.decide`));
  say('the reviewer suspends the account: decision 1, the case is decided, its audit trail says so');
  await signOut(page);

  // Auditor: the audit entry of the decision.
  await signIn(page, 'Audrey Auditor');
  await open(page, '/audit');
  const entry = page.locator('[data-testid=audit] tbody tr', { hasText: `case:${caseId}` }).filter({ hasText: 'case.decide' });
  assert.equal(await entry.count(), 1);
  assert.match(await entry.textContent(), new RegExp(`${rita}case\\.decidecase:${caseId}.*suspend_account`));
  say(`the auditor sees the audit entry case.decide case:${caseId} by ${rita}`);
  await signOut(page);

  // Trusted flagger: files the appeal on the user's behalf.
  const acme = await signIn(page, 'Acme Watch');
  await open(page, '/appeals');
  await page.fill('[data-testid=appeal-form] input[name=case]', String(caseId));
  await page.fill('[data-testid=appeal-form] textarea[name=reason]', 'The user says the posts were reporting.');
  await page.click('[data-testid=appeal-form] button[type=submit]');
  await page.waitForSelector('[data-testid=appeals-message] .notice-ok');
  assert.equal(await page.locator('[data-testid=appeals-message]').textContent(), `Appeal 1 filed on case ${caseId}.`);
  await open(page, '/flaggers');
  assert.equal(await page.locator('#screen h1').textContent(), 'My accuracy');
  say(`the trusted flagger (${acme}) files appeal 1 on case ${caseId}`);
  await signOut(page);

  // The original reviewer may not decide the appeal: the server's refusal is shown.
  await signIn(page, 'Rita Reviewer');
  await open(page, '/appeals');
  const appealRow = page.locator('[data-testid=appeals] tbody tr').first();
  assert.match(await appealRow.textContent(), new RegExp(`#${caseId}suspend_account by ${rita}${acme}The user says`));
  await appealRow.locator('button[data-outcome=upheld]').click();
  await page.waitForSelector('[data-testid=appeals-message] [role=alert]');
  const refusal = await page.locator('[data-testid=appeals-message]').textContent();
  assert.match(refusal, /reviewer|decision/i);
  say(`the original reviewer is refused: "${refusal}"`);
  await signOut(page);

  // A lead decides it: reversed, and counted.
  const lena = await signIn(page, 'Lena Lead');
  await open(page, '/appeals');
  await shot(page, 'appeals');
  await page.locator('[data-testid=appeals] tbody tr').first().locator('button[data-outcome=reversed]').click();
  await page.waitForSelector('[data-testid=appeals-message] .notice-ok');
  assert.equal(await page.locator('[data-testid=appeals-message]').textContent(), `Appeal on case ${caseId}: reversed.`);
  await page.waitForSelector('[data-testid=appeals-empty]');
  assert.equal(await page.locator('[data-testid=appeal-counts]').textContent(),
    'Appeals filed 1, decided 1: upheld 0, reversed 1.');
  await open(page, `/cases/${caseId}`);
  assert.match(await page.locator('[data-testid=decisions] tbody tr').nth(1).textContent(), new RegExp(`^2no_action.*${lena}.*decision 1`));
  say(`the lead (${lena}) reverses the appeal; the counters say filed 1, reversed 1; decision 2 reverses decision 1`);

  // Trusted flaggers: the lead sees the flagger's accuracy and mutes it.
  await open(page, '/flaggers');
  const flagger = page.locator('[data-testid=flaggers] tbody tr', { hasText: acme });
  assert.match(await flagger.textContent(), new RegExp(`^${acme}100no decision yetno`));
  await flagger.locator('input[name=reason]').fill('Floods the queue with weak notices.');
  await flagger.locator('button[type=submit]').click();
  await page.locator('[data-testid=flaggers-message]', { hasText: 'muted' }).waitFor();
  assert.match(await page.locator('[data-testid=flaggers] tbody tr', { hasText: acme }).textContent(), /mutedUnmute$/);
  say(`the lead sees ${acme}'s accuracy (1 notice, none decided) and mutes it`);

  // A removal order: Annex I intake, then its one-hour clock ticking down.
  await open(page, '/orders');
  const form = page.locator('[data-testid=order-form]');
  await form.locator('input[name=reference]').fill('FR-2026-0042');
  await form.locator('input[name=issuing_state]').fill('fr');
  await form.locator('input[name=authority]').fill('Invented Referral Unit');
  await form.locator('input[name=issued_at]').fill(String(Math.floor(Date.now() / 1000) - 120));
  await form.locator('input[name=provider_state]').fill('DE');
  await form.locator('textarea[name=urls]').fill('https://example.invalid/p/1\nhttps://example.invalid/p/2');
  await form.locator('input[value=a]').check();
  await form.locator('button[type=submit]').click();
  await page.waitForSelector('[data-testid=order]');
  assert.match(await page.locator('h1').textContent(), /^Removal order #1$/);
  const clock = page.locator('.heading [data-testid=clock]');
  const first = await clock.textContent();
  assert.match(first, /^(59:[0-5][0-9]|60:00) left$/);
  assert.match(await page.locator('[data-testid=order]').textContent(), /Invented Referral Unit/);
  await page.waitForFunction((t) => document.querySelector('.heading [data-testid=clock]').textContent !== t, first, { timeout: 5000 });
  const second = await clock.textContent();
  assert.notEqual(second, first);
  assert.match(second, /^59:[0-5][0-9] left$/);
  assert.doesNotMatch(await clock.getAttribute('class'), /clock-late/);
  await shot(page, 'order');
  say(`the lead receives removal order 1; its clock ticks (${first} -> ${second})`);
  // An order past its hour: the same clock, red, counting how late it is.
  const late = await page.evaluate(async () => {
    const { liveClock } = await import('/js/screens/orders.js');
    const el = liveClock({ id: 99, clock: { deadline: new Date(Date.now() - 75000).toISOString(), paused: false } });
    document.getElementById('screen').append(el);
    return [el.textContent, el.className, getComputedStyle(el).color];
  });
  assert.match(late[0], /^late by 0:01:1[56]$/);
  assert.match(late[1], /clock-late/);
  assert.equal(late[2], 'rgb(163, 39, 27)');
  say(`an order past its hour shows "${late[0]}" in red`);

  // Evidence: the suspended post was preserved by the decision; reading it needs a purpose.
  await open(page, '/evidence');
  const item = page.locator('[data-testid=evidence] tbody tr', { hasText: 'decision 1' });
  assert.equal(await item.count(), 1);
  await item.locator('input[name=note]').fill('Checking the appeal file.');
  await item.locator('form[aria-label^=access] select').selectOption('complaint');
  await item.locator('form[aria-label^=access] button').click();
  await page.waitForSelector('[data-testid=evidence-content]');
  assert.match(await page.locator('[data-testid=evidence-message] .notice').textContent(), /for complaint; hash matches/);
  assert.match(await page.locator('[data-testid=evidence-content]').textContent(), /"post"/);
  say('the lead reads the preserved post for a stated purpose (complaint); its hash matches');

  // The TCO report counts the order.
  await open(page, '/transparency');
  assert.match(await page.locator('[data-testid=tco]').textContent(), /c removal orders.*received1acted on0/);
  say('the TCO transparency report of the year counts the order received');

  // Statements of reasons: the batch, downloaded as JSON.
  await open(page, '/sor');
  assert.match(await page.locator('[data-testid=sor-count]').textContent(), /^1 statement\(s\) after #0; 0 held back by a gag\.$/);
  await shot(page, 'sor');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=sor-export]')]);
  const file = await download.path();
  const batch = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(batch.statements.length, 1);
  assert.equal(batch.statements[0].puid, 'vigie-decision-1');
  assert.equal(batch.statements[0].decision_account, 'DECISION_ACCOUNT_SUSPENDED');
  assert.equal(batch.statements[0].illegal_content_explanation, 'Recruits for an armed group in its posts.');
  assert.equal(download.suggestedFilename(), 'vigie-sor-after-0.json');
  say('the lead exports the statements: the downloaded JSON holds vigie-decision-1, account suspended');

  // Bulk decide: the lead claims the open cases in bulk and decides them in one request.
  await open(page, '/cases');
  const open2 = page.locator('[data-testid=queue] tbody tr');
  const nOpen = await open2.count();
  assert.ok(nOpen >= 2, `open cases remain (${nOpen})`);
  const openIds = (await open2.locator('td a').allTextContents()).map((t) => Number(t.replace('#', '')));
  for (let i = 0; i < nOpen; i++) await open2.nth(i).locator('input[type=checkbox]').check();
  await page.click('details.bulk summary');
  await page.click('[data-testid=bulk-claim]');
  await page.locator('[data-testid=queue-message]', { hasText: /^claim: / }).waitFor();
  assert.equal(await page.locator('[data-testid=queue-message]').textContent(), `claim: ${nOpen} done.`);
  for (let i = 0; i < nOpen; i++) await open2.nth(i).locator('input[type=checkbox]').check();
  await page.selectOption('details.bulk select[name=action]', 'no_action');
  await page.fill('details.bulk textarea[name=explanation]', 'Not propaganda: weather and football posts.');
  await page.click('[data-testid=bulk-decide]');
  await page.waitForSelector('[data-testid=bulk-summary]');
  assert.equal(await page.locator('[data-testid=bulk-summary]').textContent(), `decide (no_action): ${nOpen} done, 0 refused.`);
  const results = await page.locator('[data-testid=bulk-results] li').allTextContents();
  assert.deepEqual(results, [...openIds].sort((a, b) => a - b).map((id, i) => `case ${id}: decision ${3 + i} (no_action)`));
  await page.waitForSelector('[data-testid=queue-empty]');
  await open(page, `/cases/${openIds[0]}`);
  assert.match(await page.locator('[data-testid=case-audit]').textContent(), new RegExp(`${lena}case\\.decide`));
  say(`the lead claims the ${nOpen} open cases and decides them in one bulk request (no action): one result per case, each with its audit entry`);
  await signOut(page);

  assert.deepEqual(problems, [], 'no page error, console error or CSP violation');
  say('no page error, console error or CSP violation');
  console.log(`${step} passed, 0 failed`);
} catch (e) {
  for (const p of browser.contexts().flatMap((c) => c.pages()))
    console.log(`page ${p.url()} shows: ${(await p.locator('#app').textContent().catch(() => '?')).slice(0, 800)}`);
  if (problems.length) console.log(problems.join('\n'));
  throw e;
} finally {
  await browser.close();
}
