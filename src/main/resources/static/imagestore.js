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

/**
 * The imagestore panel on Gerrit's change screen: for the selected patch set it lists the
 * reference screenshots (.lnk files) the change adds, modifies or deletes, and shows each in a
 * viewer: reference, new image and their difference side by side, a slider, blink, the
 * differences highlighted on the new image and the difference picture; zoom with synchronised
 * pan, a full-size dialog, and keys (while the panel has focus) to go from image to image.
 * Ignored regions and moved blocks of the comparison are drawn on the pictures.
 *
 * Plain JavaScript with no build step: Gerrit serves this file from the plugin jar
 * (static/imagestore.js). It is type-checked against @gerritcodereview/typescript-api by
 * bin/ui-test (src/test/ui/tsconfig.json), which also drives it in headless Chromium.
 */
// @ts-check
(() => {
  'use strict';

  /** @typedef {import('@gerritcodereview/typescript-api/plugin').PluginApi} PluginApi */
  /** @typedef {import('@gerritcodereview/typescript-api/rest-api').ChangeInfo} ChangeInfo */
  /** @typedef {import('@gerritcodereview/typescript-api/rest-api').RevisionInfo} RevisionInfo */

  /**
   * One side of a change: an image in the image service. problem: why the service could not
   * tell whether it has the image (down, slow); the image is then unverified, not missing.
   * @typedef {{uuid: string, url: string, missing?: boolean, problem?: string}} ImageSide
   */
  /** @typedef {{x: number, y: number, width: number, height: number}} Region */
  /**
   * A block whose content moved: where it is in the new image, and by how much it moved (it was
   * at x - dx, y - dy in the reference).
   * @typedef {Region & {dx: number, dy: number, mismatched_pixels?: number}} Shift
   */
  /**
   * The service's comparison of reference and new (only when both exist).
   * @typedef {{url: string, info_url?: string, mismatched_pixels?: number,
   *     mismatch_percent?: number, passed?: boolean, size_mismatch?: boolean,
   *     error?: string, ignore?: unknown, shifts?: unknown, ignored_pixels?: number}} ImageDiff
   */
  /**
   * @typedef {{path: string, name?: string, runtime?: Record<string, string>,
   *     status: string, reference?: ImageSide, new?: ImageSide, diff?: ImageDiff,
   *     variants?: unknown, problem?: string}} ImagePreview
   */
  /**
   * The answer of GET /changes/{id}/revisions/{revision}/imagestore~previews.
   * @typedef {{change?: number, patch_set?: number, summary?: string,
   *     counts?: Record<string, number>, service_problem?: string,
   *     config_problems?: unknown, images?: ImagePreview[]}} Previews
   */
  /**
   * A picture the viewer can show: a loadable URL of the service.
   * @typedef {{url: string, uuid: string, label: string}} Picture
   */
  /**
   * What the viewer needs of one image, read (and checked) once from the answer.
   * @typedef {{name: string, index: number, reference: ImageSide | undefined,
   *     next: ImageSide | undefined, referencePicture: Picture | null,
   *     newPicture: Picture | null, diffPicture: Picture | null, ignore: Region[],
   *     shifts: Shift[], altText: (label: string) => string}} ImageModel
   */
  /**
   * What a reviewer chose for one image; shared by the panel's viewer and the full-size one.
   * @typedef {{mode: string, marks: boolean, share: number, strength: number,
   *     paused: boolean}} ViewSettings
   */

  const ELEMENT_NAME = 'imagestore-previews';
  // UIVeri5's layout: images/<spec>/<platform>/<resolution>/<browser>/<theme>/<direction>/<mode>/.
  const RUNTIME_KEYS = ['spec', 'platform', 'resolution', 'browser', 'theme', 'direction', 'mode'];

  /**
   * The viewer's modes, in the order of their keys. needs: which pictures a mode shows.
   * @type {{id: string, label: string, key: string, needs: 'any' | 'both' | 'diff'}[]}
   */
  const MODES = [
    {id: 'side', label: 'Side by side', key: '1', needs: 'any'},
    {id: 'slider', label: 'Slider', key: '2', needs: 'both'},
    {id: 'blink', label: 'Blink', key: '3', needs: 'both'},
    {id: 'highlight', label: 'Highlight', key: '4', needs: 'diff'},
    {id: 'diff', label: 'Difference', key: '5', needs: 'diff'},
  ];
  const BLINK_MS = 600;
  const ZOOM_STEP = Math.SQRT2;
  const MAX_SCALE = 16;
  // The panel's pictures are at most this high when fitted; the full-size view uses the window.
  const PANEL_MAX_HEIGHT = 480;
  // Bounds on what the answer may make the panel draw.
  const MAX_MARKS = 100;
  const MAX_VARIANTS = 16;
  const MAX_CONFIG_PROBLEMS = 50;

  /** The keys, for the help and the documentation (keep Documentation/about.md in step). */
  const KEYS = [
    ['j / k', 'next / previous image'],
    ['1 – 5', 'side by side, slider, blink, highlight, difference'],
    ['+ / − / 0', 'zoom in, zoom out, fit'],
    ['arrow keys', 'pan a zoomed picture'],
    ['f', 'full size (1:1); again or Esc closes it'],
    ['space / t', 'blink: pause or play / show the other picture'],
    ['m', 'show or hide ignored regions and moved blocks'],
    ['shift + drag', 'select a region: its ignore entry for .imagestore.json; Esc clears it'],
    ['?', 'show or hide this help'],
  ];

  const STYLE = `
    :host { display: block; color: var(--primary-text-color, #202124); }
    :host([hidden]) { display: none; }
    section { margin: var(--spacing-l, 12px) 0; padding: var(--spacing-m, 8px) var(--spacing-l, 12px);
      border: 1px solid var(--border-color, #dadce0); border-radius: 4px;
      background: var(--background-color-primary, #fff); }
    header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }
    header.top .summary { flex: 1 1 auto; }
    h3 { font: inherit; font-weight: 600; margin: 0 0 var(--spacing-s, 4px); }
    h4 { font: inherit; font-weight: 600; margin: 0; display: flex; flex-wrap: wrap; gap: 6px;
      align-items: baseline; }
    p { margin: var(--spacing-s, 4px) 0; }
    a { color: var(--link-color, #1a73e8); }
    button { font: inherit; font-size: 0.9em; color: inherit; cursor: pointer; padding: 2px 8px;
      border: 1px solid var(--border-color, #dadce0); border-radius: 4px;
      background: var(--background-color-secondary, #f1f3f4); }
    button:hover { background: var(--background-color-tertiary, #e8eaed); }
    button[aria-pressed="true"] { background: var(--selection-background-color, #d2e3fc);
      border-color: var(--link-color, #1a73e8); color: var(--primary-text-color, #202124); }
    button:disabled { opacity: 0.5; cursor: default; }
    :focus-visible { outline: 2px solid var(--link-color, #1a73e8); outline-offset: 2px; }
    ul.images { list-style: none; margin: 0; padding: 0; }
    ul.images > li { border-top: 1px solid var(--border-color, #dadce0); padding: var(--spacing-m, 8px) 4px;
      border-radius: 2px; }
    ul.images > li.selected { box-shadow: inset 3px 0 0 var(--link-color, #1a73e8); }
    ul.images > li:focus-visible { outline-offset: -2px; }
    .path { font-family: var(--monospace-font-family, monospace); font-size: 0.9em; word-break: break-all;
      color: var(--deemphasized-text-color, #5f6368); }
    dl.runtime { display: flex; flex-wrap: wrap; gap: 2px 12px; margin: var(--spacing-s, 4px) 0; font-size: 0.9em; }
    dl.runtime div { display: flex; gap: 4px; }
    dl.runtime dt { color: var(--deemphasized-text-color, #5f6368); }
    dl.runtime dd { margin: 0; }
    .badge { border-radius: 8px; padding: 0 6px; font-size: 0.85em; font-weight: normal;
      border: 1px solid currentColor; }
    .badge.added { color: var(--positive-green-text-color, #188038); }
    .badge.deleted { color: var(--deemphasized-text-color, #5f6368); }
    .badge.modified { color: var(--link-color, #1a73e8); }
    .badge.missing, .problem { color: var(--error-text-color, #c5221f); }
    .badge.unverified, .unverified { color: var(--warning-foreground, #b06000); }
    .problem, .unverified { font-weight: 600; }
    .stats { font-size: 0.9em; }
    .config-problems { border-left: 3px solid var(--error-text-color, #c5221f); padding-left: 8px; }
    .config-problems ul, .marks-list, .variants ul { margin: 2px 0; padding-left: 20px; font-size: 0.9em; }
    .config-problems code, .marks-list code { font-family: var(--monospace-font-family, monospace); }
    .help { font-size: 0.9em; border: 1px solid var(--border-color, #dadce0); border-radius: 4px;
      padding: 4px 8px; margin: 4px 0; }
    .help dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0; }
    .help dt { font-family: var(--monospace-font-family, monospace); font-weight: 600; }
    .help dd { margin: 0; }
    .variants { font-size: 0.9em; margin: 4px 0; }
    .variants ul { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; padding: 0; }
    .variants li { display: flex; flex-direction: column; gap: 2px; max-width: 260px; }
    .variants li .problem, .variants li .unverified { font-size: 0.9em; font-weight: normal; word-break: break-all; }
    .variants img { display: block; max-width: 160px; max-height: 100px;
      border: 1px solid var(--border-color, #dadce0); }
    .toolbar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin: 6px 0 4px; }
    .toolbar [role=group] { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
    .toolbar output { min-width: 4.5em; text-align: center; font-size: 0.9em;
      font-variant-numeric: tabular-nums; }
    .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 4px 0; font-size: 0.9em; }
    .controls input[type=range] { width: 200px; }
    .controls .showing { font-weight: 600; }
    .stage { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
    figure { margin: 0; min-width: 0; }
    figcaption { font-weight: 600; margin-bottom: 2px; display: flex; gap: 8px; align-items: baseline; }
    figcaption a { font-weight: normal; font-size: 0.85em; }
    figcaption .note { font-weight: normal; font-size: 0.85em; color: var(--deemphasized-text-color, #5f6368); }
    /* A pane is a scrolled window on its picture; all panes of a viewer scroll together. */
    .pane { position: relative; box-sizing: border-box; overflow: auto; max-width: 100%; line-height: 0;
      border: 1px solid var(--border-color, #dadce0); scrollbar-width: thin;
      /* A checkerboard makes transparent regions of a screenshot visible. */
      background: repeating-conic-gradient(#e8eaed 0% 25%, #fff 0% 50%) 0 0 / 16px 16px; }
    /* Zoomed, a drag pans the picture (not the page). */
    .pane.zoomed { cursor: grab; touch-action: none; }
    .pane.dragging { cursor: grabbing; }
    .pane.slider:not(.zoomed) { cursor: ew-resize; touch-action: pan-y; }
    .pane .sizer { position: relative; overflow: hidden; }
    .pane .layer { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
    .pane img { position: absolute; left: 0; top: 0; display: block; max-width: none;
      user-select: none; -webkit-user-drag: none; image-rendering: auto; }
    .pane.pixelated img { image-rendering: pixelated; }
    .pane img.over { will-change: clip-path; }
    .pane img.hidden { visibility: hidden; }
    /* The service's diff picture reduced to its red marks (the filter below): over the new image,
       differing pixels turn red and the rest shows as it is. */
    .pane img.highlight { filter: url(#imagestore-mismatch); }
    svg.filters { position: absolute; width: 0; height: 0; overflow: hidden; }
    /* Sized by the new picture, so that the divider's share is of its width. */
    .pane .overbox { position: absolute; left: 0; top: 0; }
    .pane .overbox img { position: relative; }
    .pane .divider { position: absolute; top: 0; bottom: 0; width: calc(2px / var(--s, 1));
      margin-left: calc(-1px / var(--s, 1)); background: var(--link-color, #1a73e8); pointer-events: none; }
    .marks { position: absolute; left: 0; top: 0; pointer-events: none; line-height: normal; }
    .marks[hidden] { display: none; }
    .mark { position: absolute; box-sizing: border-box; }
    .mark.ignore { border: calc(1.5px / var(--s, 1)) solid #3c5a99;
      background: repeating-linear-gradient(135deg, rgba(60, 90, 153, 0.45) 0 calc(2px / var(--s, 1)),
        rgba(60, 90, 153, 0.08) 0 calc(7px / var(--s, 1))); }
    .mark.shift { border: calc(2px / var(--s, 1)) solid #d93025; }
    .mark.shift.was { border-style: dashed; border-color: #e37400; }
    .mark .label { position: absolute; left: 0; bottom: 100%; white-space: nowrap;
      font: 600 calc(11px / var(--s, 1)) / 1.3 system-ui, sans-serif; padding: 0 calc(4px / var(--s, 1));
      color: #fff; background: #3c5a99; border-radius: calc(2px / var(--s, 1)); }
    .mark.inside .label { top: 100%; bottom: auto; }
    .mark.end .label { left: auto; right: 0; }
    .mark.shift .label { background: #d93025; }
    .mark.shift.was .label { background: #e37400; }
    .selection { position: absolute; box-sizing: border-box; pointer-events: none;
      border: calc(2px / var(--s, 1)) dashed #1a73e8; background: rgba(26, 115, 232, 0.15); }
    .selection[hidden] { display: none; }
    .toolbar output.coords { min-width: 8em; text-align: left; color: var(--deemphasized-text-color, #5f6368); }
    .selection-out { font-size: 0.9em; margin: 4px 0; }
    .selection-out code { font-family: var(--monospace-font-family, monospace); word-break: break-all;
      background: var(--background-color-secondary, #f1f3f4); padding: 1px 4px; border-radius: 2px; }
    svg.arrows { position: absolute; left: 0; top: 0; overflow: visible; }
    svg.arrows line { stroke: #d93025; stroke-width: 2; vector-effect: non-scaling-stroke; }
    svg.arrows polygon { fill: #d93025; }
    .marks-list { color: var(--deemphasized-text-color, #5f6368); }
    dialog.fullsize { width: calc(100vw - 32px); height: calc(100vh - 32px); max-width: none;
      max-height: none; box-sizing: border-box; padding: 8px 12px; display: none; flex-direction: column;
      border: 1px solid var(--border-color, #dadce0); border-radius: 4px;
      color: var(--primary-text-color, #202124); background: var(--background-color-primary, #fff); }
    dialog.fullsize[open] { display: flex; }
    dialog.fullsize::backdrop { background: rgba(0, 0, 0, 0.6); }
    dialog.fullsize header { display: flex; gap: 12px; align-items: baseline; }
    dialog.fullsize header h4 { flex: 1 1 auto; }
    dialog.fullsize .viewer { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; }
    dialog.fullsize .stage { flex: 1 1 auto; min-height: 0; flex-wrap: nowrap; }
  `;

  /**
   * Creates an element; children are nodes or text (never parsed as HTML).
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, string>} [attributes]
   * @param {...(Node | string)} children
   * @return {HTMLElementTagNameMap[K]}
   */
  function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.append(...children);
    return element;
  }

  /**
   * An SVG element with numeric or fixed attributes.
   * @param {string} tag
   * @param {Record<string, string | number>} attributes
   * @return {SVGElement}
   */
  function svg(tag, attributes) {
    const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    return /** @type {SVGElement} */ (element);
  }

  /**
   * A button; label is its accessible name when the text is a symbol.
   * @param {string} text
   * @param {Record<string, string>} attributes
   * @param {() => void} onClick
   * @return {HTMLButtonElement}
   */
  function button(text, attributes, onClick) {
    const element = h('button', {type: 'button', ...attributes}, text);
    element.addEventListener('click', onClick);
    return element;
  }

  /**
   * The URL when it is http(s), else '': the answer names the image service, and a
   * javascript: link must never reach an href.
   * @param {unknown} url
   * @return {string}
   */
  function safeUrl(url) {
    if (typeof url !== 'string' || !url) return '';
    try {
      const protocol = new URL(url, document.baseURI).protocol;
      return protocol === 'http:' || protocol === 'https:' ? url : '';
    } catch {
      return '';
    }
  }

  /**
   * A whole number in [min, max], else NaN: coordinates from the answer end up in styles.
   * @param {unknown} value
   * @param {number} min
   * @return {number}
   */
  function whole(value, min) {
    return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 1_000_000 ?
      value : NaN;
  }

  /**
   * The well-formed regions of a list from the answer, at most MAX_MARKS.
   * @param {unknown} list
   * @return {Region[]}
   */
  function regions(list) {
    if (!Array.isArray(list)) return [];
    /** @type {Region[]} */
    const result = [];
    for (const item of list.slice(0, MAX_MARKS)) {
      if (!item || typeof item !== 'object') continue;
      const region = {x: whole(item.x, 0), y: whole(item.y, 0),
        width: whole(item.width, 1), height: whole(item.height, 1)};
      if (Object.values(region).every(Number.isFinite)) result.push(region);
    }
    return result;
  }

  /**
   * The well-formed shifts of a list from the answer, at most MAX_MARKS.
   * @param {unknown} list
   * @return {Shift[]}
   */
  function shifts(list) {
    if (!Array.isArray(list)) return [];
    /** @type {Shift[]} */
    const result = [];
    for (const item of list.slice(0, MAX_MARKS)) {
      if (!item || typeof item !== 'object') continue;
      const [region] = regions([item]);
      const dx = whole(item.dx, -1_000_000);
      const dy = whole(item.dy, -1_000_000);
      if (!region || !Number.isFinite(dx) || !Number.isFinite(dy)) continue;
      const pixels = whole(item.mismatched_pixels ?? item.mismatchedPixels, 0);
      result.push({...region, dx, dy, ...(Number.isFinite(pixels) ? {mismatched_pixels: pixels} : {})});
    }
    return result;
  }

  /**
   * The plugin's REST view for a patch set; '' for a change edit, which has no patch set
   * number the view could resolve.
   * @param {ChangeInfo} change
   * @param {RevisionInfo} revision
   * @return {string}
   */
  function previewsUrl(change, revision) {
    const patchSet = revision._number;
    if (typeof patchSet !== 'number' || !change.project || !change._number) return '';
    return `/changes/${encodeURIComponent(change.project)}~${change._number}` +
        `/revisions/${patchSet}/imagestore~previews`;
  }

  /**
   * @param {ImagePreview} image
   * @return {string}
   */
  function displayName(image) {
    if (image.name) return String(image.name);
    const file = String(image.path || '').split('/').pop() || '';
    return file.replace(/(\.ref)?\.lnk$/, '') || file;
  }

  /**
   * "login, linux, 1920x1080, ..." for alt texts; '' without a runtime.
   * @param {ImagePreview} image
   * @return {string}
   */
  function runtimeText(image) {
    const runtime = image.runtime || {};
    return RUNTIME_KEYS.map(key => runtime[key]).filter(Boolean).join(', ');
  }

  /**
   * @param {ImagePreview} image
   * @return {HTMLDListElement | null}
   */
  function runtimeList(image) {
    if (!image.runtime) return null;
    const runtime = image.runtime;
    const list = h('dl', {class: 'runtime', 'aria-label': 'Runtime'});
    for (const key of RUNTIME_KEYS) {
      if (runtime[key]) list.append(h('div', {}, h('dt', {}, key), h('dd', {}, String(runtime[key]))));
    }
    return list;
  }

  /** @param {number} count */
  const formatCount = count => count.toLocaleString('en-US');

  /**
   * @param {ImageDiff} diff
   * @param {ImageModel} model
   * @return {string}
   */
  function diffStats(diff, model) {
    const parts = [];
    if (typeof diff.mismatched_pixels === 'number') {
      const percent = diff.mismatch_percent;
      let share = '';
      if (typeof percent === 'number') {
        share = percent > 0 && percent < 0.01 ? ' (< 0.01 %)' : ` (${percent.toFixed(2)} %)`;
      }
      parts.push(`${formatCount(diff.mismatched_pixels)} pixels differ${share}`);
    }
    if (diff.size_mismatch) parts.push('the sizes differ');
    if (diff.passed === true) parts.push('within tolerance');
    if (diff.passed === false) parts.push('over tolerance');
    if (diff.error) parts.push(`no figures: ${diff.error}`);
    if (model.ignore.length) {
      const ignored = whole(diff.ignored_pixels, 0);
      parts.push(Number.isFinite(ignored) ? `${formatCount(ignored)} pixels ignored` :
        `${model.ignore.length} ${model.ignore.length === 1 ? 'region' : 'regions'} ignored`);
    }
    if (model.shifts.length) {
      parts.push(`${model.shifts.length} ${model.shifts.length === 1 ? 'block' : 'blocks'} moved`);
    }
    return parts.join('; ');
  }

  /**
   * What the viewer needs of an image; pictures only where the service can be asked for them.
   * @param {ImagePreview} image
   * @param {number} index
   * @param {string} status
   * @return {ImageModel}
   */
  function imageModel(image, index, status) {
    const name = displayName(image);
    const runtime = runtimeText(image);
    const reference = status === 'added' ? undefined : image.reference;
    const next = status === 'deleted' ? undefined : image.new;
    /**
     * @param {ImageSide | undefined} side
     * @param {string} label
     * @return {Picture | null}
     */
    const picture = (side, label) => {
      const url = side && !side.missing ? safeUrl(side.url) : '';
      return url && side ? {url, uuid: String(side.uuid), label} : null;
    };
    const referencePicture = picture(reference, 'Reference');
    const newPicture = picture(next, 'New');
    const diffUrl = referencePicture && newPicture && image.diff ? safeUrl(image.diff.url) : '';
    return {
      name, index, reference, next, referencePicture, newPicture,
      diffPicture: diffUrl ? {url: diffUrl, uuid: '', label: 'Difference'} : null,
      ignore: image.diff ? regions(image.diff.ignore) : [],
      shifts: image.diff ? shifts(image.diff.shifts) : [],
      altText: label => `${label} screenshot of ${name}${runtime ? ` (${runtime})` : ''}`,
    };
  }

  /**
   * The modes an image offers: a single picture only side by side.
   * @param {ImageModel} model
   */
  function modesOf(model) {
    const both = Boolean(model.referencePicture && model.newPicture);
    return MODES.filter(mode => mode.needs === 'any' || (mode.needs === 'both' && both) ||
        (mode.needs === 'diff' && both && model.diffPicture));
  }

  /** Natural sizes of the pictures loaded so far, by URL: every viewer of a picture fits it. */
  /** @type {Map<string, {width: number, height: number}>} */
  const naturalSizes = new Map();

  /**
   * The list of drawn marks in words, for screen readers and anyone who wants the numbers.
   * @param {ImageModel} model
   * @return {HTMLUListElement | null}
   */
  function marksList(model) {
    if (!model.ignore.length && !model.shifts.length) return null;
    const list = h('ul', {class: 'marks-list', 'aria-label': 'Ignored regions and moved blocks'});
    for (const r of model.ignore) {
      list.append(h('li', {class: 'ignored'}, 'Ignored: ',
          h('code', {}, `${r.width}×${r.height} at (${r.x}, ${r.y})`)));
    }
    for (const s of model.shifts) {
      const explains = s.mismatched_pixels !== undefined ?
        `, explains ${formatCount(s.mismatched_pixels)} differing pixels` : '';
      list.append(h('li', {class: 'moved'}, `Moved by (${s.dx}, ${s.dy}): `,
          h('code', {}, `${s.width}×${s.height} block now at (${s.x}, ${s.y}), was at ` +
              `(${s.x - s.dx}, ${s.y - s.dy})`), explains));
    }
    return list;
  }

  /**
   * One drawn rectangle with a label, in image pixels (the layer's scale sizes it).
   * @param {Region} region
   * @param {string} className
   * @param {string} label
   * @return {HTMLDivElement}
   */
  function markBox(region, className, label) {
    // A box at the top of the picture has its label below it.
    const box = h('div', {class: `mark ${className}${region.y < 16 ? ' inside' : ''}`},
        h('span', {class: 'label'}, label));
    box.style.left = `${region.x}px`;
    box.style.top = `${region.y}px`;
    box.style.width = `${region.width}px`;
    box.style.height = `${region.height}px`;
    return box;
  }

  /**
   * The marks of a pane: ignored regions; moved blocks where they are now (new image) or were
   * (reference), or both with an arrow where a pane shows the two.
   * @param {ImageModel} model
   * @param {'reference' | 'new' | 'both'} side
   * @param {boolean} visible
   * @return {HTMLDivElement | null}
   */
  function marksLayer(model, side, visible) {
    if (!model.ignore.length && !model.shifts.length) return null;
    const marks = h('div', {class: 'marks', 'aria-hidden': 'true'});
    marks.hidden = !visible;
    for (const region of model.ignore) marks.append(markBox(region, 'ignore', 'ignored'));
    const arrows = svg('svg', {class: 'arrows', width: 1, height: 1});
    for (const shift of model.shifts) {
      const was = {...shift, x: shift.x - shift.dx, y: shift.y - shift.dy};
      if (side !== 'new') marks.append(markBox(was, 'shift was', side === 'both' ? 'was here' : `moved by (${shift.dx}, ${shift.dy})`));
      if (side !== 'reference') marks.append(markBox(shift, 'shift', `moved by (${shift.dx}, ${shift.dy})`));
      if (side !== 'reference') {
        const from = {x: was.x + was.width / 2, y: was.y + was.height / 2};
        const to = {x: shift.x + shift.width / 2, y: shift.y + shift.height / 2};
        const arrow = svg('g', {'data-from': `${from.x},${from.y}`, 'data-to': `${to.x},${to.y}`});
        arrow.append(svg('line', {x1: from.x, y1: from.y, x2: to.x, y2: to.y}), svg('polygon', {points: ''}));
        arrows.append(arrow);
      }
    }
    if (arrows.childElementCount) marks.append(arrows);
    return marks;
  }

  /**
   * Points the arrowheads of a marks layer, sized for the scale (10 screen pixels long).
   * @param {Element} marks
   * @param {number} scale
   */
  function drawArrowheads(marks, scale) {
    for (const arrow of marks.querySelectorAll('svg.arrows g')) {
      const [fx, fy] = (arrow.getAttribute('data-from') || '0,0').split(',').map(Number);
      const [tx, ty] = (arrow.getAttribute('data-to') || '0,0').split(',').map(Number);
      const length = Math.hypot(tx - fx, ty - fy) || 1;
      const [ux, uy] = [(tx - fx) / length, (ty - fy) / length];
      const size = 10 / scale;
      const [bx, by] = [tx - ux * size, ty - uy * size];
      const points = [[tx, ty], [bx - uy * size / 2, by + ux * size / 2], [bx + uy * size / 2, by - ux * size / 2]];
      arrow.querySelector('polygon')?.setAttribute('points', points.map(p => p.join(',')).join(' '));
    }
  }

  /**
   * One picture of a mode, in a pane; className says which (under, over, new, highlight, ...).
   * @typedef {{picture: Picture, alt: string, className: string}} PaneImage
   */

  /**
   * The viewer of one image: a toolbar of modes and zoom, the pictures of the mode in panes
   * that zoom and scroll together, the mode's controls, and the marks in words.
   */
  class Viewer {
    /**
     * @param {ImageModel} model
     * @param {ViewSettings} settings shared with the other viewer of this image
     * @param {{fullSize: boolean, onFullSize: () => void, onSelect: () => void}} options
     */
    constructor(model, settings, options) {
      this.model = model;
      this.settings = settings;
      this.fullSize = options.fullSize;
      this.onSelect = options.onSelect;
      /** @type {{pane: HTMLElement, showing: HTMLElement, pause: HTMLButtonElement, next: boolean} | undefined} */
      this.blink = undefined;
      /** @type {HTMLButtonElement | undefined} */
      this.marksButton = undefined;
      this.observedSize = '';
      /** @type {Region | null} a region the reviewer selected (shift + drag), in image pixels */
      this.selection = null;
      /** @type {{id: number, x: number, y: number} | null} */
      this.selecting = null;
      this.modes = modesOf(model);
      if (!this.modes.some(mode => mode.id === settings.mode)) settings.mode = 'side';
      /** @type {{pane: HTMLDivElement, sizer: HTMLDivElement, layer: HTMLDivElement}[]} */
      this.panes = [];
      /** @type {HTMLImageElement[]} */
      this.images = [];
      this.scale = 1;
      this.minScale = 1;
      // Fitted until the reviewer zooms: a picture that loads later is fitted again.
      this.fitted = true;
      this.contentWidth = 0;
      this.contentHeight = 0;
      this.syncing = false;
      /** @type {number | undefined} */
      this.blinkTimer = undefined;

      /** @type {Map<string, HTMLButtonElement>} */
      this.modeButtons = new Map();
      const modeGroup = h('div', {role: 'group', 'aria-label': 'View mode'});
      for (const mode of this.modes) {
        const modeButton = button(mode.label, {'aria-pressed': 'false', 'data-mode': mode.id,
          title: `${mode.label} (${mode.key})`, 'aria-keyshortcuts': mode.key}, () => this.setMode(mode.id));
        this.modeButtons.set(mode.id, modeButton);
        modeGroup.append(modeButton);
      }
      this.zoomOutput = h('output', {'aria-live': 'polite', class: 'zoom'});
      const zoomGroup = h('div', {role: 'group', 'aria-label': 'Zoom'},
          button('−', {'aria-label': 'Zoom out', title: 'Zoom out (−)', 'aria-keyshortcuts': '-'},
              () => this.zoomBy(1 / ZOOM_STEP)),
          this.zoomOutput,
          button('+', {'aria-label': 'Zoom in', title: 'Zoom in (+)', 'aria-keyshortcuts': '+'},
              () => this.zoomBy(ZOOM_STEP)),
          button('Fit', {title: 'Fit (0)', 'aria-keyshortcuts': '0'}, () => this.fit()),
          button('1:1', {'aria-label': 'Actual size', title: 'Actual size, one screen pixel per image pixel'},
              () => this.zoomTo(1)));
      const toolbar = h('div', {class: 'toolbar', role: 'toolbar', 'aria-label': `View of ${model.name}`});
      if (this.modes.length > 1) toolbar.append(modeGroup);
      toolbar.append(zoomGroup);
      const others = h('div', {role: 'group', 'aria-label': 'More'});
      if (model.ignore.length || model.shifts.length) {
        this.marksButton = button('Marks', {'aria-pressed': String(settings.marks),
          title: 'Ignored regions and moved blocks (m)', 'aria-keyshortcuts': 'm'}, () => this.toggleMarks());
        others.append(this.marksButton);
      }
      others.append(button(this.fullSize ? 'Close' : 'Full size',
          {title: this.fullSize ? 'Close the full-size view (Esc)' : 'Full size, 1:1 (f)',
            'aria-keyshortcuts': this.fullSize ? 'Escape' : 'f'}, options.onFullSize));
      toolbar.append(others);
      // Where the pointer is, in image pixels: what an ignore region in .imagestore.json needs.
      this.coords = h('output', {class: 'coords', 'aria-live': 'off',
        title: 'Image pixel under the pointer; shift + drag selects a region'});
      toolbar.append(this.coords);
      this.controls = h('div', {class: 'controls'});
      this.stage = h('div', {class: 'stage'});
      this.selectionOutput = h('div', {class: 'selection-out', role: 'status'});
      this.selectionOutput.hidden = true;
      this.element = h('div', {class: 'viewer', 'data-mode': settings.mode}, toolbar, this.controls, this.stage,
          this.selectionOutput);
      const list = marksList(model);
      if (list) this.element.append(list);
      // Laid out again when the room changes (the window, Gerrit's layout); not for the height
      // the panes themselves give the stage, except in the full-size view, which has a fixed height.
      this.resizeObserver = new ResizeObserver(() => {
        const size = `${this.stage.clientWidth}x${this.fullSize ? this.stage.clientHeight : 0}`;
        if (size === this.observedSize) return;
        this.observedSize = size;
        requestAnimationFrame(() => this.layout());
      });
      this.resizeObserver.observe(this.stage);
      this.render();
    }

    get mode() { return this.settings.mode; }

    /** @param {string} mode */
    setMode(mode) {
      if (!this.modes.some(m => m.id === mode) || mode === this.settings.mode && this.panes.length) return;
      this.settings.mode = mode;
      this.render();
    }

    /** Builds the panes and controls of the current mode. */
    render() {
      this.stopBlink();
      const model = this.model;
      const mode = this.settings.mode;
      this.element.dataset.mode = mode;
      for (const [id, modeButton] of this.modeButtons) modeButton.setAttribute('aria-pressed', String(id === mode));
      this.panes = [];
      this.images = [];
      this.stage.replaceChildren();
      this.controls.replaceChildren();
      const reference = model.referencePicture;
      const next = model.newPicture;
      const diff = model.diffPicture;
      if (mode === 'side') {
        if (model.reference) this.stage.append(this.sideFigure('Reference', model.reference, reference, 'reference'));
        if (model.next) this.stage.append(this.sideFigure('New', model.next, next, 'new'));
        if (diff) {
          this.stage.append(this.figure('diff', 'Difference', diff,
              this.pane([{picture: diff, alt: `Difference between reference and new screenshot of ${model.name}`,
                className: 'diff'}], 'new')));
        }
      } else if (reference && next && mode === 'slider') {
        this.sliderMode(reference, next);
      } else if (reference && next && mode === 'blink') {
        this.blinkMode(reference, next);
      } else if (next && diff && mode === 'highlight') {
        const strength = h('input', {type: 'range', min: '0', max: '100', step: '5',
          value: String(this.settings.strength), id: `imagestore-strength-${model.index}-${this.fullSize ? 'f' : 'p'}`});
        const highlighted = this.pane([
          {picture: next, alt: model.altText('New'), className: 'new'},
          {picture: diff, alt: `Differences highlighted on the new screenshot of ${model.name}`,
            className: 'highlight'}], 'new');
        const apply = () => {
          this.settings.strength = Number(strength.value);
          const overlay = highlighted.querySelector('img.highlight');
          if (overlay instanceof HTMLElement) overlay.style.opacity = String(this.settings.strength / 100);
          strength.setAttribute('aria-valuetext', `${this.settings.strength} %`);
        };
        strength.addEventListener('input', apply);
        apply();
        this.controls.append(h('span', {}, 'Differences in red on the new image.'),
            h('label', {for: strength.id}, 'Highlight strength'), strength);
        this.stage.append(this.figure('highlight', 'New, differences highlighted', next, highlighted));
      } else if (diff && mode === 'diff') {
        this.controls.append(h('span', {},
            'The service\'s difference picture: the reference faded, differing pixels red, anti-aliasing yellow.'));
        this.stage.append(this.figure('diff', 'Difference', diff,
            this.pane([{picture: diff, alt: `Difference between reference and new screenshot of ${model.name}`,
              className: 'diff'}], 'new')));
      }
      if (this.selection) this.select(this.selection);
      this.layout();
    }

    /**
     * A figure of a side (side by side): notes for a missing or unverified image, else its pane.
     * @param {string} label
     * @param {ImageSide} side
     * @param {Picture | null} picture
     * @param {'reference' | 'new'} sideName
     * @return {HTMLElement}
     */
    sideFigure(label, side, picture, sideName) {
      const lower = label.toLowerCase();
      /** @type {Node[]} */
      const notes = [];
      if (side.problem) {
        notes.push(h('p', {class: 'unverified', role: 'note'},
            `Not verified: the image service could not say whether it has the ${lower} ` +
            `image ${side.uuid} (${side.problem}).`));
      }
      if (!picture) {
        notes.push(h('p', {class: 'problem', role: 'note'},
            `Missing: the image service has no ${lower} image ${side.uuid}.`));
        const figure = h('figure', {class: 'shot missing', 'data-side': sideName}, h('figcaption', {}, label), ...notes);
        if (side.problem) figure.classList.add('unverified');
        return figure;
      }
      const figure = this.figure(sideName, label, picture,
          this.pane([{picture, alt: this.model.altText(label), className: sideName}], sideName), notes);
      if (side.problem) figure.classList.add('unverified');
      return figure;
    }

    /**
     * @param {string} side data-side of the figure
     * @param {string} caption
     * @param {Picture} picture the picture "open" links to
     * @param {HTMLElement} pane
     * @param {Node[]} [notes]
     * @return {HTMLElement}
     */
    figure(side, caption, picture, pane, notes = []) {
      return h('figure', {class: 'shot', 'data-side': side},
          h('figcaption', {}, caption,
              h('a', {href: picture.url, target: '_blank', rel: 'noopener',
                'aria-label': `Open the ${caption.toLowerCase()} picture of ${this.model.name} in a new tab`}, 'open')),
          ...notes, pane);
    }

    /**
     * Reference under, new over it, the new image clipped to the slider's share from the left.
     * @param {Picture} reference
     * @param {Picture} next
     */
    sliderMode(reference, next) {
      const model = this.model;
      const id = `imagestore-compare-${model.index}-${this.fullSize ? 'f' : 'p'}`;
      const pane = this.pane([{picture: reference, alt: model.altText('Reference'), className: 'under'}], 'both');
      const over = this.image({picture: next, alt: model.altText('New'), className: 'over'}, pane);
      const divider = h('div', {class: 'divider', 'aria-hidden': 'true'});
      const overbox = h('div', {class: 'overbox'}, over, divider);
      const layer = this.panes[0].layer;
      layer.insertBefore(overbox, layer.querySelector('.marks'));
      const slider = h('input', {type: 'range', id, min: '0', max: '100', step: '1', value: '50'});
      const output = h('output', {for: id});
      /** @param {number} share percent of the width showing the new image */
      const show = share => {
        this.settings.share = share;
        over.style.clipPath = `inset(0 ${100 - share}% 0 0)`;
        divider.style.left = `${share}%`;
        divider.hidden = share === 0 || share === 100;
        slider.value = String(share);
        const text = `new ${share} %, reference ${100 - share} %`;
        slider.setAttribute('aria-valuetext', text);
        output.value = text;
      };
      slider.addEventListener('input', () => show(Number(slider.value)));
      show(this.settings.share);
      // Not zoomed, a click or drag on the picture moves the divider there.
      pane.classList.add('slider');
      /** @param {PointerEvent} event */
      const fromPointer = event => {
        const box = over.getBoundingClientRect();
        if (box.width) show(Math.round(Math.min(100, Math.max(0, (event.clientX - box.left) / box.width * 100))));
      };
      let sliding = -1;
      pane.addEventListener('pointerdown', event => {
        if (event.button !== 0 || event.shiftKey || pane.classList.contains('zoomed')) return;
        sliding = event.pointerId;
        pane.setPointerCapture(event.pointerId);
        fromPointer(event);
      });
      pane.addEventListener('pointermove', event => {
        if (event.pointerId === sliding) fromPointer(event);
      });
      const stop = () => { sliding = -1; };
      pane.addEventListener('pointerup', stop);
      pane.addEventListener('pointercancel', stop);
      this.controls.append(h('label', {for: id}, 'New image from the left'), slider, output,
          button('Show reference', {}, () => show(0)), button('Show new', {}, () => show(100)));
      this.stage.append(this.figure('slider', 'New (left) over reference (right)', next, pane));
    }

    /**
     * Reference and new in turn, in the same place.
     * @param {Picture} reference
     * @param {Picture} next
     */
    blinkMode(reference, next) {
      const model = this.model;
      const pane = this.pane([
        {picture: reference, alt: model.altText('Reference'), className: 'under'},
        {picture: next, alt: model.altText('New'), className: 'over'}], 'both');
      const showing = h('span', {class: 'showing', 'aria-live': 'off'});
      const pause = button('', {'aria-pressed': 'false', 'aria-keyshortcuts': 'Space', class: 'pause'},
          () => this.setPaused(!this.settings.paused));
      const step = button('Other picture', {title: 'Show the other picture (t)', 'aria-keyshortcuts': 't'},
          () => this.blinkStep());
      this.blink = {pane, showing, pause, next: true};
      this.controls.append(h('span', {}, 'Showing: '), showing, pause, step);
      this.stage.append(this.figure('blink', 'Reference and new in turn', next, pane));
      this.showBlink(true);
      this.setPaused(this.settings.paused);
    }

    /** @param {boolean} showNew */
    showBlink(showNew) {
      if (!this.blink) return;
      this.blink.next = showNew;
      this.blink.pane.dataset.showing = showNew ? 'new' : 'reference';
      this.blink.pane.querySelector('img.over')?.classList.toggle('hidden', !showNew);
      this.blink.showing.textContent = showNew ? 'New' : 'Reference';
    }

    blinkStep() {
      if (this.settings.mode !== 'blink' || !this.blink) return;
      this.setPaused(true);
      this.showBlink(!this.blink.next);
    }

    /** @param {boolean} paused */
    setPaused(paused) {
      this.settings.paused = paused;
      this.stopBlink();
      if (!this.blink) return;
      this.blink.pause.textContent = paused ? 'Play' : 'Pause';
      this.blink.pause.setAttribute('aria-pressed', String(paused));
      this.blink.pause.title = paused ? 'Play the blink (space)' : 'Pause the blink (space)';
      if (paused) return;
      this.blinkTimer = window.setInterval(() => {
        if (!this.element.isConnected || this.settings.mode !== 'blink') {
          this.stopBlink();
          return;
        }
        this.showBlink(!this.blink?.next);
      }, BLINK_MS);
    }

    stopBlink() {
      if (this.blinkTimer !== undefined) window.clearInterval(this.blinkTimer);
      this.blinkTimer = undefined;
      if (this.settings.mode !== 'blink') this.blink = undefined;
    }

    toggleMarks() {
      this.settings.marks = !this.settings.marks;
      this.marksButton?.setAttribute('aria-pressed', String(this.settings.marks));
      for (const marks of this.stage.querySelectorAll('.marks')) {
        /** @type {HTMLElement} */ (marks).hidden = !this.settings.marks;
      }
    }

    /**
     * A picture in a pane's layer; a picture that does not load is said in words.
     * @param {PaneImage} image
     * @param {HTMLElement} pane
     * @return {HTMLImageElement}
     */
    image({picture, alt, className}, pane) {
      const img = h('img', {src: picture.url, alt, class: className, draggable: 'false', decoding: 'async'});
      if (!this.fullSize) img.loading = 'lazy';
      this.images.push(img);
      const known = naturalSizes.get(picture.url);
      if (known) {
        img.style.width = `${known.width}px`;
        img.style.height = `${known.height}px`;
      }
      img.addEventListener('load', () => {
        naturalSizes.set(picture.url, {width: img.naturalWidth, height: img.naturalHeight});
        this.layout();
      }, {once: true});
      img.addEventListener('error', () => {
        const what = picture.label === 'Difference' ? 'The difference image' :
          `The ${picture.label.toLowerCase()} image ${picture.uuid}`;
        pane.replaceWith(h('p', {class: 'problem', role: 'note'},
            `${what} could not be loaded from the image service.`));
        this.panes = this.panes.filter(p => p.pane !== pane);
        this.layout();
      }, {once: true});
      return img;
    }

    /**
     * A pane: a scrolled window on a layer holding the pictures and the marks; the layer is
     * scaled, the sizer gives the scrolled area its zoomed size.
     * @param {PaneImage[]} images
     * @param {'reference' | 'new' | 'both'} side which marks to draw
     * @return {HTMLDivElement}
     */
    pane(images, side) {
      const layer = h('div', {class: 'layer'});
      const sizer = h('div', {class: 'sizer'}, layer);
      const pane = h('div', {class: 'pane', 'data-side': side});
      pane.append(sizer);
      for (const image of images) layer.append(this.image(image, pane));
      const marks = marksLayer(this.model, side, this.settings.marks);
      if (marks) layer.append(marks);
      this.panes.push({pane, sizer, layer});
      pane.addEventListener('scroll', () => this.syncFrom(pane));
      pane.addEventListener('wheel', event => {
        if (!(event.ctrlKey || event.metaKey)) return;
        event.preventDefault();
        const box = pane.getBoundingClientRect();
        this.zoomTo(this.scale * Math.exp(-event.deltaY * 0.002),
            {x: event.clientX - box.left - pane.clientLeft, y: event.clientY - box.top - pane.clientTop});
      }, {passive: false});
      let drag = {x: 0, y: 0, left: 0, top: 0, id: -1};
      pane.addEventListener('pointerdown', event => {
        // Clicking a picture selects its image, so that the keys work on it.
        this.onSelect();
        if (event.button !== 0) return;
        if (event.shiftKey) {
          const point = this.imagePoint(event, layer);
          this.selecting = {id: event.pointerId, ...point};
          this.select({...point, width: 0, height: 0});
          pane.setPointerCapture(event.pointerId);
          event.preventDefault();
          return;
        }
        if (!pane.classList.contains('zoomed')) return;
        drag = {x: event.clientX, y: event.clientY, left: pane.scrollLeft, top: pane.scrollTop, id: event.pointerId};
        pane.setPointerCapture(event.pointerId);
        pane.classList.add('dragging');
        event.preventDefault();
      });
      pane.addEventListener('pointermove', event => {
        const point = this.imagePoint(event, layer);
        this.coords.value = `x ${point.x}, y ${point.y}`;
        if (this.selecting && event.pointerId === this.selecting.id) {
          const start = this.selecting;
          this.select({x: Math.min(start.x, point.x), y: Math.min(start.y, point.y),
            width: Math.abs(point.x - start.x), height: Math.abs(point.y - start.y)});
          return;
        }
        if (event.pointerId !== drag.id) return;
        pane.scrollLeft = drag.left - (event.clientX - drag.x);
        pane.scrollTop = drag.top - (event.clientY - drag.y);
      });
      pane.addEventListener('pointerleave', () => { this.coords.value = ''; });
      /** @param {PointerEvent} event */
      const endDrag = event => {
        if (this.selecting && event.pointerId === this.selecting.id) {
          this.selecting = null;
          this.select(this.selection && this.selection.width && this.selection.height ? this.selection : null);
        }
        drag.id = -1;
        pane.classList.remove('dragging');
      };
      pane.addEventListener('pointerup', endDrag);
      pane.addEventListener('pointercancel', endDrag);
      return pane;
    }

    /**
     * The image pixel under the pointer, within the picture.
     * @param {PointerEvent} event
     * @param {HTMLElement} layer
     * @return {{x: number, y: number}}
     */
    imagePoint(event, layer) {
      const box = layer.getBoundingClientRect();
      /** @type {(value: number, max: number) => number} */
      const clamp = (value, max) => Math.min(max, Math.max(0, Math.round(value)));
      return {x: clamp((event.clientX - box.left) / this.scale, this.contentWidth),
        y: clamp((event.clientY - box.top) / this.scale, this.contentHeight)};
    }

    /**
     * Shows a selected region on every pane, and the ignore entry for .imagestore.json that
     * would leave it out of the comparison; null clears it.
     * @param {Region | null} region
     */
    select(region) {
      this.selection = region;
      for (const {layer} of this.panes) {
        let box = /** @type {HTMLElement | null} */ (layer.querySelector('.selection'));
        if (!box) {
          box = h('div', {class: 'selection', 'aria-hidden': 'true'});
          layer.append(box);
        }
        box.hidden = !region;
        if (region) {
          box.style.left = `${region.x}px`;
          box.style.top = `${region.y}px`;
          box.style.width = `${region.width}px`;
          box.style.height = `${region.height}px`;
        }
      }
      const out = this.selectionOutput;
      if (!region || this.selecting) {
        out.hidden = !region;
        if (region) out.replaceChildren(`Selecting ${region.width}×${region.height} at (${region.x}, ${region.y})…`);
        return;
      }
      // A glob over image names: the name's own glob characters escaped.
      const glob = this.model.name.replace(/[\\*?[\]{}]/g, '\\$&');
      const entry = `{"images": ${JSON.stringify(glob)}, "regions": [{"x": ${region.x}, "y": ${region.y}, ` +
          `"width": ${region.width}, "height": ${region.height}}]}`;
      const code = h('code', {}, entry);
      const copy = button('Copy', {title: 'Copy the ignore entry'}, () => {
        navigator.clipboard?.writeText(entry).then(() => { copy.textContent = 'Copied'; }, () => {
          const range = document.createRange();
          range.selectNodeContents(code);
          const selection = window.getSelection();
          selection?.removeAllRanges();
          selection?.addRange(range);
        });
      });
      out.replaceChildren(
          h('span', {}, `Selected ${region.width}×${region.height} at (${region.x}, ${region.y}). ` +
              'To leave it out of the comparison, add to "ignore" in .imagestore.json: '),
          code, ' ', copy, ' ', button('Clear', {title: 'Clear the selection (Esc)'}, () => this.select(null)));
      out.hidden = false;
    }

    /**
     * The other panes follow a pane's scroll position.
     * @param {HTMLElement} source
     */
    syncFrom(source) {
      if (this.syncing) return;
      this.syncing = true;
      for (const {pane} of this.panes) {
        if (pane === source) continue;
        pane.scrollLeft = source.scrollLeft;
        pane.scrollTop = source.scrollTop;
      }
      this.syncing = false;
    }

    /** Sizes the panes for the pictures of the mode and the room there is; keeps the zoom. */
    layout() {
      if (!this.panes.length) {
        this.zoomOutput.value = '';
        return;
      }
      const urls = this.images.map(img => img.getAttribute('src') || '');
      const sizes = urls.map(url => naturalSizes.get(url)).filter(size => size !== undefined);
      for (const img of this.images) {
        const size = naturalSizes.get(img.getAttribute('src') || '');
        if (size) {
          img.style.width = `${size.width}px`;
          img.style.height = `${size.height}px`;
        }
      }
      // Until a picture has loaded, a 16:9 placeholder.
      const width = sizes.length ? Math.max(...sizes.map(s => s.width)) : 1600;
      const height = sizes.length ? Math.max(...sizes.map(s => s.height)) : 900;
      const count = this.panes.length;
      const stageWidth = this.stage.clientWidth || 960;
      const border = 2;
      const roomWidth = Math.max(80, Math.floor((stageWidth - 12 * (count - 1)) / count) - border);
      let roomHeight = PANEL_MAX_HEIGHT;
      if (this.fullSize) {
        const figure = this.panes[0].pane.parentElement;
        const captionHeight = figure && figure !== this.stage ? this.panes[0].pane.offsetTop - figure.offsetTop : 0;
        roomHeight = Math.max(120, this.stage.clientHeight - captionHeight - border);
      }
      const fitScale = Math.min(1, roomWidth / width, roomHeight / height);
      const paneScale = this.fullSize ? 1 : fitScale;
      this.contentWidth = width;
      this.contentHeight = height;
      this.minScale = fitScale;
      const paneWidth = Math.min(roomWidth, Math.ceil(width * paneScale));
      const paneHeight = Math.min(roomHeight, Math.ceil(height * paneScale));
      for (const {pane} of this.panes) {
        pane.style.width = `${paneWidth + border}px`;
        pane.style.height = `${paneHeight + border}px`;
      }
      const scale = this.fitted ? (this.fullSize ? 1 : fitScale) : Math.max(fitScale, this.scale);
      this.applyScale(scale);
    }

    /**
     * @param {number} scale
     * @param {{x: number, y: number}} [anchor] a point of the pane that stays on the same pixel
     */
    applyScale(scale, anchor) {
      const first = this.panes[0]?.pane;
      if (!first) return;
      const point = anchor || {x: first.clientWidth / 2, y: first.clientHeight / 2};
      const imageX = (first.scrollLeft + point.x) / this.scale;
      const imageY = (first.scrollTop + point.y) / this.scale;
      this.scale = scale;
      const transform = `scale(${scale})`;
      for (const {pane, sizer, layer} of this.panes) {
        sizer.style.width = `${this.contentWidth * scale}px`;
        sizer.style.height = `${this.contentHeight * scale}px`;
        layer.style.width = `${this.contentWidth}px`;
        layer.style.height = `${this.contentHeight}px`;
        layer.style.transform = transform;
        layer.style.setProperty('--s', String(scale));
        pane.classList.toggle('zoomed', scale > this.minScale + 1e-6);
        pane.classList.toggle('pixelated', scale >= 2);
        const marks = layer.querySelector('.marks');
        if (marks instanceof HTMLElement) {
          marks.style.width = `${this.contentWidth}px`;
          marks.style.height = `${this.contentHeight}px`;
          drawArrowheads(marks, scale);
          // A label that would leave the picture on the right ends at its box's right edge.
          for (const box of marks.querySelectorAll('.mark')) {
            const label = box.querySelector('.label');
            if (!(box instanceof HTMLElement) || !(label instanceof HTMLElement)) continue;
            box.classList.remove('end');
            box.classList.toggle('end', box.offsetLeft + label.offsetWidth > this.contentWidth);
          }
        }
        const arrows = layer.querySelector('svg.arrows');
        arrows?.setAttribute('width', String(this.contentWidth));
        arrows?.setAttribute('height', String(this.contentHeight));
      }
      first.scrollLeft = imageX * scale - point.x;
      first.scrollTop = imageY * scale - point.y;
      this.syncFrom(first);
      this.zoomOutput.value = `${Math.round(scale * 100)} %`;
      this.zoomOutput.setAttribute('aria-label', `Zoom ${Math.round(scale * 100)} %`);
    }

    /**
     * @param {number} scale
     * @param {{x: number, y: number}} [anchor]
     */
    zoomTo(scale, anchor) {
      if (!this.panes.length) return;
      const clamped = Math.min(MAX_SCALE, Math.max(this.minScale, scale));
      this.fitted = false;
      this.applyScale(clamped, anchor);
    }

    /** @param {number} factor */
    zoomBy(factor) {
      this.zoomTo(this.scale * factor);
    }

    fit() {
      this.fitted = true;
      this.layout();
    }

    /**
     * Pans all panes by screen pixels.
     * @param {number} dx
     * @param {number} dy
     * @return {boolean} whether there was room to pan
     */
    pan(dx, dy) {
      const first = this.panes[0]?.pane;
      if (!first || this.scale <= this.minScale + 1e-6) return false;
      first.scrollLeft += dx;
      first.scrollTop += dy;
      this.syncFrom(first);
      return true;
    }

    destroy() {
      this.stopBlink();
      this.blink = undefined;
      this.resizeObserver.disconnect();
    }
  }

  /**
   * The accepted variants of the new image (alt= lines of its link), missing ones marked.
   * @param {unknown} list
   * @param {string} name
   * @return {HTMLElement | null}
   */
  function variantsBlock(list, name) {
    if (!Array.isArray(list) || list.length === 0) return null;
    const items = h('ul', {});
    list.slice(0, MAX_VARIANTS).forEach((variant, index) => {
      if (!variant || typeof variant !== 'object') return;
      const uuid = String(variant.uuid ?? '');
      const url = safeUrl(variant.url);
      const item = h('li', {class: 'variant', 'data-uuid': uuid});
      const label = `Variant ${index + 1}`;
      if (variant.missing || !url) {
        item.classList.add('missing');
        item.append(h('span', {}, label, ' ', h('span', {class: 'badge missing'}, 'missing')),
            h('span', {class: 'problem', role: 'note'}, `Missing: the image service has no image ${uuid}.`));
      } else {
        const img = h('img', {src: url, alt: `Accepted variant ${index + 1} of ${name}`, loading: 'lazy'});
        img.addEventListener('error', () => img.replaceWith(h('span', {class: 'problem', role: 'note'},
            `The image ${uuid} could not be loaded from the image service.`)), {once: true});
        item.append(h('span', {}, label), h('a', {href: url, target: '_blank', rel: 'noopener'}, img));
      }
      if (typeof variant.problem === 'string' && variant.problem) {
        item.append(h('span', {class: 'unverified', role: 'note'}, `Not verified (${variant.problem}).`));
      }
      items.append(item);
    });
    const more = list.length > MAX_VARIANTS ? ` (the first ${MAX_VARIANTS} shown)` : '';
    return h('div', {class: 'variants'},
        h('span', {}, `Accepted variants: ${list.length}${more}. A screenshot matching the reference or any variant passes.`),
        items);
  }

  /**
   * Configuration files (.imagestore.json) that are invalid, with the reason.
   * @param {unknown} list
   * @return {HTMLElement | null}
   */
  function configProblemsBlock(list) {
    if (!Array.isArray(list) || list.length === 0) return null;
    const items = h('ul', {});
    for (const problem of list.slice(0, MAX_CONFIG_PROBLEMS)) {
      if (!problem || typeof problem !== 'object') continue;
      items.append(h('li', {}, h('code', {}, String(problem.file ?? '')), `: ${String(problem.reason ?? '')}`));
    }
    return h('div', {class: 'config-problems', role: 'note'},
        h('p', {class: 'problem'}, `Invalid comparison settings: ${list.length} ` +
            `${list.length === 1 ? 'file' : 'files'} not applied; their images are compared without them.`),
        items);
  }

  /**
   * @param {Previews} previews
   * @param {ImagePreview[]} images
   * @return {string}
   */
  function summaryText(previews, images) {
    if (previews.summary) return previews.summary;
    return `${images.length} ${images.length === 1 ? 'image' : 'images'} changed`;
  }

  /**
   * What the panel says when the image service could not be asked about some images: they are
   * unverified (not missing, not fine). null when every image was verified.
   * @param {Previews} previews
   * @return {HTMLParagraphElement | null}
   */
  function unverifiedNote(previews) {
    const count = previews.counts?.unverified || 0;
    const problem = previews.service_problem;
    if (!count && !problem) return null;
    const what = count ?
      `${count} ${count === 1 ? 'image' : 'images'} could not be checked with the image service` :
      'Not every image could be checked with the image service';
    return h('p', {class: 'unverified', role: 'status'},
        `Not verified: ${what}${problem ? ` (${problem})` : ''}. ` +
        'Whether the service has them is unknown; try again later.');
  }

  /**
   * The first line of Gerrit's error text (plain text, from the plugin's REST view), kept short.
   * @param {unknown} error
   * @return {string}
   */
  function errorText(error) {
    const message = error instanceof Error ? error.message : String(error ?? '');
    const line = message.split('\n').map(part => part.trim()).find(Boolean) || 'the request failed';
    return line.length > 200 ? `${line.slice(0, 199)}…` : line;
  }

  /**
   * The filter that keeps the mismatch marks of the service's diff picture: red (255, 0, 0)
   * becomes opaque red, its faded greys and anti-aliasing yellow (red = green) transparent.
   * @return {SVGElement}
   */
  function mismatchFilter() {
    const filters = svg('svg', {class: 'filters', 'aria-hidden': 'true', focusable: 'false'});
    const filter = svg('filter', {id: 'imagestore-mismatch', 'color-interpolation-filters': 'sRGB'});
    filter.append(svg('feColorMatrix', {type: 'matrix',
      values: '0 0 0 0 1  0 0 0 0 0  0 0 0 0 0  1 -1 0 0 0'}));
    filters.append(filter);
    return filters;
  }

  /** The help on keys, shown with "?". */
  function helpBlock() {
    const list = h('dl', {});
    for (const [keys, what] of KEYS) list.append(h('dt', {}, keys), h('dd', {}, what));
    const help = h('div', {class: 'help', id: 'imagestore-help', role: 'region', 'aria-label': 'Keyboard shortcuts'},
        h('p', {}, 'Keys work while the panel has focus (click a picture or tab into the list); ' +
            'elsewhere Gerrit\'s own shortcuts apply. Ctrl + wheel zooms, dragging a zoomed picture pans.'),
        list);
    help.hidden = true;
    return help;
  }

  /**
   * Whether a key press belongs to the control it happens in (a slider's arrows, a button's
   * space) rather than to the viewer.
   * @param {KeyboardEvent} event
   * @param {EventTarget | null} target
   */
  function belongsToControl(event, target) {
    if (!(target instanceof HTMLElement)) return false;
    const tag = target.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable) return true;
    if (tag === 'INPUT') {
      return /^(Arrow|Home|End|Page)/.test(event.key) || /** @type {HTMLInputElement} */ (target).type !== 'range';
    }
    if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') return event.key === ' ' || event.key === 'Enter';
    return false;
  }

  class ImagestorePreviews extends HTMLElement {
    constructor() {
      super();
      /** @type {PluginApi | undefined} */
      this._plugin = undefined;
      /** @type {ChangeInfo | undefined} */
      this._change = undefined;
      /** @type {RevisionInfo | undefined} */
      this._revision = undefined;
      // The URL whose answer is shown or awaited: Gerrit sets change and revision again on
      // every refresh, and only a new patch set (or change) needs a new request.
      this._requestedUrl = '';
      this._loadQueued = false;
      this._content = h('div');
      /** @type {{model: ImageModel, settings: ViewSettings, item: HTMLLIElement, viewer: Viewer | null}[]} */
      this._entries = [];
      this._selected = -1;
      /** @type {Viewer | null} */
      this._fullViewer = null;
      this._dialog = h('dialog', {class: 'fullsize', 'aria-labelledby': 'imagestore-fullsize-title'});
      this._dialog.addEventListener('close', () => this._onDialogClosed());
      this._help = helpBlock();
      const shadow = this.attachShadow({mode: 'open'});
      shadow.append(h('style', {}, STYLE), mismatchFilter(), this._content, this._dialog);
      // Only keys pressed while focus is in the panel get here: Gerrit's shortcuts keep the rest.
      shadow.addEventListener('keydown', event => this._onKey(/** @type {KeyboardEvent} */ (event)));
    }

    get plugin() { return this._plugin; }
    set plugin(value) { this._plugin = value; this._queueLoad(); }
    get change() { return this._change; }
    set change(value) { this._change = value; this._queueLoad(); }
    get revision() { return this._revision; }
    set revision(value) { this._revision = value; this._queueLoad(); }

    connectedCallback() {
      // Nothing shows until there is something to say: most changes touch no screenshot. (Not
      // in the constructor: a custom element may not gain attributes there.)
      if (!this._content.hasChildNodes()) this.hidden = true;
      this._queueLoad();
    }

    disconnectedCallback() {
      for (const entry of this._entries) entry.viewer?.destroy();
      this._fullViewer?.destroy();
    }

    // Gerrit sets plugin, change and revision one after the other: load once they all are.
    _queueLoad() {
      if (this._loadQueued) return;
      this._loadQueued = true;
      queueMicrotask(() => {
        this._loadQueued = false;
        void this._load();
      });
    }

    async _load() {
      const plugin = this._plugin;
      const change = this._change;
      const revision = this._revision;
      if (!this.isConnected || !plugin || !change || !revision) return;
      const url = previewsUrl(change, revision);
      if (url === this._requestedUrl) return;
      this._requestedUrl = url;
      this.dataset.state = 'loading';
      if (!url) {
        this._show(null);
        return;
      }
      /** @type {Previews} */
      let previews;
      try {
        previews = await plugin.restApi().get(url);
      } catch (error) {
        if (url !== this._requestedUrl) return;
        console.warn(`imagestore: ${url} failed`, error);
        this._showProblem(`Screenshot previews are unavailable: ${errorText(error)}`);
        return;
      }
      // Another patch set may have been selected while this one loaded.
      if (url !== this._requestedUrl) return;
      if (!previews || typeof previews !== 'object' ||
          (previews.images !== undefined && !Array.isArray(previews.images))) {
        console.warn(`imagestore: ${url} answered something unexpected`, previews);
        this._showProblem('Screenshot previews are unavailable: the imagestore plugin answered something unexpected.');
        return;
      }
      this._show(previews);
    }

    // data-state (loading, empty, shown, error) says where the element is, for tests and for
    // anyone inspecting the page.

    /** @param {string} message */
    _showProblem(message) {
      this._clear();
      this._content.replaceChildren(h('p', {class: 'problem', role: 'status'}, message));
      this.hidden = false;
      this.dataset.state = 'error';
    }

    _clear() {
      // A new answer closes the full-size view without sending the focus anywhere.
      this._fullViewer?.destroy();
      this._fullViewer = null;
      if (this._dialog.open) this._dialog.close();
      for (const entry of this._entries) entry.viewer?.destroy();
      this._entries = [];
      this._selected = -1;
    }

    /** @param {Previews | null} previews */
    _show(previews) {
      this._clear();
      const images = previews?.images || [];
      if (!previews || images.length === 0) {
        this._content.replaceChildren();
        this.hidden = true;
        this.dataset.state = 'empty';
        return;
      }
      const list = h('ul', {class: 'images'});
      images.forEach((image, index) => list.append(this._imageItem(image, index)));
      const helpButton = button('Keys (?)', {'aria-expanded': 'false', 'aria-controls': 'imagestore-help',
        class: 'help-button', 'aria-keyshortcuts': '?'}, () => this._toggleHelp());
      this._helpButton = helpButton;
      this._help.hidden = true;
      const section = h('section', {'aria-labelledby': 'imagestore-heading'},
          h('header', {class: 'top'}, h('h3', {id: 'imagestore-heading'}, 'Screenshots'),
              h('p', {class: 'summary'}, summaryText(previews, images)), helpButton),
          this._help);
      const problems = configProblemsBlock(previews.config_problems);
      if (problems) section.append(problems);
      const unverified = unverifiedNote(previews);
      if (unverified) section.append(unverified);
      section.append(list);
      this._content.replaceChildren(section);
      if (this._entries.length) this._select(0, false);
      this.hidden = false;
      this.dataset.state = 'shown';
    }

    _toggleHelp() {
      this._help.hidden = !this._help.hidden;
      this._helpButton?.setAttribute('aria-expanded', String(!this._help.hidden));
    }

    /**
     * @param {ImagePreview} image
     * @param {number} index
     * @return {HTMLLIElement}
     */
    _imageItem(image, index) {
      const status = ['added', 'modified', 'deleted'].includes(image.status) ? image.status : 'modified';
      const model = imageModel(image, index, status);
      const titleId = `imagestore-image-${index}`;
      const {reference, next} = model;
      const title = h('h4', {id: titleId}, h('span', {class: 'name'}, model.name),
          h('span', {class: `badge ${status}`}, status));
      if ([reference, next].some(side => side?.missing)) title.append(h('span', {class: 'badge missing'}, 'image missing'));
      if ([reference, next].some(side => side?.problem)) {
        title.append(h('span', {class: 'badge unverified'}, 'not verified'));
      }
      const item = h('li', {class: `image ${status}`, 'aria-labelledby': titleId, 'data-path': image.path || '',
        'data-index': String(index), tabindex: '-1'},
      title, h('div', {class: 'path'}, image.path || ''));
      const runtimes = runtimeList(image);
      if (runtimes) item.append(runtimes);
      if (image.diff) {
        const stats = diffStats(image.diff, model);
        if (stats) item.append(h('p', {class: 'stats'}, stats));
      }
      if (typeof image.problem === 'string' && image.problem) {
        item.append(h('p', {class: 'problem', role: 'note'}, image.problem));
      }
      const variants = variantsBlock(image.variants, model.name);
      if (variants) item.append(variants);
      /** @type {ViewSettings} */
      const settings = {mode: 'side', marks: true, share: 50, strength: 70,
        paused: window.matchMedia?.('(prefers-reduced-motion: reduce)').matches || false};
      const entry = {model, settings, item, viewer: /** @type {Viewer | null} */ (null)};
      if (reference || next) {
        entry.viewer = new Viewer(model, settings, {fullSize: false, onFullSize: () => this._openFullSize(index),
          onSelect: () => this._select(index, false)});
        item.append(entry.viewer.element);
      }
      item.addEventListener('focusin', () => this._select(index, false));
      this._entries.push(entry);
      return item;
    }

    /**
     * @param {number} index
     * @param {boolean} focus move the focus to the image (keys) or leave it (a click)
     */
    _select(index, focus) {
      const entry = this._entries[index];
      if (!entry) return;
      if (this._selected !== index) {
        const previous = this._entries[this._selected];
        if (previous) {
          previous.item.classList.remove('selected');
          previous.item.setAttribute('tabindex', '-1');
        }
        this._selected = index;
        entry.item.classList.add('selected');
        entry.item.setAttribute('tabindex', '0');
      }
      if (focus) {
        entry.item.focus({preventScroll: true});
        entry.item.scrollIntoView({block: 'nearest'});
      }
    }

    /** @param {number} index */
    _openFullSize(index) {
      const entry = this._entries[index];
      if (!entry || !(entry.model.referencePicture || entry.model.newPicture)) return;
      this._select(index, false);
      this._fullViewer?.destroy();
      const viewer = new Viewer(entry.model, entry.settings,
          {fullSize: true, onFullSize: () => this._dialog.close(), onSelect: () => {}});
      this._fullViewer = viewer;
      this._dialog.dataset.index = String(index);
      this._dialog.replaceChildren(h('header', {},
          h('h4', {id: 'imagestore-fullsize-title'}, `${entry.model.name} `,
              h('span', {class: 'path'}, `(${index + 1} of ${this._entries.length}: j / k for the next / previous)`))),
      viewer.element);
      if (!this._dialog.open) this._dialog.showModal();
      viewer.layout();
      /** @type {HTMLElement | null} */ (viewer.element.querySelector('.toolbar button'))?.focus();
    }

    _onDialogClosed() {
      if (!this._fullViewer) return;
      this._fullViewer.destroy();
      this._fullViewer = null;
      this._dialog.replaceChildren();
      const entry = this._entries[this._selected];
      if (!entry) return;
      // The mode may have changed in the full-size view.
      if (entry.viewer && entry.viewer.element.dataset.mode !== entry.settings.mode) entry.viewer.render();
      else if (entry.viewer && entry.settings.mode === 'blink') entry.viewer.render();
      this._select(this._selected, true);
    }

    /** @param {KeyboardEvent} event */
    _onKey(event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.composedPath()[0] || null;
      if (belongsToControl(event, target)) return;
      const inDialog = this._dialog.open;
      const entry = this._entries[this._selected];
      const viewer = inDialog ? this._fullViewer : entry?.viewer;
      const key = event.key;
      let handled = true;
      if (key === 'j' || key === 'k') {
        const next = Math.min(this._entries.length - 1, Math.max(0, this._selected + (key === 'j' ? 1 : -1)));
        if (inDialog) {
          // The next image in the mode of this one, where it has that mode.
          const following = this._entries[next];
          if (following && entry && next !== this._selected) following.settings.mode = entry.settings.mode;
          if (next !== this._selected) this._openFullSize(next);
        } else {
          this._select(next, true);
        }
      } else if (/^[1-5]$/.test(key)) {
        viewer?.setMode(MODES[Number(key) - 1].id);
      } else if (key === '+' || key === '=') {
        viewer?.zoomBy(ZOOM_STEP);
      } else if (key === '-') {
        viewer?.zoomBy(1 / ZOOM_STEP);
      } else if (key === '0') {
        viewer?.fit();
      } else if (key === 'f') {
        if (inDialog) this._dialog.close();
        else this._openFullSize(this._selected);
      } else if (key === 'm') {
        viewer?.toggleMarks();
      } else if (key === '?') {
        this._toggleHelp();
      } else if (key === ' ' && viewer?.mode === 'blink') {
        viewer.setPaused(!viewer.settings.paused);
      } else if (key === 't') {
        viewer?.blinkStep();
      } else if (key === 'Escape' && !inDialog && !this._help.hidden) {
        this._toggleHelp();
      } else if (key === 'Escape' && !inDialog && viewer?.selection) {
        viewer.select(null);
      } else if (key.startsWith('Arrow') && viewer) {
        const step = event.shiftKey ? 200 : 40;
        const [dx, dy] = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step]}[key] || [0, 0];
        handled = viewer.pan(dx, dy);
      } else {
        handled = false;
      }
      if (handled) {
        // Handled here, so not Gerrit's: its shortcuts listen on the document.
        event.preventDefault();
        event.stopPropagation();
      }
    }
  }

  if (!customElements.get(ELEMENT_NAME)) customElements.define(ELEMENT_NAME, ImagestorePreviews);

  window.Gerrit.install(plugin => {
    plugin.registerCustomComponent('change-view-integration', ELEMENT_NAME);
  });
})();
