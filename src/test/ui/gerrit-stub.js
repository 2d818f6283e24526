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

// A stand-in for the part of Gerrit's plugin API that imagestore.js uses, loaded before the
// plugin on the test page. It behaves like Gerrit 3.13 where the plugin can tell:
// - Gerrit.install(callback) calls back with a plugin object;
// - registerCustomComponent(endpoint, tag) records the endpoint; Gerrit later creates the element
//   at that endpoint and sets plugin, change and revision on it (gerritStub.mount does that);
// - restApi().get(url) fetches from Gerrit's origin, rejects with the body text on a non-2xx
//   status and strips the ")]}'" prefix before parsing the JSON, as GrPluginRestApi.send does.
(() => {
  'use strict';
  const JSON_PREFIX = ")]}'";
  const registrations = [];
  const requests = [];

  function makePlugin(name) {
    const restApi = {
      async get(url) {
        requests.push(url);
        const response = await fetch(url, {credentials: 'same-origin'});
        const text = await response.text();
        if (!response.ok) throw new Error(text || String(response.status));
        return JSON.parse(text.startsWith(JSON_PREFIX) ? text.slice(JSON_PREFIX.length) : text);
      },
    };
    const plugin = {
      getPluginName: () => name,
      restApi: () => restApi,
      registerCustomComponent(endpoint, tag, options) {
        registrations.push({plugin, endpoint, tag, options});
        return {onAttached() { return this; }, onDetached() { return this; }};
      },
    };
    return plugin;
  }

  window.Gerrit = {
    install(callback) {
      // Gerrit names the plugin after the URL it loaded it from.
      const src = document.currentScript?.src || '';
      const name = src.match(/\/plugins\/([^/]+)\//)?.[1] || 'unknown';
      callback(makePlugin(name));
    },
    styles: {},
  };

  window.gerritStub = {
    registrations,
    requests,
    // Renders every component registered for the endpoint into <div id="ENDPOINT">, the way
    // gr-endpoint-decorator does: create, set plugin and the endpoint's params, attach.
    mount(endpoint, params) {
      const container = document.getElementById(endpoint);
      const elements = [];
      for (const registration of registrations.filter(r => r.endpoint === endpoint)) {
        const element = document.createElement(registration.tag);
        element.plugin = registration.plugin;
        Object.assign(element, params);
        container.append(element);
        elements.push(element);
      }
      return elements.length;
    },
  };
})();
