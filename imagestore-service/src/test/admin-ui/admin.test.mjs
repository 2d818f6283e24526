// Copyright (C) 2026 The imagestore Authors
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
// http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// The service's management page (/admin/) in headless Chromium against a real image service.
//
// Starts the shaded jar on a throwaway data directory with an admin, an uploader and an indexer
// account, uploads PNGs drawn by Chromium (some referenced through the references API, some
// orphans backdated with PUT /orphans/{uuid}), then logs in on the page and clicks through: a
// wrong password, filtering the orphans, moving two to the trash (gone from the orphans and from
// GET /images, listed in the trash), restoring one (an orphan again, downloadable), the UUID
// search with its references, a runtime's description, and the audit log. The page's policy must
// hold: no console errors, no CSP violations. Run by bin/admin-ui-test, which sets the variables.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {chromium} from 'playwright-core';
import {startService as startImageService} from '../../../../tools/test-support/image-service.mjs';

const JAVA = process.env.IMAGESTORE_UI_JAVA || 'java';
const SERVICE_JAR = process.env.IMAGESTORE_UI_SERVICE_JAR;
const CHROMIUM = process.env.IMAGESTORE_UI_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS = process.env.IMAGESTORE_UI_SCREENSHOTS || '';
const COMMIT = '4444444444444444444444444444444444444444';
const LONG_AGO = new Date(Date.now() - 20 * 86_400_000).toISOString();

let service;
let browser;
let page;
const problems = [];
/** name -> uuid */
const ids = {};
let runtimeId;

async function startService() {
  assert.ok(SERVICE_JAR, 'IMAGESTORE_UI_SERVICE_JAR names the shaded service jar');
  return startImageService({
    java: JAVA,
    jar: SERVICE_JAR,
    accounts: [['root', 'admin'], ['ci', 'uploader'], ['gerrit', 'indexer']],
    prefix: 'imagestore-admin-ui-',
  });
}

/** A call to the service as one of the accounts (null: anonymous). */
async function call(method, path, user, body, type = 'application/json') {
  const headers = {};
  if (user) {
    headers.Authorization = `Basic ${Buffer.from(`${user}:${service.passwords[user]}`).toString('base64')}`;
  }
  if (body !== undefined) headers['Content-Type'] = type;
  const response = await fetch(new URL(path, service.url), {
    method, headers,
    body: body === undefined ? undefined : (type === 'application/json' ? JSON.stringify(body) : body),
  });
  const text = await response.text();
  return {status: response.status, text, json: () => JSON.parse(text)};
}

async function expectStatus(method, path, user, body, wanted) {
  const r = await call(method, path, user, body);
  assert.ok(wanted.includes(r.status), `${method} ${path}: ${r.status} ${r.text}`);
  return r;
}

/** A solid-colour PNG drawn by Chromium. */
async function drawPng(rgb) {
  const base64 = await page.evaluate(([r, g, b]) => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 40;
    const context = canvas.getContext('2d');
    context.fillStyle = `rgb(${r}, ${g}, ${b})`;
    context.fillRect(0, 0, 64, 40);
    return canvas.toDataURL('image/png').split(',')[1];
  }, rgb);
  return Buffer.from(base64, 'base64');
}

