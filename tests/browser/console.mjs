// SPDX-License-Identifier: Apache-2.0
// console.mjs: the console walked through as people use it, in headless chromium
// (playwright-core, Debian's /usr/bin/chromium). Run by tests/browser/run against a real
// `vigie serve`:  node console.mjs BASE_URL ADMIN_NAME ADMIN_PASSWORD [SCREENSHOT_DIR]
// A wrong password shows the error; the admin adds a reviewer, a trusted flagger and an
// auditor (generated passwords read from the page), makes and revokes a token and files a
// report whose reason is hostile markup (shown as text); the flagger files a notice and sees
// only it; the reviewer sees both, filers by pseudonym only, and the dashboard counts them;
// the auditor finds the notice's audit entry and the chain verifies; sign-out returns to the
// sign-in form; media are blurred until clicked. Any page error, console error or CSP violation fails the test.
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [base, adminName, adminPassword, shotDir] = process.argv.slice(2);
const HOSTILE = '<img src=x onerror="window.__owned=1">"quoted" & <b>bold</b>';
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

async function signIn(page, name, password) {
  await page.goto(`${base}/#/me`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', password);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('[data-testid=who]', { timeout: 20000 });
}

async function signOut(page) {
  await page.click('[data-testid=logout]');
  await page.waitForSelector('form.login');
}

async function open(page, hashPath) {
  await page.goto(`${base}/#${hashPath}`);
  await page.waitForSelector('#screen > :not(.loading)');
}

async function addAccount(page, name, role) {
  const form = page.locator('[data-testid=user-add]');
  await form.locator('input[name=name]').fill(name);
  await form.locator('select[name=role]').selectOption(role);
  await form.locator('button[type=submit]').click();
  const added = page.locator('[data-testid=users-message] .notice-ok', { hasText: `Added ${name} as` });
  const pw = await added.locator('[data-testid=new-password]').textContent({ timeout: 20000 });
  await page.waitForSelector(`[data-testid=users] td:text-is("${name}")`);
  assert.equal(pw.length, 20, 'a generated password has 20 characters');
  return pw;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 640 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A 401/404/429 answer the test provokes is logged by chromium as a failed resource load.
    if (m.type() === 'error' && !/status of 40[134]|status of 429/.test(m.text()))
      problems.push(`console error: ${m.text()}`);
  });
  page.on('dialog', (d) => d.accept());

  // Wrong password.
  await page.goto(`${base}/`);
  await page.waitForSelector('form.login');
  await shot(page, 'login');
  await page.fill('input[name=name]', adminName);
  await page.fill('input[name=password]', 'not the password at all');
  await page.click('form.login button[type=submit]');
  const err = await page.locator('form.login [role=alert]').textContent();
  assert.match(err, /wrong name or password/);
  say('a wrong password shows "wrong name or password"');

  // Admin: accounts.
  await signIn(page, adminName, adminPassword);
  assert.match(await page.locator('[data-testid=who]').textContent(), /admin, Ana Admin/);
  const navAdmin = await page.locator('nav a').allTextContents();
  assert.deepEqual(navAdmin, ['Me', 'Dashboard', 'Queue', 'Appeals', 'Removal orders', 'Evidence',
    'Statements of reasons', 'Trusted flaggers', 'TCO / DSA reports', 'Reports', 'Audit log', 'Accounts', 'API tokens']);
  say('the admin signs in and sees every screen');
  await open(page, '/users');
  const reviewerPw = await addAccount(page, 'Rita Reviewer', 'reviewer');
  const flaggerPw = await addAccount(page, 'Acme Watch', 'trusted_flagger');
  const auditorPw = await addAccount(page, 'Audrey Auditor', 'auditor');
  assert.equal(await page.locator('[data-testid=users] tbody tr').count(), 4);
  say('the admin adds a reviewer, a trusted flagger and an auditor; passwords shown once');
  await page.locator('[data-testid=new-password]').evaluate((el) => { el.textContent = '(hidden)'; });
  await shot(page, 'accounts');

  // Admin: a token, made and revoked.
  await open(page, '/tokens');
  await page.fill('form input[name=name]', 'ingest-bot');
  await page.click('form button[type=submit]');
  const token = await page.locator('[data-testid=new-token]').textContent();
  assert.match(token, /^vgt_[A-Za-z0-9_-]{43}$/);
  await page.click('[data-testid=tokens] button:text("Revoke")');
  await page.waitForSelector('[data-testid=tokens] td:text-is("revoked")');
  say('the admin makes a token (shown once) and revokes it');

  // Admin: a report with hostile markup in its reason.
  await open(page, '/reports/new');
  await page.fill('input[name=target]', 'post-1001');
  await page.fill('textarea[name=reason]', HOSTILE);
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=report]');
  assert.equal(await page.locator('.reason').textContent(), HOSTILE);
  assert.equal(await page.locator('.reason img, .reason b').count(), 0);
  assert.equal(await page.evaluate(() => window.__owned), undefined);
  say('a reason full of markup is shown as text, never run');
  await signOut(page);

  // Trusted flagger: files a notice, sees only it.
  await signIn(page, 'Acme Watch', flaggerPw);
  const navFlagger = await page.locator('nav a').allTextContents();
  assert.deepEqual(navFlagger, ['Me', 'Dashboard', 'Appeals', 'Trusted flaggers', 'Reports']);
  assert.doesNotMatch(await page.locator('[data-testid=who]').textContent(), /Acme Watch/);
  await open(page, '/reports');
  assert.equal(await page.locator('[data-testid=reports-empty]').count(), 1);
  await page.click('[data-testid=file-report]');
  await page.waitForSelector('form[aria-label="file a report"]');
  await page.selectOption('select[name=target_type]', 'account');
  await page.fill('input[name=target]', 'acct-77');
  await page.fill('input[name=platform]', 'examplenet');
  await page.fill('input[name=category]', 'incitement');
  await page.fill('textarea[name=reason]', 'Posts a call to attack a named town.');
  await shot(page, 'file-notice');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=report]');
  assert.match(await page.locator('h1').textContent(), /^Notice #2$/);
  await open(page, '/reports');
  assert.equal(await page.locator('[data-testid=reports] tbody tr').count(), 1);
  assert.match(await page.locator('[data-testid=reports] tbody').textContent(), /acct-77/);
  await page.goto(`${base}/#/reports/1`);
  await page.waitForSelector('#screen [role=alert]');
  assert.match(await page.locator('#screen [role=alert]').textContent(), /no report 1/);
  say('the trusted flagger files a notice and sees only it (report 1: not found)');
  await signOut(page);

  // Reviewer: sees both, by pseudonym.
  await signIn(page, 'Rita Reviewer', reviewerPw);
  await open(page, '/reports');
  assert.equal(await page.locator('[data-testid=reports] tbody tr').count(), 2);
  const listed = await page.locator('#screen').textContent();
  assert.match(listed, /acct-77/);
  assert.doesNotMatch(listed, /Acme Watch|Ana Admin/);
  assert.match(listed, /[A-Z][a-z]+-[A-Z][a-z]+-[0-9]+ \(trusted_flagger\)/);
  await shot(page, 'reports');
  say('the reviewer sees the report and the notice, filers by pseudonym only');
  await open(page, '/dashboard');
  await page.waitForSelector('[data-chart=reports] canvas');
  const totals = await page.locator('[data-testid=totals-reports] tbody tr').allTextContents();
  assert.deepEqual(totals, ['reports11', 'notices11']);
  await page.waitForTimeout(300);
  await shot(page, 'dashboard');
  say('the dashboard charts one report and one notice');
  // A second tab shares the session and the CSRF token: it can sign out, which ends the first
  // tab's session too (its next call answers 401 and it shows the sign-in form).
  const tab = await context.newPage();
  await tab.goto(`${base}/#/me`);
  await tab.waitForSelector('[data-testid=who]');
  await signOut(tab);
  await tab.close();
  await page.goto(`${base}/#/reports`);
  await page.waitForSelector('form.login');
  say('a second tab is signed in too, and signing out there signs out the first');

  // Auditor: the audit entry of the notice, the chain verified.
  await signIn(page, 'Audrey Auditor', auditorPw);
  const navAuditor = await page.locator('nav a').allTextContents();
  assert.deepEqual(navAuditor, ['Me', 'Dashboard', 'Queue', 'Appeals', 'Removal orders', 'Evidence',
    'Statements of reasons', 'TCO / DSA reports', 'Reports', 'Audit log']);
  await open(page, '/audit');
  const row = page.locator('[data-testid=audit] tbody tr', { hasText: 'report:2' });
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /report\.file/);
  assert.doesNotMatch(await page.locator('#screen').textContent(), /Acme Watch|Rita Reviewer|Ana Admin/);
  await page.click('[data-testid=verify]');
  await page.waitForSelector('[data-testid=verify-result] .notice-ok');
  assert.match(await page.locator('[data-testid=verify-result]').textContent(), /Chain intact: \d+ entries verified/);
  await shot(page, 'audit');
  say('the auditor sees the notice\'s audit entry (report.file report:2) and the chain verifies');
  await open(page, '/users');
  assert.match(await page.locator('#screen [role=alert]').textContent(), /may not open/);
  // Media (for the case screens): blurred until clicked, blurred again on a second click.
  const blur = await page.evaluate(async () => {
    const { blurredMedia } = await import('/js/media.js');
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    const box = blurredMedia(png, 'a test pixel');
    document.getElementById('screen').append(box);
    const seen = [getComputedStyle(box.querySelector('img')).filter];
    box.click();
    seen.push(getComputedStyle(box.querySelector('img')).filter);
    box.click();
    seen.push(getComputedStyle(box.querySelector('img')).filter);
    return seen;
  });
  assert.match(blur[0], /blur\(24px\)/);
  assert.equal(blur[1], 'none');
  assert.match(blur[2], /blur\(24px\)/);
  say('media are blurred by default, revealed by a click, blurred again by another');
  await signOut(page);
  assert.equal(await page.locator('[data-testid=who]').count(), 0);
  say('sign-out returns to the sign-in form');

  assert.deepEqual(problems, [], 'no page error, console error or CSP violation');
  say('no page error, console error or CSP violation');
  console.log(`${step} passed, 0 failed`);
} catch (e) {
  // Say what the page showed: the assertion alone rarely tells why.
  for (const p of browser.contexts().flatMap((c) => c.pages()))
    console.log(`page ${p.url()} shows: ${(await p.locator('#app').textContent().catch(() => '?')).slice(0, 600)}`);
  if (problems.length) console.log(problems.join('\n'));
  throw e;
} finally {
  await browser.close();
}
