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
// directory; the PNGs are drawn by Chromium and uploaded with POST /images. Gerrit is played by
// a small HTTP server on 127.0.0.1: it serves the page, the two scripts and the plugin's REST
// answers (with Gerrit's ")]}'" prefix). It has to be a real server on the service's address:
// Chromium blocks images from a more private address (loopback) on a page from a routed, public
// looking origin. Run by bin/ui-test, which sets the variables.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import {readFileSync} from 'node:fs';
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
// A directory to save screenshots of the rendered panel in, for a person to look at.
const SCREENSHOTS = process.env.IMAGESTORE_UI_SCREENSHOTS || '';

const CHANGE = {id: 'ui%2Ftests~master~I0123456789abcdef0123456789abcdef01234567',
  project: 'ui/tests', branch: 'master', _number: 123};
const REVISION = {_number: 2, kind: 'REWORK'};
const PREVIEWS_PATH = '/changes/ui%2Ftests~123/revisions/2/imagestore~previews';
const LAYOUT = 'images/login/linux/1920x1080/chrome/light/ltr/cozy';
const RUNTIME = {spec: 'login', platform: 'linux', resolution: '1920x1080', browser: 'chrome',
  theme: 'light', direction: 'ltr', mode: 'cozy'};
const WIDTH = 160;
const HEIGHT = 90;
// Solid colours, so that a screenshot of the compare overlay tells which image shows where.
const COLOURS = {
  red: [220, 40, 40], blue: [40, 80, 220], green: [40, 170, 60],
  yellow: [230, 190, 30], purple: [140, 60, 190], teal: [20, 160, 160],
};
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
/** @type {Record<string, string>} colour name to uuid */
const uuids = {};

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

/** A solid-colour PNG, encoded by Chromium. */
async function drawPng(page, [r, g, b]) {
  const base64 = await page.evaluate(async ({r, g, b, width, height}) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    context.fillStyle = `rgb(${r}, ${g}, ${b})`;
    context.fillRect(0, 0, width, height);
    return canvas.toDataURL('image/png').split(',')[1];
  }, {r, g, b, width: WIDTH, height: HEIGHT});
  return Buffer.from(base64, 'base64');
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
        reference: side(uuids.red), new: side(uuids.blue),
        diff: {url: `${service.url}diff/${uuids.red}/${uuids.blue}`,
          info_url: `${service.url}diff/${uuids.red}/${uuids.blue}/info`,
          mismatched_pixels: 1234, mismatch_percent: 0.59, passed: false, size_mismatch: false}},
      {path: `${LAYOUT}/dialog.ref.lnk`, name: 'dialog', runtime: RUNTIME, status: 'added',
        new: side(uuids.green)},
      {path: `${LAYOUT}/legacy.ref.lnk`, name: 'legacy', runtime: RUNTIME, status: 'deleted',
        reference: side(uuids.yellow)},
      {path: `${LAYOUT}/header.ref.lnk`, name: 'header', runtime: RUNTIME, status: 'modified',
        reference: {uuid: UNKNOWN_UUID, url: imageUrl(UNKNOWN_UUID), missing: true},
        new: side(uuids.teal)},
      // Not in UIVeri5's layout: no runtime.
      {path: 'docs/screens/logo.png.lnk', status: 'added', new: side(uuids.purple)},
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

/** Names of the colours visible at fractions xs of the element's width, at half its height. */
async function visibleColours(page, element, xs) {
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
        Math.floor(canvas.height / 2), 1, 1).data.slice(0, 3)]);
  }, {base64: png.toString('base64'), xs});
  return pixels.map(([r, g, b]) => {
    for (const [name, [cr, cg, cb]] of Object.entries(COLOURS)) {
      if (Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(b - cb) < 30) return name;
    }
    return `rgb(${r}, ${g}, ${b})`;
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
  const page = await browser.newPage();
  for (const [name, rgb] of Object.entries(COLOURS)) {
    uuids[name] = await upload(await drawPng(page, rgb), `${name}.png`);
  }
  await page.close();

  // The diff picture the panel shows comes from the service's diff endpoint.
  const probe = await fetch(`${service.url}diff/${uuids.red}/${uuids.blue}`);
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
        assert.deepEqual(await loadedSize(img), {width: WIDTH, height: HEIGHT}, `${label} ${sideName} loaded`);
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
    assert.deepEqual(await loadedSize(item.locator('figure[data-side="new"] img')), {width: WIDTH, height: HEIGHT});
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
        new: unverified(uuids.green)},
      {path: `${LAYOUT}/form.ref.lnk`, name: 'form', runtime: RUNTIME, status: 'modified',
        reference: side(uuids.red), new: unverified(uuids.blue)},
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
          {width: WIDTH, height: HEIGHT}, image.path);
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
      reference: side(UNKNOWN_UUID), new: side(uuids.blue)}]};
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
    assert.deepEqual(await loadedSize(stage.locator('img.under')), {width: WIDTH, height: HEIGHT});
    assert.deepEqual(await loadedSize(stage.locator('img.over')), {width: WIDTH, height: HEIGHT});
    const slider = details.getByLabel('New image from the left');

    // Half and half: new (blue) on the left, reference (red) on the right.
    assert.equal(await slider.inputValue(), '50');
    assert.deepEqual(await visibleColours(page, stage, [0.1, 0.4, 0.6, 0.9]), ['blue', 'blue', 'red', 'red']);

    await slider.focus();
    await page.keyboard.press('Home');
    assert.equal(await slider.getAttribute('aria-valuetext'), 'new 0 %, reference 100 %');
    assert.deepEqual(await visibleColours(page, stage, [0.1, 0.5, 0.9]), ['red', 'red', 'red']);

    await page.keyboard.press('End');
    assert.deepEqual(await visibleColours(page, stage, [0.1, 0.5, 0.9]), ['blue', 'blue', 'blue']);

    await slider.fill('25');
    assert.equal(await details.locator('.controls output').textContent(), 'new 25 %, reference 75 %');
    assert.deepEqual(await visibleColours(page, stage, [0.1, 0.4, 0.9]), ['blue', 'red', 'red']);

    await details.getByRole('button', {name: 'Show new'}).click();
    assert.equal(await slider.inputValue(), '100');
    assert.deepEqual(await visibleColours(page, stage, [0.1, 0.9]), ['blue', 'blue']);
    await details.getByRole('button', {name: 'Show reference'}).click();
    assert.equal(await slider.inputValue(), '0');
    assert.deepEqual(await visibleColours(page, stage, [0.1, 0.9]), ['red', 'red']);
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
