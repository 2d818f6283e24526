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

// The change-screen panel (src/main/resources/static/imagestore.js) in headless Chromium, with a
// stub of Gerrit's plugin API (gerrit-stub.js) and a real image service behind the image URLs.
//
// The service runs from IMAGESTORE_UI_SERVICE_JAR with IMAGESTORE_UI_JAVA on a throwaway data
// directory; the screenshots are pages rendered by Chromium (a form and a table, light and dark),
// uploaded with POST /images. Gerrit is played by
// a small HTTP server on 127.0.0.1: it serves the page, the two scripts and the plugin's REST
// answers (with Gerrit's ")]}'" prefix). It has to be a real server on the service's address:
// Chromium blocks images from a more private address (loopback) on a page from a routed, public
// looking origin. Run by bin/ui-test, which sets the variables.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import {mkdirSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';
import {startService as startImageService} from '../../../tools/test-support/image-service.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PLUGIN_JS = join(HERE, '../../main/resources/static/imagestore.js');
const STUB_JS = join(HERE, 'gerrit-stub.js');
const JAVA = process.env.IMAGESTORE_UI_JAVA || 'java';
const SERVICE_JAR = process.env.IMAGESTORE_UI_SERVICE_JAR ||
    join(HERE, '../../../imagestore-service/target/imagestore-service.jar');
const CHROMIUM = process.env.IMAGESTORE_UI_CHROMIUM || '/usr/bin/chromium';
// A directory to save screenshots of the rendered panel in (each viewer mode, the full-size view,
// the help), for a person to look at; bin/ui-test sets it to target/ui-artifacts.
const SCREENSHOTS = process.env.IMAGESTORE_UI_SCREENSHOTS || '';

const CHANGE = {id: 'ui%2Ftests~master~I0123456789abcdef0123456789abcdef01234567',
  project: 'ui/tests', branch: 'master', _number: 123};
const REVISION = {_number: 2, kind: 'REWORK'};
const PREVIEWS_PATH = '/changes/ui%2Ftests~123/revisions/2/imagestore~previews';
const LAYOUT = 'images/login/linux/1920x1080/chrome/light/ltr/cozy';
const RUNTIME = {spec: 'login', platform: 'linux', resolution: '1920x1080', browser: 'chrome',
  theme: 'light', direction: 'ltr', mode: 'cozy'};
const UNKNOWN_UUID = '0123456789abcdef0123456789abcdef';

const HARNESS = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Change 123: imagestore panel test</title>
<script src="/gerrit-stub.js"></script>
<script src="/plugins/imagestore/static/imagestore.js"></script>
</head><body>
<h1>Change 123</h1>
<p id="before">Commit message and files</p>
<div id="change-view-integration"></div>
<p id="after">Change log</p>
</body></html>`;

let service;
let gerrit;
let browser;

// --- the image service ------------------------------------------------------------------------

async function startService() {
  const started = await startImageService(
      {java: JAVA, jar: SERVICE_JAR, accounts: [['ui-test', 'uploader']], prefix: 'imagestore-ui-'});
  return {...started, password: started.passwords['ui-test']};
}

async function upload(png, fileName) {
  const form = new FormData();
  form.append('image', new Blob([png], {type: 'image/png'}), fileName);
  const response = await fetch(`${service.url}images`, {
    method: 'POST',
    body: form,
    headers: {Authorization: `Basic ${Buffer.from(`ui-test:${service.password}`).toString('base64')}`},
  });
  const body = await response.text();
  assert.ok(response.status === 201 || response.status === 200, `upload ${fileName}: ${response.status} ${body}`);
  return JSON.parse(body).uuid;
}

// --- realistic screenshots ---------------------------------------------------------------------
//
// The viewer's tests compare real pages: a form and a table, light and dark, rendered by this
// Chromium (a 640x400 viewport, as a UI test would take them) and uploaded to the service. The
// positions of what changed (a clock to ignore, a notice that moved) are measured on the page.

const SHOT = {width: 640, height: 400};

const THEMES = {
  light: {bg: '#f6f7f9', card: '#ffffff', text: '#1f2328', muted: '#59636e', line: '#d1d9e0',
    bar: '#24292f', barText: '#f6f8fa', accent: '#0969da', field: '#ffffff'},
  dark: {bg: '#0d1117', card: '#161b22', text: '#e6edf3', muted: '#9198a1', line: '#3d444d',
    bar: '#010409', barText: '#e6edf3', accent: '#4493f8', field: '#0d1117'},
};

/**
 * A page as a UI test would screenshot it. change: what the new version does (clock time, the
 * notice's place, the save button, a table value).
 */
function pageHtml(kind, themeName, change = {}) {
  const t = THEMES[themeName];
  const clock = change.clock || '10:42';
  const notice = change.notice || {left: 392, top: 96};
  const saveColour = change.saveColour || t.accent;
  const body = kind === 'form' ? `
    <form class="card">
      <h2>Shipping address</h2>
      <label>Full name<input id="name" value="Ada Lovelace"></label>
      <label>Email<input value="ada@example.com"></label>
      <label>Country<select><option>United Kingdom</option></select></label>
      <label class="check"><input type="checkbox" checked> Send me order updates</label>
      <div class="buttons"><button type="button" id="save" style="background:${saveColour}">Save address</button>
        <button type="button" class="secondary">Cancel</button></div>
    </form>
    <aside id="notice" style="left:${notice.left}px;top:${notice.top}px">
      <strong>Free delivery</strong><br>on orders over £50 until Sunday</aside>` : `
    <div class="card wide">
      <h2>Orders</h2>
      <table>
        <thead><tr><th>Order</th><th>Customer</th><th>Status</th><th class="n">Total</th></tr></thead>
        <tbody>
          <tr><td>#1041</td><td>Ada Lovelace</td><td><span class="pill">Shipped</span></td><td class="n">£48.00</td></tr>
          <tr><td>#1042</td><td>Alan Turing</td><td><span class="pill wait">Pending</span></td><td class="n">£12.50</td></tr>
          <tr><td>#1043</td><td>Grace Hopper</td><td><span class="pill">Shipped</span></td><td class="n">${change.total || '£230.99'}</td></tr>
          <tr><td>#1044</td><td>Edsger Dijkstra</td><td><span class="pill wait">Pending</span></td><td class="n">£7.25</td></tr>
        </tbody>
      </table>
    </div>`;
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.4 "DejaVu Sans", Arial, sans-serif; background: ${t.bg}; color: ${t.text}; }
    .bar { height: 44px; background: ${t.bar}; color: ${t.barText}; display: flex; align-items: center;
      padding: 0 16px; gap: 16px; }
    .bar b { font-size: 16px; } .bar nav { flex: 1; color: ${t.barText}; opacity: .8; }
    #clock { font-variant-numeric: tabular-nums; padding: 2px 8px; border: 1px solid ${t.barText}; border-radius: 4px; }
    .card { background: ${t.card}; border: 1px solid ${t.line}; border-radius: 8px; padding: 12px 16px;
      margin: 16px; width: 350px; }
    .card.wide { width: auto; }
    h2 { margin: 0 0 8px; font-size: 17px; }
    label { display: block; color: ${t.muted}; font-size: 12px; margin: 6px 0; }
    input, select { display: block; width: 100%; margin-top: 2px; padding: 5px 8px; font: inherit; font-size: 14px;
      color: ${t.text}; background: ${t.field}; border: 1px solid ${t.line}; border-radius: 6px; }
    label.check { display: flex; gap: 6px; align-items: center; color: ${t.text}; font-size: 13px; }
    label.check input { width: auto; margin: 0; }
    .buttons { display: flex; gap: 8px; margin-top: 10px; }
    button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid ${t.line}; color: #fff; }
    button.secondary { background: transparent; color: ${t.text}; }
    #notice { position: absolute; width: 200px; padding: 10px 12px; border-radius: 8px; font-size: 13px;
      background: ${themeName === 'light' ? '#fff8c5' : '#3b2e00'}; border: 1px solid #d4a72c; }
    table { width: 100%; border-collapse: collapse; }
    th, td { text-align: left; padding: 7px 8px; border-bottom: 1px solid ${t.line}; }
    th { color: ${t.muted}; font-size: 12px; font-weight: 600; }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    .pill { font-size: 12px; padding: 1px 8px; border-radius: 10px; background: #1a7f37; color: #fff; }
    .pill.wait { background: #9a6700; }
  </style></head><body>
    <div class="bar"><b>Acme Shop</b><nav>Orders · Customers · Reports</nav><span id="clock">${clock}</span></div>
    ${body}
  </body></html>`;
}

