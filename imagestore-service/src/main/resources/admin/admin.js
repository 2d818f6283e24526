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

// The imagestore management page: orphans, trash, runtimes, image search and the audit log, over
// the service's REST API. Plain JavaScript, no build step, no third-party code. The admin's
// credentials live in this script's memory only (never in storage or a URL): reloading the page
// logs out. Every text from the service goes into the page as text, never as HTML.
'use strict';

(() => {
  const PAGE = 60;
  const UUID = /^[0-9a-f]{32}$/;

  /** "Basic …" for the logged-in admin, or null. */
  let authorization = null;
  /** GET /settings: the admin's name and the orphan and trash settings. */
  let settings = null;
  let runtimes = [];
  const views = {};

  const $ = id => document.getElementById(id);

  /** An element with attributes (on* are not used) and children (strings become text). */
  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k in e && typeof v !== 'string') e[k] = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  function bytes(n) {
    if (n < 1024) return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n;
    let u = -1;
    do { v /= 1024; u++; } while (v >= 1024 && u < units.length - 1);
    return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
  }

  const when = iso => (iso ? new Date(iso).toLocaleString() : '–');
  const runtimeLabel = r => (r ? [r.platform, r.resolution, r.browser, r.theme, r.direction, r.mode]
      .filter(Boolean).join(' · ') : '–');
  const specLabel = s => (s ? [s.lib, s.name].filter(Boolean).join(' / ') : '–');

  function say(text) {
    $('status').textContent = text;
    $('error').textContent = '';
  }

  function fail(e) {
    $('error').textContent = e instanceof ApiError ? `${e.message} (${e.status})` : String(e);
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** Calls the API as the admin: {data, next} (next: the Link header's URL), or a Blob. */
  async function api(method, path, body, {blob = false} = {}) {
    const headers = {'X-Requested-With': 'imagestore-admin'};
    if (authorization) headers.Authorization = authorization;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      let code = 'error';
      let message = response.statusText;
      try {
        const e = await response.json();
        code = e.error;
        message = e.message;
      } catch {
        // not a JSON error body
      }
      if (response.status === 401 && authorization) {
        logout('Your login is no longer valid: log in again.');
      }
      throw new ApiError(response.status, code, message);
    }
    if (blob) return response.blob();
    if (response.status === 204) return {data: null, next: null};
    const link = response.headers.get('Link');
    const next = link ? (link.match(/<([^>]*)>;\s*rel="next"/) || [])[1] || null : null;
    return {data: await response.json(), next};
  }

  /** The value of a query parameter of a same-origin URL such as a Link header's. */
  const param = (url, name) => (url ? new URL(url, location.href).searchParams.get(name) : null);

  // --- login -------------------------------------------------------------------------------------

  async function login(event) {
    event.preventDefault();
    const user = $('login-user').value;
    const password = $('login-password').value;
    const utf8 = new TextEncoder().encode(`${user}:${password}`);
    const candidate = `Basic ${btoa(String.fromCharCode(...utf8))}`;
    $('login-error').textContent = '';
    $('login-submit').disabled = true;
    try {
      authorization = candidate;
      settings = (await api('GET', '/settings')).data;
    } catch (e) {
      authorization = null;
      $('login-error').textContent = e.status === 401 ? 'Wrong user or password.'
        : e.status === 403 ? 'This account lacks the admin role.' : `Login failed: ${e.message}`;
      return;
    } finally {
      $('login-submit').disabled = false;
      $('login-password').value = '';
    }
    $('who').textContent = settings.user;
    $('grace').textContent = settings.orphanGracePeriod;
    $('retention').textContent = settings.trashRetention;
    $('filter-age').value = settings.orphanGracePeriod;
    $('login-view').hidden = true;
    $('app').hidden = false;
    $('who').hidden = false;
    $('logout').hidden = false;
    await loadRuntimes();
    show('orphans');
  }

  function logout(message = '') {
    authorization = null;
    settings = null;
    views.trash.clear();
    $('app').hidden = true;
    $('who').hidden = true;
    $('logout').hidden = true;
    $('login-view').hidden = false;
    $('login-error').textContent = message;
    $('login-user').focus();
  }

  function show(name) {
    for (const tab of document.querySelectorAll('nav .tab')) {
      if (tab.dataset.view === name) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    for (const [key, view] of Object.entries(views)) {
      $(`${key}-view`).hidden = key !== name;
      if (key === name) view.load(true).catch(fail);
    }
    say('');
  }

  // --- a list of image cards with selection and paging -------------------------------------------

  function cardList(prefix, {fetchPage, card}) {
    const list = $(`${prefix}-list`);
    const more = $(`${prefix}-more`);
    const all = $(`${prefix}-all`);
    const selected = new Set();
    let next = null;
    let onSelection = () => {};

    function render(items, reset) {
      if (reset) {
        list.replaceChildren();
        selected.clear();
        all.checked = false;
      }
      for (const item of items) {
        const box = el('input', {type: 'checkbox', 'aria-label': `select ${item.uuid}`});
        const li = el('li', {dataset: {uuid: item.uuid}}, el('label', {}, box, ' select'),
            ...card(item));
        box.addEventListener('change', () => {
          if (box.checked) selected.add(item.uuid); else selected.delete(item.uuid);
          li.classList.toggle('selected', box.checked);
          onSelection();
        });
        list.append(li);
      }
      onSelection();
    }

    all.addEventListener('change', () => {
      for (const box of list.querySelectorAll('input[type=checkbox]')) {
        if (box.checked !== all.checked) {
          box.checked = all.checked;
          box.dispatchEvent(new Event('change'));
        }
      }
    });
    more.addEventListener('click', () => load(false).catch(fail));

    async function load(reset) {
      const page = await fetchPage(reset ? null : next);
      next = page.next;
      more.hidden = !next;
      render(page.data, reset);
      return page.data;
    }

    return {
      load, selected,
      set onSelection(f) { onSelection = f; },
    };
  }

  function confirmBox(prefix) {
    const box = $(`${prefix}-confirm`);
    return (text, action) => {
      $(`${prefix}-confirm-text`).textContent = text;
      box.hidden = false;
      return new Promise(resolve => {
        const done = go => {
          box.hidden = true;
          $(`${prefix}-confirm-yes`).onclick = null;
          $(`${prefix}-confirm-no`).onclick = null;
          resolve(go ? action() : null);
        };
        $(`${prefix}-confirm-yes`).onclick = () => done(true);
        $(`${prefix}-confirm-no`).onclick = () => done(false);
      });
    };
  }

  const skippedText = result => (result.skipped.length === 0 ? ''
    : ` Left alone: ${result.skipped.map(s => `${s.uuid} (${s.error})`).join(', ')}.`);

  // --- orphans ------------------------------------------------------------------------------------

  views.orphans = (() => {
    const cards = cardList('orphans', {
      fetchPage: after => {
        const q = new URLSearchParams({limit: PAGE});
        if ($('filter-age').value.trim()) q.set('minAge', $('filter-age').value.trim());
        if ($('filter-runtime').value) q.set('runtime', $('filter-runtime').value);
        if ($('filter-spec').value.trim()) q.set('spec', $('filter-spec').value.trim());
        const nextAfter = param(after, 'after');
        if (nextAfter) q.set('after', nextAfter);
        return api('GET', `/orphans?${q}`);
      },
      card: o => [
        el('img', {src: `/images/${o.uuid}`, alt: `image ${o.uuid}`, loading: 'lazy'}),
        el('div', {class: 'uuid'}, o.uuid),
        el('div', {}, `Spec: ${specLabel(o.spec)}`),
        el('div', {}, `Runtime: ${runtimeLabel(o.runtime)}`),
        el('div', {}, `Orphaned since ${when(o.orphanedAt)}`),
        el('div', {}, `${o.width}×${o.height}, ${bytes(o.size)}`),
      ],
    });
    const ask = confirmBox('orphans');
    cards.onSelection = () => { $('orphans-trash').disabled = cards.selected.size === 0; };

    $('orphan-filter').addEventListener('submit', event => {
      event.preventDefault();
      cards.load(true).then(items => say(`${items.length} orphans shown.`)).catch(fail);
    });
    $('orphans-trash').addEventListener('click', async () => {
      try {
        const uuids = [...cards.selected];
        const dry = (await api('POST', '/orphans/trash', {uuids, dryRun: true})).data;
        await ask(`Move ${dry.count} image(s) to the trash? Purging them later frees `
            + `${bytes(dry.bytesFreed)} (content other images share stays).${skippedText(dry)}`,
        async () => {
          const done = (await api('POST', '/orphans/trash', {uuids})).data;
          await cards.load(true);
          say(`Moved ${done.count} image(s) to the trash.${skippedText(done)}`);
        });
      } catch (e) {
        fail(e);
      }
    });
    return cards;
  })();

  // --- trash --------------------------------------------------------------------------------------

  views.trash = (() => {
    /** Object URLs of the thumbnails shown: fetched with the admin's login, freed on reload. */
    let urls = [];
    const thumbnail = uuid => {
      const img = el('img', {alt: `trashed image ${uuid}`});
      api('GET', `/trash/${uuid}/image`, undefined, {blob: true}).then(blob => {
        const url = URL.createObjectURL(blob);
        urls.push(url);
        img.src = url;
      }).catch(() => { img.alt = 'no thumbnail'; });
      return img;
    };
    const cards = cardList('trash', {
      fetchPage: after => {
        const q = new URLSearchParams({limit: PAGE});
        const nextAfter = param(after, 'after');
        if (nextAfter) q.set('after', nextAfter);
        return api('GET', `/trash?${q}`);
      },
      card: t => [
        thumbnail(t.uuid),
        el('div', {class: 'uuid'}, t.uuid),
        el('div', {}, `Spec: ${specLabel(t.spec)}`),
        el('div', {}, `Runtime: ${runtimeLabel(t.runtime)}`),
        el('div', {}, `Deleted ${when(t.trashedAt)} by ${t.trashedBy}`),
        el('div', {}, `Purged after ${when(t.purgeAfter)}`),
        el('div', {}, bytes(t.size)),
      ],
    });
    const ask = confirmBox('trash');
    cards.onSelection = () => { $('trash-restore').disabled = cards.selected.size === 0; };

    $('trash-restore').addEventListener('click', async () => {
      let restored = 0;
      try {
        for (const uuid of cards.selected) {
          await api('POST', `/trash/${uuid}/restore`);
          restored++;
        }
        say(`Restored ${restored} image(s).`);
      } catch (e) {
        fail(e);
      }
      await load(true).catch(fail);
    });
    $('trash-purge-expired').addEventListener('click', async () => {
      try {
        const dry = (await api('POST', '/trash/purge', {dryRun: true})).data;
        await ask(`Purge ${dry.count} expired trash entries for good, freeing `
            + `${bytes(dry.bytesFreed)}?`, async () => {
          const done = (await api('POST', '/trash/purge', {})).data;
          await load(true);
          say(`Purged ${done.count} entries, ${bytes(done.bytesFreed)} freed.`);
        });
      } catch (e) {
        fail(e);
      }
    });

    function clear() {
      urls.forEach(URL.revokeObjectURL);
      urls = [];
      $('trash-list').replaceChildren();
    }

    function load(reset) {
      if (reset) clear();
      return cards.load(reset);
    }

    return {load, clear};
  })();

  // --- runtimes -----------------------------------------------------------------------------------

  async function loadRuntimes() {
    runtimes = (await api('GET', '/runtimes')).data;
    const select = $('filter-runtime');
    const current = select.value;
    select.replaceChildren(el('option', {value: ''}, 'any'),
        ...runtimes.map(r => el('option', {value: r.id},
            r.description ? `${r.description} (${runtimeLabel(r)})` : runtimeLabel(r))));
    select.value = runtimes.some(r => r.id === current) ? current : '';
  }

  views.runtimes = {
    async load() {
      await loadRuntimes();
      const body = $('runtimes-table').tBodies[0];
      body.replaceChildren(...runtimes.map(r => {
        const input = el('input', {value: r.description || '', 'aria-label': `description of ${r.id}`,
          maxlength: '1024'});
        const save = el('button', {type: 'button'}, 'Save');
        save.addEventListener('click', async () => {
          try {
            const {id, platform, resolution, browser, theme, direction, mode} = r;
            const saved = (await api('PUT', `/runtimes/${id}`, {id, platform, resolution, browser,
              theme, direction, mode, description: input.value})).data;
            r.description = saved.description;
            await loadRuntimes();
            say(`Saved the description of ${runtimeLabel(r)}.`);
          } catch (e) {
            fail(e);
          }
        });
        return el('tr', {dataset: {id: r.id}}, el('td', {}, r.platform), el('td', {}, r.resolution),
            el('td', {}, r.browser), el('td', {}, r.theme), el('td', {}, r.direction),
            el('td', {}, r.mode), el('td', {}, input), el('td', {}, save));
      }));
    },
  };

  // --- search -------------------------------------------------------------------------------------

  views.search = {
    async load() {},
  };

  async function search(event) {
    event.preventDefault();
    const out = $('search-result');
    const uuid = $('search-uuid').value.trim().toLowerCase();
    out.replaceChildren();
    if (!UUID.test(uuid)) {
      out.append(el('p', {class: 'error'}, 'An image id is 32 hex digits.'));
      return;
    }
    try {
      const info = (await api('GET', `/images/${uuid}/info`)).data;
      const refs = info.references || [];
      out.append(el('div', {class: 'found', dataset: {uuid}},
          el('img', {src: `/images/${uuid}`, alt: `image ${uuid}`}),
          el('p', {}, `Spec: ${specLabel(info.spec)}; runtime: ${runtimeLabel(info.runtime)}; `
              + `${info.width}×${info.height}, ${bytes(info.size)}; uploaded ${when(info.createdAt)}`
              + ` by ${info.uploadedBy}.`),
          el('p', {id: 'search-state'}, info.referenced
            ? `Referenced in ${refs.length} place(s):`
            : `Not referenced: an orphan since ${when(info.orphanedAt)}.`),
          refs.length === 0 ? null : el('table', {id: 'search-references'},
              el('thead', {}, el('tr', {}, ...['Project', 'Branch', 'Path', 'Commit']
                  .map(h => el('th', {}, h)))),
              el('tbody', {}, ...refs.map(r => el('tr', {}, el('td', {}, r.project),
                  el('td', {}, r.branch), el('td', {}, r.path),
                  el('td', {class: 'uuid'}, r.commit)))))));
    } catch (e) {
      if (e.status !== 404) return fail(e);
      try {
        const t = (await api('GET', `/trash/${uuid}`)).data;
        const restore = el('button', {type: 'button', id: 'search-restore'}, 'Restore');
        restore.addEventListener('click', async () => {
          try {
            await api('POST', `/trash/${uuid}/restore`);
            say(`Restored ${uuid}.`);
            await search(event);
          } catch (err) {
            fail(err);
          }
        });
        out.append(el('p', {id: 'search-state'}, `In the trash: deleted ${when(t.trashedAt)} by `
            + `${t.trashedBy}, purged after ${when(t.purgeAfter)}. `), restore);
      } catch (e2) {
        if (e2.status !== 404) return fail(e2);
        out.append(el('p', {id: 'search-state'}, `No image ${uuid}.`));
      }
    }
  }

  // --- audit log ----------------------------------------------------------------------------------

  views.audit = (() => {
    let next = null;
    async function load(reset) {
      const q = new URLSearchParams({limit: 50});
      const before = reset ? null : param(next, 'before');
      if (before) q.set('before', before);
      const page = await api('GET', `/audit?${q}`);
      next = page.next;
      $('audit-more').hidden = !next;
      const body = $('audit-table').tBodies[0];
      if (reset) body.replaceChildren();
      body.append(...page.data.map(a => el('tr', {dataset: {action: a.action, uuid: a.uuid}},
          el('td', {}, when(a.at)), el('td', {}, a.actor), el('td', {}, a.address || '–'),
          el('td', {}, a.action), el('td', {class: 'uuid'}, a.uuid),
          el('td', {}, bytes(a.bytesFreed)), el('td', {}, a.detail || ''))));
    }
    $('audit-more').addEventListener('click', () => load(false).catch(fail));
    return {load};
  })();

  // --- wiring -------------------------------------------------------------------------------------

  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', () => logout('Logged out.'));
  $('search-form').addEventListener('submit', search);
  for (const tab of document.querySelectorAll('nav .tab')) {
    tab.addEventListener('click', () => show(tab.dataset.view));
  }
})();