async function upload(name, rgb, spec, theme) {
  const form = new FormData();
  form.append('image', new Blob([await drawPng(rgb)], {type: 'image/png'}), `${name}.png`);
  form.append('json', JSON.stringify({_meta: {
    spec: {lib: 'sap.m', name: spec, branch: 'master'},
    runtime: {platformName: 'linux', platformResolution: '1600x1200', browserName: 'chrome',
      ui5: {theme, direction: 'ltr', mode: 'cozy'}}}}));
  const r = await fetch(new URL('images', service.url), {
    method: 'POST', body: form,
    headers: {Authorization: `Basic ${Buffer.from(`ci:${service.passwords.ci}`).toString('base64')}`},
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  ids[name] = JSON.parse(text).uuid;
}

const card = (list, name) => page.locator(`#${list}-list li[data-uuid="${ids[name]}"]`);
const listed = async list => page.locator(`#${list}-list li`).evaluateAll(
    items => items.map(li => li.dataset.uuid));

before(async () => {
  service = await startService();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage();
  // Refused requests (the wrong password, the search's 404s) are logged as failed loads: expected.
  // Anything else, a CSP violation ("Refused to …") above all, is a problem.
  page.on('console', m => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  await page.goto(new URL('admin/', service.url).href);

  await upload('loginLight', [220, 40, 40], 'login', 'sap_horizon');
  await upload('loginDark', [40, 80, 220], 'login', 'sap_horizon_dark');
  await upload('cartLight', [40, 170, 60], 'cart', 'sap_horizon');
  await upload('young', [230, 190, 30], 'login', 'sap_horizon');
  await upload('kept', [140, 60, 190], 'cart', 'sap_horizon');
  await expectStatus('POST', 'references', 'gerrit', {references: [{project: 'ui/app',
    branch: 'refs/heads/master', commit: COMMIT, path: 'images/cart/kept.ref.lnk',
    uuid: ids.kept}]}, [200]);
  for (const name of ['loginLight', 'loginDark', 'cartLight']) {
    await expectStatus('PUT', `orphans/${ids[name]}`, 'root', {orphanedAt: LONG_AGO}, [200]);
  }
  const runtime = await expectStatus('POST', 'runtimes', 'root', {platform: 'linux',
    resolution: '1600x1200', browser: 'chrome', theme: 'sap_horizon_dark', direction: 'ltr',
    mode: 'cozy'}, [201]);
  runtimeId = runtime.json().id;
  await expectStatus('POST', 'runtimes', 'root', {platform: 'linux', resolution: '1600x1200',
    browser: 'chrome', theme: 'sap_horizon', direction: 'ltr', mode: 'cozy',
    description: 'Light desktop'}, [201]);
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

test('the page is served with a strict policy and loads without inline code', async () => {
  const r = await fetch(new URL('admin/', service.url));
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await page.locator('#login-view').isVisible(), true);
  assert.equal(await page.locator('#app').isVisible(), false);
});

test('a wrong password and a non-admin account are refused on the page', async () => {
  await page.fill('#login-user', 'root');
  await page.fill('#login-password', 'not the password');
  await page.click('#login-submit');
  await page.locator('#login-error', {hasText: 'Wrong user or password.'}).waitFor();
  await page.fill('#login-user', 'ci');
  await page.fill('#login-password', service.passwords.ci);
  await page.click('#login-submit');
  await page.locator('#login-error', {hasText: 'lacks the admin role'}).waitFor();
  assert.equal(await page.locator('#app').isVisible(), false);
  assert.equal(await page.inputValue('#login-password'), '', 'the password field is cleared');
});

test('the admin logs in and sees the orphans past the grace period', async () => {
  await page.fill('#login-user', 'root');
  await page.fill('#login-password', service.passwords.root);
  await page.click('#login-submit');
  await page.locator('#app').waitFor();
  assert.equal(await page.textContent('#who'), 'root');
  assert.equal(await page.inputValue('#filter-age'), '14d');
  await card('orphans', 'cartLight').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#orphans-list li').length === 3);
  assert.deepEqual((await listed('orphans')).sort(),
      [ids.loginLight, ids.loginDark, ids.cartLight].sort());
  // Thumbnails come from GET /images/{uuid}.
  await page.waitForFunction(uuid => {
    const img = document.querySelector(`#orphans-list li[data-uuid="${uuid}"] img`);
    return img && img.complete && img.naturalWidth === 64;
  }, ids.loginLight);

  // Every orphan, the young one too, with no minimum age.
  await page.fill('#filter-age', '0s');
  await page.click('#filter-apply');
  await card('orphans', 'young').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#orphans-list li').length === 4);
  assert.ok(!(await listed('orphans')).includes(ids.kept), 'a referenced image is no orphan');
});

test('filters by spec and runtime', async () => {
  await page.fill('#filter-age', '14d');
  await page.fill('#filter-spec', 'LOG');
  await page.click('#filter-apply');
  await page.waitForFunction(() => document.querySelectorAll('#orphans-list li').length === 2);
  assert.deepEqual((await listed('orphans')).sort(), [ids.loginLight, ids.loginDark].sort());

  await page.selectOption('#filter-runtime', runtimeId);
  await page.click('#filter-apply');
  await page.waitForFunction(() => document.querySelectorAll('#orphans-list li').length === 1);
  assert.deepEqual(await listed('orphans'), [ids.loginDark]);

  await page.selectOption('#filter-runtime', '');
  await page.fill('#filter-spec', '');
  await page.click('#filter-apply');
  await page.waitForFunction(() => document.querySelectorAll('#orphans-list li').length === 3);
});

test('selected orphans move to the trash after a dry run', async () => {
  await card('orphans', 'loginLight').locator('input[type=checkbox]').check();
  await card('orphans', 'cartLight').locator('input[type=checkbox]').check();
  await page.click('#orphans-trash');
  await page.locator('#orphans-confirm-text', {hasText: 'Move 2 image(s) to the trash?'}).waitFor();
  // Nothing moved by the dry run.
  assert.equal((await listed('orphans')).length, 3);
  await page.click('#orphans-confirm-yes');
  await page.locator('#status', {hasText: 'Moved 2 image(s) to the trash.'}).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#orphans-list li').length === 1);
  assert.deepEqual(await listed('orphans'), [ids.loginDark]);

  // Gone from the API for everybody; the admin still has them in the trash.
  assert.equal((await call('GET', `images/${ids.loginLight}`, null)).status, 404);
  assert.equal((await call('GET', `images/${ids.cartLight}`, null)).status, 404);
  await page.click('nav .tab[data-view="trash"]');
  await card('trash', 'loginLight').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#trash-list li').length === 2);
  assert.deepEqual((await listed('trash')).sort(), [ids.loginLight, ids.cartLight].sort());
  // The trash's thumbnails are fetched with the admin's login (blob: URLs).
  await page.waitForFunction(uuid => {
    const img = document.querySelector(`#trash-list li[data-uuid="${uuid}"] img`);
    return img && img.src.startsWith('blob:') && img.complete && img.naturalWidth === 64;
  }, ids.cartLight);
});

test('a trashed image is restored: an orphan again, downloadable', async () => {
  await card('trash', 'cartLight').locator('input[type=checkbox]').check();
  await page.click('#trash-restore');
  await page.locator('#status', {hasText: 'Restored 1 image(s).'}).waitFor();
  // The list reloads after the restore: wait for it rather than read it half-drawn.
  await page.waitForFunction(() => document.querySelectorAll('#trash-list li').length === 1);
  assert.deepEqual(await listed('trash'), [ids.loginLight]);
  const download = await call('GET', `images/${ids.cartLight}`, null);
  assert.equal(download.status, 200);

  // Orphaned from the restore on: listed without a minimum age, not past the grace period.
  await page.click('nav .tab[data-view="orphans"]');
  await page.fill('#filter-age', '0s');
  await page.click('#filter-apply');
  await card('orphans', 'cartLight').waitFor();
  await page.fill('#filter-age', '14d');
  await page.click('#filter-apply');
  await page.waitForFunction(() => document.querySelectorAll('#orphans-list li').length === 1);
  assert.deepEqual(await listed('orphans'), [ids.loginDark]);
});

test('the UUID search shows where an image is referenced, and finds trashed ones', async () => {
  await page.click('nav .tab[data-view="search"]');
  await page.fill('#search-uuid', ids.kept);
  await page.click('#search-go');
  await page.locator('#search-references').waitFor();
  const row = await page.locator('#search-references tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(row, ['ui/app', 'refs/heads/master', 'images/cart/kept.ref.lnk', COMMIT]);

  await page.fill('#search-uuid', ids.loginLight);
  await page.click('#search-go');
  await page.locator('#search-state', {hasText: 'In the trash'}).waitFor();

  await page.fill('#search-uuid', 'not-an-id');
  await page.click('#search-go');
  await page.locator('#search-result', {hasText: '32 hex digits'}).waitFor();
});

test('a runtime description is edited', async () => {
  await page.click('nav .tab[data-view="runtimes"]');
  const input = page.locator(`#runtimes-table tr[data-id="${runtimeId}"] input`);
  await input.fill('Dark desktop');
  await page.locator(`#runtimes-table tr[data-id="${runtimeId}"] button`).click();
  await page.locator('#status', {hasText: 'Saved the description'}).waitFor();
  const stored = (await call('GET', `runtimes/${runtimeId}`, null)).json();
  assert.equal(stored.description, 'Dark desktop');
});

test('the audit log shows who did what', async () => {
  await page.click('nav .tab[data-view="audit"]');
  await page.locator('#audit-table tbody tr').first().waitFor();
  const actions = await page.locator('#audit-table tbody tr').evaluateAll(
      rows => rows.map(r => `${r.dataset.action} ${r.dataset.uuid} ${r.cells[1].textContent}`));
  assert.deepEqual(actions.sort(), [
    `restore ${ids.cartLight} root`, `trash ${ids.cartLight} root`, `trash ${ids.loginLight} root`,
  ].sort());
  if (SCREENSHOTS) await page.screenshot({path: join(SCREENSHOTS, 'admin-audit.png'), fullPage: true});
});

test('logging out forgets the login; nothing was stored in the browser', async () => {
  await page.click('#logout');
  await page.locator('#login-view').waitFor();
  const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
  assert.deepEqual(stored, [0, 0, '']);
  assert.deepEqual(problems, [], 'no console errors and no CSP violations');
});