/** Renders a page in Chromium; returns the PNG and the boxes of the named elements. */
async function renderPage(page, html, ids) {
  await page.setContent(html);
  const boxes = await page.evaluate(ids => Object.fromEntries(ids.map(id => {
    const rect = document.getElementById(id).getBoundingClientRect();
    const x = Math.floor(rect.left);
    const y = Math.floor(rect.top);
    return [id, {x, y, width: Math.ceil(rect.right) - x, height: Math.ceil(rect.bottom) - y}];
  })), ids);
  return {png: await page.screenshot({type: 'png'}), boxes};
}

/** The screenshots of the viewer's tests, uploaded: uuids and measured boxes. */
const shots = {};

async function renderShots() {
  const context = await browser.newContext({viewport: SHOT, deviceScaleFactor: 1});
  const page = await context.newPage();
  const render = async (name, kind, theme, change, ids = []) => {
    const {png, boxes} = await renderPage(page, pageHtml(kind, theme, change), ['clock', ...ids]);
    shots[name] = {uuid: await upload(png, `${name}.png`), boxes};
  };
  await render('formLight', 'form', 'light', {}, ['notice', 'save', 'name']);
  await render('formLightNew', 'form', 'light',
      {clock: '10:57', notice: {left: 412, top: 150}, saveColour: '#1a7f37'}, ['notice', 'save', 'name']);
  // An accepted variant of the new form: the same page, the clock one minute on.
  await render('formLightVariant', 'form', 'light',
      {clock: '10:58', notice: {left: 412, top: 150}, saveColour: '#1a7f37'});
  await render('formDark', 'form', 'dark');
  await render('tableDark', 'table', 'dark');
  await render('tableDarkNew', 'table', 'dark', {clock: '11:05', total: '£203.99'});
  await render('tableLight', 'table', 'light');
  await context.close();
}

/** The service's figures for a pair, as the plugin copies them into the previews answer. */
async function diffFigures(a, b) {
  const response = await fetch(`${service.url}diff/${a}/${b}/info`);
  assert.equal(response.status, 200, `diff info ${a} ${b}`);
  const info = await response.json();
  const pick = (...names) => names.map(name => info[name]).find(value => value !== undefined);
  return {
    url: `${service.url}diff/${a}/${b}`,
    info_url: `${service.url}diff/${a}/${b}/info`,
    mismatched_pixels: pick('mismatchedPixels', 'mismatched_pixels'),
    mismatch_percent: pick('mismatchPercentage', 'mismatch_percentage'),
    passed: pick('passed'),
    size_mismatch: pick('sizeMismatch', 'size_mismatch'),
  };
}

const REVIEW_LAYOUT = theme => `images/checkout/linux/640x400/chrome/${theme}/ltr/cozy`;
const runtimeOf = theme => ({spec: 'checkout', platform: 'linux', resolution: '640x400', browser: 'chrome',
  theme, direction: 'ltr', mode: 'cozy'});

/**
 * A change touching four real screenshots, with what the contract of issue 13 adds: ignored
 * regions and moved blocks on the diffs, variants of a new image, an invalid configuration file.
 */
async function reviewPreviews() {
  const form = await diffFigures(shots.formLight.uuid, shots.formLightNew.uuid);
  const table = await diffFigures(shots.tableDark.uuid, shots.tableDarkNew.uuid);
  const was = shots.formLight.boxes.notice;
  const now = shots.formLightNew.boxes.notice;
  const widen = box => ({x: Math.max(0, box.x - 2), y: Math.max(0, box.y - 2), width: box.width + 4, height: box.height + 4});
  return {
    change: 123, patch_set: 2,
    summary: '4 images changed: 2 modified (2 failing), 1 added, 1 deleted',
    counts: {added: 1, modified: 2, deleted: 1, missing: 0, invalid: 0, failed: 2},
    config_problems: [{file: 'images/checkout/.imagestore.json', reason: 'unknown key "treshold"'}],
    images: [
      {path: `${REVIEW_LAYOUT('light')}/address-form.ref.lnk`, name: 'address-form', runtime: runtimeOf('light'),
        status: 'modified', reference: side(shots.formLight.uuid), new: side(shots.formLightNew.uuid),
        variants: [side(shots.formLightVariant.uuid),
          {uuid: UNKNOWN_UUID, url: imageUrl(UNKNOWN_UUID), missing: true}],
        diff: {...form, ignore: [widen(shots.formLight.boxes.clock)], ignored_pixels: 2400,
          shifts: [{...now, dx: now.x - was.x, dy: now.y - was.y, mismatched_pixels: 9800}]}},
      {path: `${REVIEW_LAYOUT('dark')}/orders.ref.lnk`, name: 'orders', runtime: runtimeOf('dark'),
        status: 'modified', reference: side(shots.tableDark.uuid), new: side(shots.tableDarkNew.uuid),
        diff: {...table, ignore: [widen(shots.tableDark.boxes.clock)]}},
      {path: `${REVIEW_LAYOUT('dark')}/address-form.ref.lnk`, name: 'address-form', runtime: runtimeOf('dark'),
        status: 'added', new: side(shots.formDark.uuid)},
      {path: `${REVIEW_LAYOUT('light')}/orders.ref.lnk`, name: 'orders', runtime: runtimeOf('light'),
        status: 'deleted', reference: side(shots.tableLight.uuid)},
    ],
  };
}

/** Keeps a screenshot for a person to look at (bin/ui-test prints where). */
async function keep(target, name) {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, {recursive: true});
  await target.screenshot({path: join(SCREENSHOTS, `${name}.png`)});
}

/** Opens the panel on the review answer and waits for the first image's pictures. */
async function openReview(previews) {
  const opened = await openPanel(answering(previews || await reviewPreviews()));
  const item = opened.panel.locator('li.image').first();
  await item.waitFor();
  for (const img of await item.locator('.viewer img').all()) await loadedSize(img);
  return {...opened, item};
}

/** The transform and scroll position of each pane of a viewer. */
const paneStates = viewer => viewer.locator('.pane').evaluateAll(panes => panes.map(pane => ({
  transform: pane.querySelector('.layer').style.transform,
  left: pane.scrollLeft, top: pane.scrollTop,
  // Where the pane's first picture is, relative to the pane: the same in every pane when in sync.
  image: (() => {
    const p = pane.getBoundingClientRect();
    const i = pane.querySelector('img').getBoundingClientRect();
    return {x: Math.round(i.left - p.left), y: Math.round(i.top - p.top), width: Math.round(i.width)};
  })(),
})));

