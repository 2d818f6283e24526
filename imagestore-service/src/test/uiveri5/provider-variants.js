#!/usr/bin/env node
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

/*
 * What UIVeri5's OWN RemoteStorageProvider does with a link that lists accepted variants
 * (alt= lines after the uuid= line).
 *
 * Usage: node provider-variants.js <serviceBaseUrl> <username> <password> <workDir>
 *
 * <workDir>/images/demo/linux/1600x1200/chrome/sap_fiori_3/ltr/default/shot.ref.lnk must exist
 * (the caller writes it, with variants). The script
 *   1. reads the reference through the provider (readRefImage), as a test run compares with it;
 *   2. records a new reference through the provider (storeRefActDiffImage with updateRefFlag),
 *      as a run with reference updates does, which rewrites the link.
 * It prints ONE JSON line and exits 0:
 *   {"readUrl":"...","readSha256":"...","newUuid":"..."}
 * The caller checks the bytes read and what the link holds afterwards.
 */
'use strict';

var crypto = require('crypto');
var path = require('path');
var url = require('url');

var args = process.argv.slice(2);
if (args.length !== 4) {
  process.stderr.write('usage: node provider-variants.js <serviceBaseUrl> <username> <password> <workDir>\n');
  process.exit(1);
}
var serviceBaseUrl = args[0].replace(/\/+$/, '');
var workDir = path.resolve(args[3]);

function fail(error) {
  process.stderr.write('provider-variants: FAILED: ' + (error && error.stack ? error.stack : String(error)) + '\n');
  process.exit(1);
}
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
setTimeout(function () { fail('timed out'); }, 60000).unref();

// Never proxy the service under test (as provider-roundtrip.js).
var host = url.parse(serviceBaseUrl).hostname;
process.env.NO_PROXY = (process.env.NO_PROXY ? process.env.NO_PROXY + ',' : '') + host;

var uiveri5Dir = path.dirname(require.resolve('@ui5/uiveri5/package.json'));
var createProvider = require(require.resolve('@ui5/uiveri5/src/image/remoteStorageProvider.js'));
var PNG = require(require.resolve('pngjs', {paths: [uiveri5Dir]})).PNG;

var logger = {
  info: function (msg) { process.stderr.write('INFO: ' + msg + '\n'); },
  error: function (msg) { process.stderr.write('ERROR: ' + msg + '\n'); },
  debug: function (msg) { process.stderr.write('DEBUG: ' + msg + '\n'); },
  trace: function () {},
  dump: function () {}
};
var runtime = {
  platformName: 'linux', platformResolution: '1600x1200', browserName: 'chrome', browserVersion: '*',
  ui5: {theme: 'sap_fiori_3', direction: 'ltr', mode: 'default'}
};
var spec = {fullName: 'demo spec', name: 'demo', lib: 'sap.m', branch: 'master', testPath: '/x/y/demo.spec.js'};

/** A PNG with a few bands of text-like stripes, so it is no solid colour. */
function png(width, height, seed) {
  var p = new PNG({width: width, height: height});
  for (var y = 0; y < height; y++) {
    for (var x = 0; x < width; x++) {
      var i = (width * y + x) << 2;
      var ink = (y % 12 < 7) && ((x * 7 + y * 3 + seed) % 11 < 5);
      p.data[i] = ink ? 40 : 250;
      p.data[i + 1] = ink ? 40 + seed : 250;
      p.data[i + 2] = ink ? 60 : 245;
      p.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(p);
}

var provider = createProvider({}, {
  refImagesRoot: workDir, imageStorageUrl: serviceBaseUrl, username: args[1], password: args[2]
}, logger, runtime);
provider.onBeforeEachSpec(spec);

var out = {};
Promise.resolve(provider.readRefImage('shot')).then(function (res) {
  if (!res || !res.refImageBuffer) {
    throw new Error('readRefImage(shot) found no reference: ' + JSON.stringify(res));
  }
  out.readUrl = res.refImageUrl;
  out.readSha256 = crypto.createHash('sha256').update(res.refImageBuffer).digest('hex');
  return provider.storeRefActDiffImage('shot', png(96, 48, 3), png(96, 48, 9), true);
}).then(function (res) {
  out.newUuid = res.refImageUrl.substring(res.refImageUrl.lastIndexOf('/') + 1);
  process.stdout.write(JSON.stringify(out) + '\n', function () { process.exit(0); });
}, fail);
