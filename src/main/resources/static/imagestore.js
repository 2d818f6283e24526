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
 * reference screenshots (.lnk files) the change adds, modifies or deletes, and shows the
 * reference, the new image and their difference side by side, with an overlay to compare
 * reference and new.
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
  /**
   * The service's comparison of reference and new (only when both exist).
   * @typedef {{url: string, info_url?: string, mismatched_pixels?: number,
   *     mismatch_percent?: number, passed?: boolean, size_mismatch?: boolean,
   *     error?: string}} ImageDiff
   */
  /**
   * @typedef {{path: string, name?: string, runtime?: Record<string, string>,
   *     status: string, reference?: ImageSide, new?: ImageSide, diff?: ImageDiff}} ImagePreview
   */
  /**
   * The answer of GET /changes/{id}/revisions/{revision}/imagestore~previews.
   * @typedef {{change?: number, patch_set?: number, summary?: string,
   *     counts?: Record<string, number>, service_problem?: string,
   *     images?: ImagePreview[]}} Previews
   */

  const ELEMENT_NAME = 'imagestore-previews';
  // UIVeri5's layout: images/<spec>/<platform>/<resolution>/<browser>/<theme>/<direction>/<mode>/.
  const RUNTIME_KEYS = ['spec', 'platform', 'resolution', 'browser', 'theme', 'direction', 'mode'];

  const STYLE = `
    :host { display: block; color: var(--primary-text-color, #202124); }
    :host([hidden]) { display: none; }
    section { margin: var(--spacing-l, 12px) 0; padding: var(--spacing-m, 8px) var(--spacing-l, 12px);
      border: 1px solid var(--border-color, #dadce0); border-radius: 4px;
      background: var(--background-color-primary, #fff); }
    h3 { font: inherit; font-weight: 600; margin: 0 0 var(--spacing-s, 4px); }
    h4 { font: inherit; font-weight: 600; margin: 0; display: flex; flex-wrap: wrap; gap: 6px;
      align-items: baseline; }
    p { margin: var(--spacing-s, 4px) 0; }
    ul.images { list-style: none; margin: 0; padding: 0; }
    ul.images > li { border-top: 1px solid var(--border-color, #dadce0); padding: var(--spacing-m, 8px) 0; }
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
    .figures { display: flex; flex-wrap: wrap; gap: var(--spacing-l, 12px); margin-top: var(--spacing-m, 8px); }
    figure { margin: 0; flex: 0 1 320px; min-width: 160px; }
    figcaption { font-weight: 600; margin-bottom: 2px; }
    /* A checkerboard makes transparent regions of a screenshot visible. */
    .shot img, .stage { background: repeating-conic-gradient(#e8eaed 0% 25%, #fff 0% 50%) 0 0 / 16px 16px; }
    .shot img { display: block; max-width: 100%; max-height: 320px; height: auto;
      border: 1px solid var(--border-color, #dadce0); }
    .stats { font-size: 0.9em; }
    details.compare { margin-top: var(--spacing-m, 8px); }
    details.compare summary { cursor: pointer; }
    .stage { position: relative; width: fit-content; max-width: min(100%, 960px);
      margin-top: var(--spacing-s, 4px); border: 1px solid var(--border-color, #dadce0); line-height: 0; }
    .stage img.under { display: block; max-width: 100%; height: auto; }
    /* The new image covers the reference's box exactly; a size mismatch is reported under the diff. */
    .stage img.over { position: absolute; inset: 0; width: 100%; height: 100%; }
    .stage .divider { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px;
      background: var(--link-color, #1a73e8); pointer-events: none; }
    .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: var(--spacing-s, 4px); }
    .controls input[type=range] { width: 200px; }
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
    if (image.name) return image.name;
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
      if (runtime[key]) list.append(h('div', {}, h('dt', {}, key), h('dd', {}, runtime[key])));
    }
    return list;
  }

  /**
   * The image, linked to itself at full size; replaced by failureText when it does not load.
   * @param {string} url
   * @param {string} alt
   * @param {string} failureText
   * @return {HTMLAnchorElement}
   */
  function linkedImage(url, alt, failureText) {
    const img = h('img', {src: url, alt, loading: 'lazy', decoding: 'async'});
    const link = h('a', {href: url, target: '_blank', rel: 'noopener'}, img);
    img.addEventListener('error', () => {
      link.replaceWith(h('p', {class: 'problem', role: 'note'}, failureText));
    }, {once: true});
    return link;
  }

  /**
   * A figure for one side; a missing image (or one that fails to load) is said in words.
   * @param {string} label "Reference" or "New"
   * @param {ImageSide} side
   * @param {string} alt
   * @return {HTMLElement}
   */
  function sideFigure(label, side, alt) {
    const figure = h('figure', {class: 'shot', 'data-side': label.toLowerCase()},
        h('figcaption', {}, label));
    const url = safeUrl(side.url);
    if (side.problem) {
      // Unknown, which is not missing: say so, and still offer the image.
      figure.classList.add('unverified');
      figure.append(h('p', {class: 'unverified', role: 'note'},
          `Not verified: the image service could not say whether it has the ${label.toLowerCase()} ` +
          `image ${side.uuid} (${side.problem}).`));
    }
    if (side.missing || !url) {
      figure.classList.add('missing');
      figure.append(h('p', {class: 'problem', role: 'note'},
          `Missing: the image service has no ${label.toLowerCase()} image ${side.uuid}.`));
      return figure;
    }
    figure.append(linkedImage(url, alt,
        `The ${label.toLowerCase()} image ${side.uuid} could not be loaded from the image service.`));
    return figure;
  }

  /**
   * @param {ImageDiff} diff
   * @return {string}
   */
  function diffStats(diff) {
    const parts = [];
    if (typeof diff.mismatched_pixels === 'number') {
      const percent = diff.mismatch_percent;
      let share = '';
      if (typeof percent === 'number') {
        share = percent > 0 && percent < 0.01 ? ' (< 0.01 %)' : ` (${percent.toFixed(2)} %)`;
      }
      parts.push(`${diff.mismatched_pixels.toLocaleString('en-US')} pixels differ${share}`);
    }
    if (diff.size_mismatch) parts.push('the sizes differ');
    if (diff.passed === true) parts.push('within tolerance');
    if (diff.passed === false) parts.push('over tolerance');
    if (diff.error) parts.push(`no figures: ${diff.error}`);
    return parts.join('; ');
  }

  /**
   * @param {ImageDiff} diff
   * @param {string} name
   * @return {HTMLElement | null}
   */
  function diffFigure(diff, name) {
    const url = safeUrl(diff.url);
    if (!url) return null;
    const figure = h('figure', {class: 'shot', 'data-side': 'diff'}, h('figcaption', {}, 'Difference'),
        linkedImage(url, `Difference between reference and new screenshot of ${name}`,
            'The difference image could not be loaded from the image service.'));
    const stats = diffStats(diff);
    if (stats) figure.append(h('p', {class: 'stats'}, stats));
    return figure;
  }

  let compareCount = 0;

  /**
   * Reference under, new over it, the new image clipped to the slider's share from the left.
   * @param {string} referenceUrl
   * @param {string} newUrl
   * @param {string} name
   * @return {HTMLDetailsElement}
   */
  function compareOverlay(referenceUrl, newUrl, name) {
    const id = `imagestore-compare-${++compareCount}`;
    const under = h('img', {class: 'under', src: referenceUrl, alt: `Reference screenshot of ${name}`});
    const over = h('img', {class: 'over', src: newUrl, alt: `New screenshot of ${name}`});
    const divider = h('div', {class: 'divider', 'aria-hidden': 'true'});
    const slider = h('input', {type: 'range', id, min: '0', max: '100', step: '1', value: '50'});
    const output = h('output', {for: id});
    /** @param {number} share percent of the width showing the new image */
    const show = share => {
      over.style.clipPath = `inset(0 ${100 - share}% 0 0)`;
      divider.style.left = `${share}%`;
      divider.hidden = share === 0 || share === 100;
      slider.value = String(share);
      const text = `new ${share} %, reference ${100 - share} %`;
      slider.setAttribute('aria-valuetext', text);
      output.value = text;
    };
    slider.addEventListener('input', () => show(Number(slider.value)));
    const showReference = h('button', {type: 'button'}, 'Show reference');
    showReference.addEventListener('click', () => show(0));
    const showNew = h('button', {type: 'button'}, 'Show new');
    showNew.addEventListener('click', () => show(100));
    show(50);
    return h('details', {class: 'compare'},
        h('summary', {}, 'Compare reference and new'),
        h('div', {class: 'stage'}, under, over, divider),
        h('div', {class: 'controls'},
            h('label', {for: id}, 'New image from the left'), slider, output, showReference, showNew));
  }

  /**
   * @param {ImagePreview} image
   * @param {number} index
   * @return {HTMLLIElement}
   */
  function imageItem(image, index) {
    const name = displayName(image);
    const status = ['added', 'modified', 'deleted'].includes(image.status) ? image.status : 'modified';
    const runtime = runtimeText(image);
    const titleId = `imagestore-image-${index}`;
    const reference = status === 'added' ? undefined : image.reference;
    const next = status === 'deleted' ? undefined : image.new;
    const missing = [reference, next].filter(side => side?.missing).length;

    const title = h('h4', {id: titleId}, h('span', {class: 'name'}, name),
        h('span', {class: `badge ${status}`}, status));
    if (missing) title.append(h('span', {class: 'badge missing'}, 'image missing'));
    if ([reference, next].some(side => side?.problem)) {
      title.append(h('span', {class: 'badge unverified'}, 'not verified'));
    }

    const figures = h('div', {class: 'figures'});
    /** @param {string} label */
    const alt = label => `${label} screenshot of ${name}${runtime ? ` (${runtime})` : ''}`;
    if (reference) figures.append(sideFigure('Reference', reference, alt('Reference')));
    if (next) figures.append(sideFigure('New', next, alt('New')));
    if (image.diff) {
      const figure = diffFigure(image.diff, name);
      if (figure) figures.append(figure);
    }

    const item = h('li', {class: `image ${status}`, 'aria-labelledby': titleId, 'data-path': image.path || ''},
        title, h('div', {class: 'path'}, image.path || ''));
    const runtimes = runtimeList(image);
    if (runtimes) item.append(runtimes);
    item.append(figures);
    const referenceUrl = reference && !reference.missing ? safeUrl(reference.url) : '';
    const newUrl = next && !next.missing ? safeUrl(next.url) : '';
    if (referenceUrl && newUrl) item.append(compareOverlay(referenceUrl, newUrl, name));
    return item;
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
      const shadow = this.attachShadow({mode: 'open'});
      shadow.append(h('style', {}, STYLE), this._content);
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
      this._content.replaceChildren(h('p', {class: 'problem', role: 'status'}, message));
      this.hidden = false;
      this.dataset.state = 'error';
    }

    /** @param {Previews | null} previews */
    _show(previews) {
      const images = previews?.images || [];
      if (!previews || images.length === 0) {
        this._content.replaceChildren();
        this.hidden = true;
        this.dataset.state = 'empty';
        return;
      }
      const list = h('ul', {class: 'images'});
      images.forEach((image, index) => list.append(imageItem(image, index)));
      const section = h('section', {'aria-labelledby': 'imagestore-heading'},
          h('h3', {id: 'imagestore-heading'}, 'Screenshots'),
          h('p', {class: 'summary'}, summaryText(previews, images)));
      const unverified = unverifiedNote(previews);
      if (unverified) section.append(unverified);
      section.append(list);
      this._content.replaceChildren(section);
      this.hidden = false;
      this.dataset.state = 'shown';
    }
  }

  if (!customElements.get(ELEMENT_NAME)) customElements.define(ELEMENT_NAME, ImagestorePreviews);

  window.Gerrit.install(plugin => {
    plugin.registerCustomComponent('change-view-integration', ELEMENT_NAME);
  });
})();