/** The box of an element relative to the box of its pane's first picture, in screen pixels. */
const boxInPicture = (pane, selector) => pane.evaluate((pane, selector) => {
  const i = pane.querySelector('img').getBoundingClientRect();
  const m = pane.querySelector(selector).getBoundingClientRect();
  return {x: m.left - i.left, y: m.top - i.top, width: m.width, height: m.height};
}, selector);

const near = (actual, expected, label) => {
  for (const key of Object.keys(expected)) {
    assert.ok(Math.abs(actual[key] - expected[key]) <= 1.5,
        `${label}: ${key} ${actual[key]} is not ${expected[key]} (${JSON.stringify(actual)})`);
  }
};

/** The colour of the pixel at (x, y) of an element's screenshot. */
async function pixelAt(page, element, x, y) {
  const png = await element.screenshot();
  return page.evaluate(async ({base64, x, y}) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return [...context.getImageData(Math.floor(x), Math.floor(y), 1, 1).data.slice(0, 3)];
  }, {base64: png.toString('base64'), x, y});
}

// --- the previews answer ----------------------------------------------------------------------

const imageUrl = uuid => `${service.url}images/${uuid}`;
const side = uuid => ({uuid, url: imageUrl(uuid), missing: false});

/** The answer for a change that touches five screenshots, one of them with a missing image. */
function fullPreviews() {
  return {
    change: 123,
    patch_set: 2,
    summary: '5 images changed: 2 modified, 2 added, 1 deleted (1 missing in the image service)',
    counts: {added: 2, modified: 2, deleted: 1, missing: 1},
    images: [
      {path: `${LAYOUT}/form.ref.lnk`, name: 'form', runtime: RUNTIME, status: 'modified',
        reference: side(shots.formLight.uuid), new: side(shots.formDark.uuid),
        diff: {url: `${service.url}diff/${shots.formLight.uuid}/${shots.formDark.uuid}`,
          info_url: `${service.url}diff/${shots.formLight.uuid}/${shots.formDark.uuid}/info`,
          mismatched_pixels: 1234, mismatch_percent: 0.59, passed: false, size_mismatch: false}},
      {path: `${LAYOUT}/dialog.ref.lnk`, name: 'dialog', runtime: RUNTIME, status: 'added',
        new: side(shots.tableLight.uuid)},
      {path: `${LAYOUT}/legacy.ref.lnk`, name: 'legacy', runtime: RUNTIME, status: 'deleted',
        reference: side(shots.tableDark.uuid)},
      {path: `${LAYOUT}/header.ref.lnk`, name: 'header', runtime: RUNTIME, status: 'modified',
        reference: {uuid: UNKNOWN_UUID, url: imageUrl(UNKNOWN_UUID), missing: true},
        new: side(shots.formLightNew.uuid)},
      // Not in UIVeri5's layout: no runtime.
      {path: 'docs/screens/logo.png.lnk', status: 'added', new: side(shots.tableDarkNew.uuid)},
    ],
  };
}

const gerritJson = value => `)]}'\n${JSON.stringify(value)}`;

// --- the page ---------------------------------------------------------------------------------

/**
 * The Gerrit stand-in. Tests run one after the other: gerrit.answer(path) gives the current
 * test's plugin REST answer, {status, body}.
 */
async function startGerrit() {
  const state = {url: '', answer: () => ({status: 404, body: 'Not found'})};
  const send = (response, status, type, body) => {
    response.writeHead(status, {'Content-Type': type, 'Cache-Control': 'no-store'});
    response.end(body);
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    if (path.startsWith('/c/')) return send(response, 200, 'text/html', HARNESS);
    if (path === '/gerrit-stub.js') return send(response, 200, 'text/javascript', readFileSync(STUB_JS));
    if (path === '/plugins/imagestore/static/imagestore.js') {
      return send(response, 200, 'text/javascript', readFileSync(PLUGIN_JS));
    }
    if (path.startsWith('/changes/')) {
      const {status, body} = state.answer(path);
      return send(response, status, 'application/json', body);
    }
    return send(response, 404, 'text/plain', 'Not found');
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.stop = () => new Promise(resolve => server.close(resolve));
  return state;
}

/**
 * Opens the harness page with the plugin loaded and mounts it at change-view-integration.
 * answer(path) gives the plugin REST answer: {status, body}.
 */
async function openPanel(answer) {
  gerrit.answer = answer;
  const context = await browser.newContext({viewport: {width: 1280, height: 900}, locale: 'en-US'});
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', error => pageErrors.push(error));
  const requested = [];
  page.on('request', request => requested.push(request.url()));
  await page.goto(`${gerrit.url}/c/ui/tests/+/123`);
  const mounted = await page.evaluate(({change, revision}) =>
    window.gerritStub.mount('change-view-integration', {change, revision}), {change: CHANGE, revision: REVISION});
  assert.equal(mounted, 1, 'the plugin registered one component at change-view-integration');
  return {context, page, pageErrors, requested, panel: page.locator('imagestore-previews')};
}

const answering = previews => () => ({status: 200, body: gerritJson(previews)});

/** Waits until the image has loaded (scrolling to it: the panel loads images lazily). */
async function loadedSize(img) {
  await img.scrollIntoViewIfNeeded();
  await img.evaluate(element => element.complete && element.naturalWidth > 0 ||
    new Promise(resolve => {
      element.addEventListener('load', resolve, {once: true});
      element.addEventListener('error', resolve, {once: true});
    }));
  return img.evaluate(element => ({width: element.naturalWidth, height: element.naturalHeight}));
}

/**
 * Which theme of a page shows at fractions xs of the element's width, in the page's bottom margin
 * (background only): 'light' or 'dark'. The slider's tests compare a page with its dark version.
 */
async function visibleThemes(page, element, xs) {
  const png = await element.screenshot();
  const pixels = await page.evaluate(async ({base64, xs}) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return xs.map(x => [...context.getImageData(Math.floor(x * canvas.width),
        Math.floor(canvas.height * 0.97), 1, 1).data.slice(0, 3)]);
  }, {base64: png.toString('base64'), xs});
  return pixels.map(([r, g, b]) => {
    const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    return luminance > 200 ? 'light' : luminance < 40 ? 'dark' : `rgb(${r}, ${g}, ${b})`;
  });
}

async function assertPageIntact(page, pageErrors) {
  assert.deepEqual(pageErrors.map(String), [], 'no uncaught errors on the page');
  assert.equal(await page.locator('#before').isVisible(), true);
  assert.equal(await page.locator('#after').isVisible(), true);
}

// --- setup ------------------------------------------------------------------------------------

before(async () => {
  service = await startService();
  gerrit = await startGerrit();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic'],
  });
  await renderShots();

  // The diff picture the panel shows comes from the service's diff endpoint.
  const probe = await fetch(`${service.url}diff/${shots.formLight.uuid}/${shots.formDark.uuid}`);
  const type = probe.headers.get('content-type') || '';
  await probe.arrayBuffer();
  if (probe.status !== 200 || !type.startsWith('image/png')) {
    throw new Error(`GET /diff/{a}/{b} answered ${probe.status} ${type}: the diff endpoint is broken`);
  }
});

after(async () => {
  await browser?.close();
  await gerrit?.stop();
  await service?.stop();
});

// --- tests ------------------------------------------------------------------------------------

test('registers at change-view-integration and asks for the selected patch set', async () => {
  const previewsFor = patchSet => ({...fullPreviews(), patch_set: patchSet,
    summary: `patch set ${patchSet}`, images: fullPreviews().images.slice(0, 1)});
  const {context, page, pageErrors, panel} = await openPanel(path => {
    const patchSet = Number(path.match(/\/revisions\/(\d+)\//)[1]);
    return {status: 200, body: gerritJson(previewsFor(patchSet))};
  });
  try {
    const registrations = await page.evaluate(() => window.gerritStub.registrations.map(
        r => ({plugin: r.plugin.getPluginName(), endpoint: r.endpoint, tag: r.tag})));
    assert.deepEqual(registrations,
        [{plugin: 'imagestore', endpoint: 'change-view-integration', tag: 'imagestore-previews'}]);
    await panel.locator('.summary', {hasText: 'patch set 2'}).waitFor();
    assert.deepEqual(await page.evaluate(() => window.gerritStub.requests), [PREVIEWS_PATH]);

    // Gerrit sets the same change again on a refresh: no new request. Another patch set: one.
    await page.evaluate(change => {
      document.querySelector('imagestore-previews').change = {...change};
    }, CHANGE);
    await page.evaluate(() => new Promise(resolve => setTimeout(resolve, 0)));
    assert.deepEqual(await page.evaluate(() => window.gerritStub.requests), [PREVIEWS_PATH]);
    await page.evaluate(() => {
      document.querySelector('imagestore-previews').revision = {_number: 3, kind: 'REWORK'};
    });
    await panel.locator('.summary', {hasText: 'patch set 3'}).waitFor();
    assert.deepEqual(await page.evaluate(() => window.gerritStub.requests),
        [PREVIEWS_PATH, PREVIEWS_PATH.replace('/revisions/2/', '/revisions/3/')]);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('shows the summary and each image with path, runtime, status and its images', async () => {
  const previews = fullPreviews();
  const {context, page, pageErrors, panel} = await openPanel(answering(previews));
  try {
    await panel.locator('h3', {hasText: 'Screenshots'}).waitFor();
    assert.equal(await panel.locator('.summary').textContent(), previews.summary);
    const items = panel.locator('li.image');
    assert.equal(await items.count(), 5);

    for (const [index, image] of previews.images.entries()) {
      const item = items.nth(index);
      const label = `${image.path}:`;
      assert.equal(await item.locator('.path').textContent(), image.path, label);
      assert.equal(await item.locator('.badge').first().textContent(), image.status, label);
      if (image.runtime) {
        const runtime = await item.locator('dl.runtime > div').evaluateAll(rows =>
          rows.map(row => `${row.querySelector('dt').textContent}=${row.querySelector('dd').textContent}`));
        assert.deepEqual(runtime, Object.entries(image.runtime).map(([k, v]) => `${k}=${v}`), label);
      } else {
        assert.equal(await item.locator('dl.runtime').count(), 0, label);
      }
      // Added: only the new image; deleted: only the reference.
      const sides = await item.locator('figure').evaluateAll(figures => figures.map(f => f.dataset.side));
      const expected = {modified: ['reference', 'new'], added: ['new'], deleted: ['reference']}[image.status];
      assert.deepEqual(sides.filter(s => s !== 'diff'), expected, label);

      for (const sideName of expected) {
        const figure = item.locator(`figure[data-side="${sideName}"]`);
        const sideInfo = sideName === 'reference' ? image.reference : image.new;
        if (sideInfo.missing) continue;
        const img = figure.locator('img');
        assert.deepEqual(await loadedSize(img), {width: SHOT.width, height: SHOT.height}, `${label} ${sideName} loaded`);
        assert.equal(await img.getAttribute('src'), sideInfo.url, label);
        const alt = await img.getAttribute('alt');
        assert.match(alt, new RegExp(`^${sideName === 'new' ? 'New' : 'Reference'} screenshot of `), label);
        assert.ok(alt.includes(image.name || 'logo'), `${label} alt names the image: ${alt}`);
      }
    }

    // The runtime is part of the alt text where there is one.
    assert.equal(await items.nth(0).locator('figure[data-side="reference"] img').getAttribute('alt'),
        'Reference screenshot of form (login, linux, 1920x1080, chrome, light, ltr, cozy)');
    // The diff's numbers come from the answer, whatever the diff image does.
    assert.equal(await items.nth(0).locator('.stats').textContent(),
        '1,234 pixels differ (0.59 %); over tolerance');
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('a missing image is called out in words and is not requested', async () => {
  const {context, page, pageErrors, panel, requested} = await openPanel(answering(fullPreviews()));
  try {
    const item = panel.locator('li.image[data-path$="/header.ref.lnk"]');
    await item.waitFor();
    assert.equal(await item.locator('.badge.missing').textContent(), 'image missing');
    const missing = item.locator('figure[data-side="reference"]');
    assert.equal(await missing.locator('[role="note"]').textContent(),
        `Missing: the image service has no reference image ${UNKNOWN_UUID}.`);
    assert.equal(await missing.locator('img').count(), 0);
    assert.deepEqual(await loadedSize(item.locator('figure[data-side="new"] img')), {width: SHOT.width, height: SHOT.height});
    // Nothing to compare against: side by side is the only mode.
    assert.equal(await item.locator('button[data-mode]').count(), 0);
    assert.equal(await item.locator('.viewer').getAttribute('data-mode'), 'side');
    // The browser never asked the service for it.
    assert.deepEqual(requested.filter(url => url.includes(UNKNOWN_UUID)), []);
    // Images that are present carry no such note.
    const form = panel.locator('li.image[data-path$="/form.ref.lnk"]');
    assert.equal(await form.locator('figure[data-side="reference"] [role="note"]').count(), 0);
    assert.equal(await form.locator('figure[data-side="new"] [role="note"]').count(), 0);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('images the service could not be asked about are shown as not verified, not missing', async () => {
  // What the previews endpoint answers when the service is down or never answers. The problem
  // text comes from the service's side: it must show as text, never as markup.
  const problem = 'the image service did not answer in time <img src=x onerror="window.pwned=1">';
  const unverified = uuid => ({uuid, url: imageUrl(uuid), missing: false, problem});
  const previews = {
    change: 123, patch_set: 2,
    summary: '2 images changed: 1 modified, 1 added; 2 not verified (the image service could not be asked)',
    counts: {added: 1, modified: 1, deleted: 0, missing: 0, invalid: 0, failed: 0, unverified: 2},
    service_problem: problem,
    images: [
      {path: `${LAYOUT}/dialog.ref.lnk`, name: 'dialog', runtime: RUNTIME, status: 'added',
        new: unverified(shots.tableLight.uuid)},
      {path: `${LAYOUT}/form.ref.lnk`, name: 'form', runtime: RUNTIME, status: 'modified',
        reference: side(shots.formLight.uuid), new: unverified(shots.formDark.uuid)},
    ],
  };
  const {context, page, pageErrors, panel} = await openPanel(answering(previews));
  try {
    const status = panel.locator('p.unverified[role="status"]');
    await status.waitFor();
    assert.equal(await status.textContent(),
        `Not verified: 2 images could not be checked with the image service (${problem}). ` +
        'Whether the service has them is unknown; try again later.');
    const items = panel.locator('li.image');
    assert.equal(await items.count(), 2);
    for (const [index, image] of previews.images.entries()) {
      const item = items.nth(index);
      assert.equal(await item.locator('.badge.unverified').textContent(), 'not verified', image.path);
      assert.equal(await item.locator('.badge.missing').count(), 0, image.path);
      const note = item.locator('figure[data-side="new"] [role="note"]');
      assert.equal(await note.textContent(),
          'Not verified: the image service could not say whether it has the new image ' +
          `${image.new.uuid} (${problem}).`);
      // The image itself is still offered: the service may serve it all the same.
      assert.deepEqual(await loadedSize(item.locator('figure[data-side="new"] img')),
          {width: SHOT.width, height: SHOT.height}, image.path);
    }
    // A verified reference carries no such note.
    assert.equal(await items.nth(1).locator('figure[data-side="reference"] [role="note"]').count(), 0);
    // Nowhere called missing, and the problem text made no element.
    assert.equal(await panel.evaluate(element => element.shadowRoot.textContent.includes('Missing')), false);
    assert.equal(await panel.locator('img').count(), 3); // the figures side by side
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('a fully verified change shows no unverified note', async () => {
  const {context, page, pageErrors, panel} = await openPanel(answering(fullPreviews()));
  try {
    await panel.locator('li.image').first().waitFor();
    assert.equal(await panel.locator('.unverified').count(), 0);
    assert.equal(await panel.locator('.badge.unverified').count(), 0);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('an image the service cannot serve is called out when it fails to load', async () => {
  const previews = {summary: '1 image changed: 1 modified', images: [
    {path: `${LAYOUT}/gone.ref.lnk`, name: 'gone', runtime: RUNTIME, status: 'modified',
      reference: side(UNKNOWN_UUID), new: side(shots.formDark.uuid)}]};
  const {context, page, pageErrors, panel} = await openPanel(answering(previews));
  try {
    const note = panel.locator('figure[data-side="reference"] [role="note"]');
    await note.waitFor();
    assert.equal(await note.textContent(),
        `The reference image ${UNKNOWN_UUID} could not be loaded from the image service.`);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('the compare slider and buttons change which image is visible', async () => {
  const {context, page, pageErrors, panel} = await openPanel(answering(fullPreviews()));
  try {
    const item = panel.locator('li.image[data-path$="/form.ref.lnk"]');
    await item.getByRole('button', {name: 'Slider'}).click();
    const details = item.locator('.viewer');
    const stage = details.locator('figure[data-side="slider"] .pane');
    assert.deepEqual(await loadedSize(stage.locator('img.under')), {width: SHOT.width, height: SHOT.height});
    assert.deepEqual(await loadedSize(stage.locator('img.over')), {width: SHOT.width, height: SHOT.height});
    const slider = details.getByLabel('New image from the left');

    // Half and half: new (the dark page) on the left, reference (the light one) on the right.
    assert.equal(await slider.inputValue(), '50');
    assert.deepEqual(await visibleThemes(page, stage, [0.1, 0.4, 0.6, 0.9]), ['dark', 'dark', 'light', 'light']);

    await slider.focus();
    await page.keyboard.press('Home');
    assert.equal(await slider.getAttribute('aria-valuetext'), 'new 0 %, reference 100 %');
    assert.deepEqual(await visibleThemes(page, stage, [0.1, 0.5, 0.9]), ['light', 'light', 'light']);

    await page.keyboard.press('End');
    assert.deepEqual(await visibleThemes(page, stage, [0.1, 0.5, 0.9]), ['dark', 'dark', 'dark']);

    await slider.fill('25');
    assert.equal(await details.locator('.controls output').textContent(), 'new 25 %, reference 75 %');
    assert.deepEqual(await visibleThemes(page, stage, [0.1, 0.4, 0.9]), ['dark', 'light', 'light']);

    // A click on the picture moves the divider there.
    const box = await stage.boundingBox();
    await page.mouse.click(box.x + 1 + (box.width - 2) * 0.7, box.y + box.height / 2);
    assert.ok(Math.abs(Number(await slider.inputValue()) - 70) <= 1, await slider.inputValue());
    assert.deepEqual(await visibleThemes(page, stage, [0.1, 0.6, 0.9]), ['dark', 'dark', 'light']);

    await details.getByRole('button', {name: 'Show new'}).click();
    assert.equal(await slider.inputValue(), '100');
    assert.deepEqual(await visibleThemes(page, stage, [0.1, 0.9]), ['dark', 'dark']);
    await details.getByRole('button', {name: 'Show reference'}).click();
    assert.equal(await slider.inputValue(), '0');
    assert.deepEqual(await visibleThemes(page, stage, [0.1, 0.9]), ['light', 'light']);
    await assertPageIntact(page, pageErrors);
    if (SCREENSHOTS) {
      await slider.fill('50');
      await page.screenshot({path: join(SCREENSHOTS, 'panel.png'), fullPage: true});
    }
  } finally {
    await context.close();
  }
});

test('the diff image loads from the service', async () => {
  const {context, page, pageErrors, panel} = await openPanel(answering(fullPreviews()));
  try {
    const img = panel.locator('li.image[data-path$="/form.ref.lnk"] figure[data-side="diff"] img');
    await img.waitFor();
    const size = await loadedSize(img);
    assert.ok(size.width > 0 && size.height > 0, `the diff image loaded: ${JSON.stringify(size)}`);
    assert.match(await img.getAttribute('alt'), /^Difference between reference and new screenshot of form/);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('an endpoint error shows a short message and leaves the page intact', async () => {
  const {context, page, pageErrors, panel} = await openPanel(
      () => ({status: 500, body: 'Internal server error'}));
  try {
    const message = panel.locator('[role="status"]');
    await message.waitFor();
    assert.equal(await message.textContent(), 'Screenshot previews are unavailable: Internal server error');
    assert.equal(await panel.locator('li.image').count(), 0);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('an unexpected answer shows a short message', async () => {
  const {context, page, pageErrors, panel} = await openPanel(answering({images: 'none'}));
  try {
    const message = panel.locator('[role="status"]');
    await message.waitFor();
    assert.match(await message.textContent(), /answered something unexpected/);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('a change without screenshots renders nothing', async () => {
  const {context, page, pageErrors, panel} = await openPanel(
      answering({change: 123, patch_set: 2, summary: 'No images changed', counts: {}, images: []}));
  try {
    await page.waitForFunction(() => document.querySelector('imagestore-previews').dataset.state === 'empty');
    assert.equal(await panel.evaluate(element => element.hidden), true);
    assert.equal(await panel.isVisible(), false);
    assert.equal(await panel.evaluate(element => element.shadowRoot.textContent.includes('No images')), false);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

// --- the viewer --------------------------------------------------------------------------------

test('side by side: reference, new and difference, with ignored regions and moved blocks drawn to scale', async () => {
  const previews = await reviewPreviews();
  const {context, page, pageErrors, panel, item} = await openReview(previews);
  try {
    const viewer = item.locator('.viewer');
    assert.equal(await viewer.getAttribute('data-mode'), 'side');
    assert.deepEqual(await viewer.locator('figure').evaluateAll(f => f.map(e => e.dataset.side)),
        ['reference', 'new', 'diff']);
    assert.deepEqual(await viewer.locator('button[data-mode]').evaluateAll(b => b.map(e => e.textContent)),
        ['Side by side', 'Slider', 'Blink', 'Highlight', 'Difference']);
    assert.equal(await viewer.locator('button[data-mode="side"]').getAttribute('aria-pressed'), 'true');

    const image = previews.images[0];
    const [ignore] = image.diff.ignore;
    const [shift] = image.diff.shifts;
    const newPane = viewer.locator('figure[data-side="new"] .pane');
    const referencePane = viewer.locator('figure[data-side="reference"] .pane');
    const scale = (await paneStates(viewer))[1].image.width / SHOT.width;
    assert.ok(scale > 0.3 && scale <= 1, `fitted: ${scale}`);
    // Ignored: on every picture, where the answer says, scaled.
    for (const pane of [referencePane, newPane]) {
      near(await boxInPicture(pane, '.mark.ignore'), {x: ignore.x * scale, y: ignore.y * scale,
        width: ignore.width * scale, height: ignore.height * scale}, 'ignored region');
      assert.equal(await pane.locator('.mark.ignore .label').textContent(), 'ignored');
    }
    // Moved: where the block is now on the new picture, where it was on the reference.
    near(await boxInPicture(newPane, '.mark.shift:not(.was)'), {x: shift.x * scale, y: shift.y * scale,
      width: shift.width * scale, height: shift.height * scale}, 'moved block');
    near(await boxInPicture(referencePane, '.mark.shift.was'), {x: (shift.x - shift.dx) * scale,
      y: (shift.y - shift.dy) * scale, width: shift.width * scale}, 'moved block, before');
    assert.equal(await newPane.locator('.mark.shift .label').textContent(), `moved by (${shift.dx}, ${shift.dy})`);
    assert.equal(await newPane.locator('svg.arrows line').count(), 1);
    // And in words.
    assert.deepEqual(await item.locator('.marks-list li').allTextContents(), [
      `Ignored: ${ignore.width}×${ignore.height} at (${ignore.x}, ${ignore.y})`,
      `Moved by (${shift.dx}, ${shift.dy}): ${shift.width}×${shift.height} block now at (${shift.x}, ${shift.y}), ` +
        `was at (${shift.x - shift.dx}, ${shift.y - shift.dy}), explains 9,800 differing pixels`]);
    assert.match(await item.locator('.stats').textContent(),
        /^[\d,]+ pixels differ \([\d.]+ %\); over tolerance; 2,400 pixels ignored; 1 block moved$/);

    // Zoomed, the marks stay on their pixels.
    await viewer.getByRole('button', {name: 'Zoom in'}).click();
    await viewer.getByRole('button', {name: 'Zoom in'}).click();
    const zoomed = (await paneStates(viewer))[1].image.width / SHOT.width;
    assert.ok(Math.abs(zoomed - scale * 2) < 0.01, `two steps of √2: ${zoomed} vs ${scale}`);
    near(await boxInPicture(newPane, '.mark.shift:not(.was)'), {x: shift.x * zoomed, y: shift.y * zoomed,
      width: shift.width * zoomed, height: shift.height * zoomed}, 'moved block, zoomed');
    // Marks off and on (m).
    await viewer.getByRole('button', {name: 'Marks'}).click();
    assert.equal(await newPane.locator('.marks').isVisible(), false);
    await item.focus();
    await page.keyboard.press('m');
    assert.equal(await newPane.locator('.marks').isVisible(), true);
    await viewer.getByRole('button', {name: 'Fit'}).click();
    await keep(item, 'mode-1-side-by-side');
    await assertPageIntact(page, pageErrors);
    // The other images: a single picture, no comparison modes.
    for (const [index, sideName] of [[2, 'new'], [3, 'reference']]) {
      const single = panel.locator('li.image').nth(index);
      assert.equal(await single.locator('button[data-mode]').count(), 0);
      assert.deepEqual(await single.locator('figure').evaluateAll(f => f.map(e => e.dataset.side)), [sideName]);
    }
  } finally {
    await context.close();
  }
});

test('zoom and pan stay synchronised between the panes (buttons, keys, ctrl + wheel, drag)', async () => {
  const {context, page, pageErrors, item} = await openReview();
  try {
    const viewer = item.locator('.viewer');
    const fitted = await paneStates(viewer);
    assert.equal(fitted.length, 3);
    const fitWidth = fitted[0].image.width;
    const assertInSync = async label => {
      const states = await paneStates(viewer);
      for (const state of states.slice(1)) assert.deepEqual(state, states[0], `${label}: the panes agree`);
      return states[0];
    };
    await assertInSync('fitted');

    await item.focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    let state = await assertInSync('zoomed with +');
    assert.ok(state.image.width > fitWidth * 1.9, `zoomed in: ${state.image.width} vs ${fitWidth}`);
    assert.match(await viewer.locator('output.zoom').textContent(), /^\d+ %$/);

    // Dragging the new picture pans all three.
    const newPane = viewer.locator('figure[data-side="new"] .pane');
    const box = await newPane.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 60, box.y + box.height / 2 - 30, {steps: 4});
    await page.mouse.up();
    const dragged = await assertInSync('dragged');
    assert.ok(dragged.left > state.left + 40 && dragged.top > state.top + 15,
        `the drag panned: ${JSON.stringify(state)} → ${JSON.stringify(dragged)}`);

    // Arrow keys pan too.
    await item.focus();
    await page.keyboard.press('ArrowRight');
    state = await assertInSync('arrow key');
    assert.equal(state.left, dragged.left + 40);

    // Ctrl + wheel zooms around the pointer, on the reference pane: the others follow.
    const referencePane = viewer.locator('figure[data-side="reference"] .pane');
    const referenceBox = await referencePane.boundingBox();
    await page.mouse.move(referenceBox.x + 50, referenceBox.y + 40);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await page.waitForFunction(width => {
      const img = document.querySelector('imagestore-previews').shadowRoot.querySelector('li.image .pane img');
      return img.getBoundingClientRect().width > width + 1;
    }, state.image.width);
    const wheeled = await assertInSync('ctrl + wheel');
    assert.ok(wheeled.image.width > state.image.width);

    // Zoom out (−) and fit (0).
    await item.focus();
    await page.keyboard.press('-');
    assert.ok((await assertInSync('zoomed out')).image.width < wheeled.image.width);
    await keep(item, 'zoomed-side-by-side');
    await page.keyboard.press('0');
    const refitted = await assertInSync('fitted again');
    assert.deepEqual(refitted, fitted[0]);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('slider, blink, highlight and difference modes show the right pictures', async () => {
  const previews = await reviewPreviews();
  const {context, page, pageErrors, item} = await openReview(previews);
  try {
    const viewer = item.locator('.viewer');
    const image = previews.images[0];
    await item.focus();

    // 2: slider. The new picture over the reference, clipped at the slider's share.
    await page.keyboard.press('2');
    assert.equal(await viewer.getAttribute('data-mode'), 'slider');
    assert.equal(await viewer.locator('button[data-mode="slider"]').getAttribute('aria-pressed'), 'true');
    const sliderPane = viewer.locator('.pane');
    assert.equal(await sliderPane.count(), 1);
    assert.equal(await sliderPane.locator('img.under').getAttribute('src'), image.reference.url);
    assert.equal(await sliderPane.locator('img.over').getAttribute('src'), image.new.url);
    await loadedSize(sliderPane.locator('img.over'));
    assert.equal(await sliderPane.locator('img.over').evaluate(img => img.style.clipPath), 'inset(0px 50% 0px 0px)');
    // Marks of both pictures on the one pane, with the arrow.
    assert.equal(await sliderPane.locator('.mark.shift').count(), 2);
    assert.equal(await sliderPane.locator('.mark.ignore').count(), 1);
    await keep(item, 'mode-2-slider');

    // 3: blink. Alternates by itself; space pauses, t shows the other picture.
    await page.keyboard.press('3');
    const blinkPane = viewer.locator('.pane');
    await loadedSize(blinkPane.locator('img.over'));
    const showing = () => blinkPane.getAttribute('data-showing');
    const first = await showing();
    await page.waitForFunction(first => document.querySelector('imagestore-previews').shadowRoot
        .querySelector('li.image .pane').dataset.showing !== first, first);
    await item.focus();
    await page.keyboard.press(' ');
    assert.equal(await viewer.locator('button.pause').textContent(), 'Play');
    assert.equal(await viewer.locator('button.pause').getAttribute('aria-pressed'), 'true');
    const paused = await showing();
    await page.waitForTimeout(2 * 600 + 200);
    assert.equal(await showing(), paused, 'paused: the picture stays');
    await page.keyboard.press('t');
    const other = paused === 'new' ? 'reference' : 'new';
    assert.equal(await showing(), other);
    assert.equal(await viewer.locator('.controls .showing').textContent(), other === 'new' ? 'New' : 'Reference');
    assert.equal(await blinkPane.locator('img.over').evaluate(img => getComputedStyle(img).visibility),
        other === 'new' ? 'visible' : 'hidden');
    if (other !== 'new') await page.keyboard.press('t');
    assert.equal(await showing(), 'new');
    await keep(item, 'mode-3-blink-new');
    await page.keyboard.press('t');
    assert.equal(await showing(), 'reference');
    await keep(item, 'mode-3-blink-reference');

    // 4: highlight. The service's diff picture multiplied onto the new picture: the changed save
    // button shows red, the unchanged form does not.
    await page.keyboard.press('4');
    const highlightPane = viewer.locator('.pane');
    assert.equal(await highlightPane.locator('img.new').getAttribute('src'), image.new.url);
    assert.equal(await highlightPane.locator('img.highlight').getAttribute('src'), image.diff.url);
    await loadedSize(highlightPane.locator('img.highlight'));
    await viewer.getByRole('button', {name: 'Marks'}).click();
    const scale = (await paneStates(viewer))[0].image.width / SHOT.width;
    const save = shots.formLightNew.boxes.save;
    const [r, g, b] = await pixelAt(page, highlightPane, 1 + (save.x + 6) * scale, 1 + (save.y + save.height / 2) * scale);
    assert.ok(r > 150 && g < 90 && b < 90, `the changed button is highlighted in red: ${[r, g, b]}`);
    // The name field did not change: it shows as it is (white).
    const field = shots.formLightNew.boxes.name;
    const unchanged = await pixelAt(page, highlightPane, 1 + (field.x + field.width - 20) * scale,
        1 + (field.y + field.height / 2) * scale);
    assert.ok(unchanged.every(channel => channel > 235), `unchanged stays as it is: ${unchanged}`);
    await viewer.getByRole('button', {name: 'Marks'}).click();
    await keep(item, 'mode-4-highlight');

    // 5: the difference picture.
    await page.keyboard.press('5');
    assert.deepEqual(await viewer.locator('.pane img').evaluateAll(i => i.map(e => e.getAttribute('src'))),
        [image.diff.url]);
    await loadedSize(viewer.locator('.pane img'));
    await keep(item, 'mode-5-difference');

    // 1: back to side by side.
    await page.keyboard.press('1');
    assert.equal(await viewer.locator('.pane').count(), 3);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('full size: a dialog at 1:1 that scrolls, j / k go through the images, Esc closes it', async () => {
  const {context, page, pageErrors, panel, item} = await openReview();
  try {
    await item.focus();
    await page.keyboard.press('2');
    await page.keyboard.press('f');
    const dialog = panel.locator('dialog.fullsize');
    await dialog.waitFor();
    assert.equal(await dialog.evaluate(d => d.open), true);
    assert.equal(await dialog.getAttribute('data-index'), '0');
    const viewer = dialog.locator('.viewer');
    assert.equal(await viewer.getAttribute('data-mode'), 'slider', 'the mode chosen in the panel');
    const pane = viewer.locator('.pane');
    await loadedSize(pane.locator('img.under'));
    await page.waitForFunction(() => document.querySelector('imagestore-previews').shadowRoot
        .querySelector('dialog .pane img').getBoundingClientRect().width === 640);
    assert.equal(await viewer.locator('output.zoom').textContent(), '100 %');
    await keep(page, 'full-size-slider');
    // Side by side at 1:1 does not fit: the panes scroll, together.
    await page.keyboard.press('1');
    await loadedSize(viewer.locator('.pane img').first());
    const scrollable = await viewer.locator('.pane').first().evaluate(p => p.scrollWidth > p.clientWidth);
    assert.ok(scrollable, 'a 1:1 pane scrolls');
    await viewer.locator('.pane').first().evaluate(p => { p.scrollLeft = 120; });
    await page.waitForFunction(() => [...document.querySelector('imagestore-previews').shadowRoot
        .querySelectorAll('dialog .pane')].every(p => p.scrollLeft === 120));
    await keep(page, 'full-size-side-by-side');

    // j / k go to the next / previous image in the same mode.
    await page.keyboard.press('4');
    await page.keyboard.press('j');
    await page.waitForFunction(() => document.querySelector('imagestore-previews').shadowRoot
        .querySelector('dialog').dataset.index === '1');
    assert.match(await dialog.locator('h4').textContent(), /^orders \(2 of 4/);
    assert.equal(await viewer.getAttribute('data-mode'), 'highlight');
    await page.keyboard.press('k');
    await page.waitForFunction(() => document.querySelector('imagestore-previews').shadowRoot
        .querySelector('dialog').dataset.index === '0');
    assert.equal(await viewer.getAttribute('data-mode'), 'highlight');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('imagestore-previews').shadowRoot
        .querySelector('dialog').open);
    // Back in the panel, on the image, in the mode chosen in the dialog. The dialog's close event
    // comes in a task after it closes, so wait for it rather than read at once.
    await page.waitForFunction(li => li.getRootNode().activeElement === li &&
        li.querySelector('.viewer')?.dataset.mode === 'highlight', await item.elementHandle());
    assert.equal(await item.evaluate(li => li.getRootNode().activeElement === li), true);
    assert.equal(await item.locator('.viewer').getAttribute('data-mode'), 'highlight');
    await page.keyboard.press('1');

    // Another patch set while the dialog is open: the dialog goes, the new answer shows.
    await page.keyboard.press('f');
    await dialog.waitFor();
    await page.evaluate(() => {
      document.querySelector('imagestore-previews').revision = {_number: 3, kind: 'REWORK'};
    });
    await page.waitForFunction(() => window.gerritStub.requests.length === 2 &&
        document.querySelector('imagestore-previews').dataset.state === 'shown');
    await page.waitForFunction(() => !document.querySelector('imagestore-previews').shadowRoot
        .querySelector('dialog').open);
    assert.equal(await panel.locator('li.image').count(), 4);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('keys move between images only while the panel has focus; Gerrit keeps its shortcuts elsewhere', async () => {
  const {context, page, pageErrors, panel, item} = await openReview();
  try {
    // Gerrit's shortcuts listen on the document.
    await page.evaluate(() => {
      window.gerritKeys = [];
      document.addEventListener('keydown', event => window.gerritKeys.push(event.key));
      document.getElementById('before').tabIndex = 0;
    });
    const selected = () => panel.locator('li.image.selected').getAttribute('data-index');
    assert.equal(await selected(), '0');
    assert.equal(await item.getAttribute('tabindex'), '0');

    await page.locator('#before').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('2');
    assert.equal(await selected(), '0', 'focus elsewhere: the panel ignores the keys');
    assert.equal(await item.locator('.viewer').getAttribute('data-mode'), 'side');
    assert.deepEqual(await page.evaluate(() => window.gerritKeys), ['j', '2']);

    // Clicking a picture gives the panel the keys.
    await item.locator('figure[data-side="new"] .pane').click();
    await page.keyboard.press('j');
    assert.equal(await selected(), '1');
    assert.equal(await panel.locator('li.image').nth(1).evaluate(li => li.getRootNode().activeElement === li), true);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    assert.equal(await selected(), '3', 'stops at the last image');
    await page.keyboard.press('k');
    assert.equal(await selected(), '2');
    assert.deepEqual(await page.evaluate(() => window.gerritKeys), ['j', '2'], 'handled keys do not reach Gerrit');
    // Keys the panel does not use still do.
    await page.keyboard.press('a');
    assert.deepEqual(await page.evaluate(() => window.gerritKeys), ['j', '2', 'a']);

    // ? shows the keys.
    const help = panel.locator('.help');
    assert.equal(await help.isVisible(), false);
    await page.keyboard.press('?');
    assert.equal(await help.isVisible(), true);
    assert.equal(await panel.getByRole('button', {name: 'Keys (?)'}).getAttribute('aria-expanded'), 'true');
    assert.ok((await help.locator('dt').allTextContents()).includes('j / k'));
    await keep(panel.locator('section'), 'help');
    await page.keyboard.press('Escape');
    assert.equal(await help.isVisible(), false);

    // Every control has a name.
    const unnamed = await panel.evaluate(element => [...element.shadowRoot.querySelectorAll('button, input')]
        .filter(control => !(control.getAttribute('aria-label') || control.textContent.trim() ||
            (control.id && element.shadowRoot.querySelector(`label[for="${control.id}"]`))))
        .map(control => control.outerHTML));
    assert.deepEqual(unnamed, []);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('variants and invalid configuration files are listed; text from the answer never becomes markup', async () => {
  const previews = await reviewPreviews();
  const payload = '<img src=x onerror="window.pwned=1">';
  previews.config_problems.push({file: `images/${payload}/.imagestore.json`, reason: `bad ${payload}`});
  previews.images[0].variants.push({uuid: payload, url: 'javascript:window.pwned=2', missing: false,
    problem: payload});
  // Malformed marks are dropped, not drawn.
  previews.images[0].diff.ignore.push({x: '1;background:url(x)', y: 0, width: 10, height: 10},
      {x: 0, y: 0, width: -5, height: 10}, null);
  previews.images[0].diff.shifts.push({x: 1, y: 1, width: 10, height: 10, dx: 'NaN', dy: 1});
  previews.images[1].name = payload;
  const {context, page, pageErrors, panel, item} = await openReview(previews);
  try {
    const problems = panel.locator('.config-problems');
    assert.equal(await problems.locator('p').textContent(),
        'Invalid comparison settings: 2 files not applied; their images are compared without them.');
    assert.deepEqual(await problems.locator('li').allTextContents(), [
      'images/checkout/.imagestore.json: unknown key "treshold"',
      `images/${payload}/.imagestore.json: bad ${payload}`]);
    // At the top, before the images.
    assert.equal(await panel.evaluate(e => e.shadowRoot.querySelector('.config-problems')
        .compareDocumentPosition(e.shadowRoot.querySelector('ul.images')) & Node.DOCUMENT_POSITION_FOLLOWING), 4);

    const variants = item.locator('.variants li');
    assert.equal(await variants.count(), 3);
    assert.deepEqual(await variants.nth(0).locator('img').getAttribute('src'), imageUrl(shots.formLightVariant.uuid));
    await loadedSize(variants.nth(0).locator('img'));
    assert.equal(await variants.nth(1).locator('.badge.missing').textContent(), 'missing');
    assert.equal(await variants.nth(1).locator('img').count(), 0, 'a missing variant is not requested');
    assert.equal(await variants.nth(2).locator('img').count(), 0, 'a javascript: URL is no picture');
    assert.match(await variants.nth(2).textContent(), /onerror/);
    assert.match(await item.locator('.variants > span').textContent(), /^Accepted variants: 3\./);
    await keep(item.locator('.variants'), 'variants');

    assert.equal(await item.locator('.viewer .mark.ignore').count(), 3, 'one valid region, on the three pictures');
    assert.equal(await item.locator('.marks-list li').count(), 2);
    assert.equal(await panel.locator('li.image').nth(1).locator('h4 .name').textContent(), payload);
    assert.equal(await panel.evaluate(e => e.shadowRoot.querySelectorAll('img[src="x"]').length), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    await keep(panel.locator('section'), 'review-panel');
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('the panel follows Gerrit\'s dark theme', async () => {
  const {context, page, pageErrors, panel} = await openReview();
  try {
    // What Gerrit's dark theme sets on the document (the variables the panel uses).
    await page.evaluate(() => {
      const theme = {'--primary-text-color': '#e8eaed', '--background-color-primary': '#202124',
        '--background-color-secondary': '#2f3034', '--background-color-tertiary': '#3b3d3f',
        '--border-color': '#5f6368', '--deemphasized-text-color': '#9aa0a6', '--link-color': '#8ab4f8',
        '--error-text-color': '#f28b82', '--warning-foreground': '#fdd663',
        '--positive-green-text-color': '#81c995', '--selection-background-color': '#3c4043'};
      for (const [name, value] of Object.entries(theme)) document.documentElement.style.setProperty(name, value);
      document.body.style.background = '#202124';
      document.body.style.color = '#e8eaed';
    });
    const section = panel.locator('section');
    assert.equal(await section.evaluate(e => getComputedStyle(e).backgroundColor), 'rgb(32, 33, 36)');
    assert.equal(await panel.locator('.summary').evaluate(e => getComputedStyle(e).color), 'rgb(232, 234, 237)');
    assert.equal(await panel.locator('button[data-mode="side"]').first()
        .evaluate(e => getComputedStyle(e).color), 'rgb(232, 234, 237)');
    const orders = panel.locator('li.image').nth(1);
    for (const img of await orders.locator('.viewer img').all()) await loadedSize(img);
    await keep(section, 'review-panel-dark');
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});

test('shift + drag selects a region on every pane and gives its ignore entry for .imagestore.json', async () => {
  const {context, page, pageErrors, item} = await openReview();
  try {
    const viewer = item.locator('.viewer');
    const scale = (await paneStates(viewer))[1].image.width / SHOT.width;
    const newPane = viewer.locator('figure[data-side="new"] .pane');
    const layer = await newPane.locator('.layer').boundingBox();
    const at = (x, y) => [layer.x + (x + 0.25) * scale, layer.y + (y + 0.25) * scale];

    // The pixel under the pointer.
    await page.mouse.move(...at(50, 20));
    assert.equal(await viewer.locator('output.coords').textContent(), 'x 50, y 20');

    await page.keyboard.down('Shift');
    await page.mouse.move(...at(392, 96));
    await page.mouse.down();
    await page.mouse.move(...at(500, 150), {steps: 3});
    await page.mouse.move(...at(592, 173), {steps: 3});
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const out = viewer.locator('.selection-out');
    assert.equal(await out.locator('code').textContent(),
        '{"images": "address-form", "regions": [{"x": 392, "y": 96, "width": 200, "height": 77}]}');
    assert.match(await out.textContent(), /^Selected 200×77 at \(392, 96\)\./);
    // Drawn on the three pictures, on the same pixels.
    assert.equal(await viewer.locator('.selection:not([hidden])').count(), 3);
    for (const side of ['reference', 'new', 'diff']) {
      near(await boxInPicture(viewer.locator(`figure[data-side="${side}"] .pane`), '.selection'),
          {x: 392 * scale, y: 96 * scale, width: 200 * scale, height: 77 * scale}, `selection on ${side}`);
    }
    // It stays through a change of mode.
    await item.focus();
    await page.keyboard.press('3');
    await page.keyboard.press(' ');
    assert.equal(await viewer.locator('.selection:not([hidden])').count(), 1);
    await page.keyboard.press('1');
    await keep(item, 'selection');
    // Esc clears it.
    await page.keyboard.press('Escape');
    assert.equal(await viewer.locator('.selection:not([hidden])').count(), 0);
    assert.equal(await out.isVisible(), false);
    await assertPageIntact(page, pageErrors);
  } finally {
    await context.close();
  }
});
