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
 * Round-trip check of an image service against UIVeri5's OWN RemoteStorageProvider.
 *
 * Usage: node provider-roundtrip.js <serviceBaseUrl> <username> <password> <workDir>
 *
 * The provider is taken unmodified from node_modules (@ui5/uiveri5, pinned in package.json)
 * and constructed the same way UIVeri5's moduleLoader does:
 *   require(name)(config, instanceConfig, logger, runtime)
 * It then talks to <serviceBaseUrl>/images exactly as UIVeri5 would.
 *
 * On success prints ONE JSON line to stdout and exits 0:
 *   {"ok":true,"refUuid":"...","actUuid":"...","diffUuid":"...","lnkFiles":[...]}
 * On failure prints the reason to stderr and exits 1. All provider logging goes to stderr.
 */
'use strict';

var fs = require('fs');
var path = require('path');
var http = require('http');
var https = require('https');
var url = require('url');

var TIMEOUT_MS = parseInt(process.env.ROUNDTRIP_TIMEOUT_MS || '60000', 10);
var VERBOSE = !!process.env.ROUNDTRIP_VERBOSE;

function fail(message, error) {
  process.stderr.write('provider-roundtrip: FAILED: ' + message +
    (error ? '\n' + (error && error.stack ? error.stack : String(error)) : '') + '\n');
  process.exit(1);
}

var args = process.argv.slice(2);
if (args.length !== 4) {
  process.stderr.write('usage: node provider-roundtrip.js <serviceBaseUrl> <username> <password> <workDir>\n');
  process.exit(1);
}
// UIVeri5 appends '/images' to imageStorageUrl with a plain '/', so drop a trailing slash
var serviceBaseUrl = args[0].replace(/\/+$/, '');
var username = args[1];
var password = args[2];
var workDir = path.resolve(args[3]);

var timer = setTimeout(function () {
  fail('timed out after ' + TIMEOUT_MS + ' ms');
}, TIMEOUT_MS);

process.on('unhandledRejection', function (reason) {
  fail('unhandled rejection', reason);
});
process.on('uncaughtException', function (error) {
  fail('uncaught exception', error);
});

// 'request' (used by the provider) honours HTTP(S)_PROXY; never proxy the service under test
// (UIVeri5's own provider spec does the same for localhost).
(function () {
  var host = url.parse(serviceBaseUrl).hostname;
  if (host) {
    var noProxy = process.env.NO_PROXY || process.env.no_proxy || '';
    if (noProxy !== '*' && noProxy.split(',').map(function (s) { return s.trim(); }).indexOf(host) < 0) {
      process.env.NO_PROXY = noProxy ? noProxy + ',' + host : host;
    }
  }
})();

// ---------------------------------------------------------------------------------------------
// UIVeri5 pieces, resolved from the installed @ui5/uiveri5 package (unmodified)
// ---------------------------------------------------------------------------------------------
var uiveri5PkgJson = require.resolve('@ui5/uiveri5/package.json');
var uiveri5Version = require(uiveri5PkgJson).version;
var uiveri5Dir = path.dirname(uiveri5PkgJson);
var providerPath = require.resolve('@ui5/uiveri5/src/image/remoteStorageProvider.js');
// pngjs is a dependency of @ui5/uiveri5; resolve it from there so hoisting does not matter
var PNG = require(require.resolve('pngjs', {paths: [uiveri5Dir]})).PNG;

var logger = {
  info: function (msg) { process.stderr.write('INFO: ' + msg + '\n'); },
  error: function (msg) { process.stderr.write('ERROR: ' + msg + '\n'); },
  debug: function (msg) { process.stderr.write('DEBUG: ' + msg + '\n'); },
  trace: function (msg) { if (VERBOSE) { process.stderr.write('TRACE: ' + msg + '\n'); } },
  dump: function (msg) { if (VERBOSE) { process.stderr.write('DUMP: ' + msg + '\n'); } }
};

var runtime = {
  platformName: 'linux',
  platformResolution: '1600x1200',
  browserName: 'chrome',
  browserVersion: '*',
  ui5: {theme: 'sap_fiori_3', direction: 'ltr', mode: 'default'}
};

var spec = {
  fullName: 'demo spec',
  name: 'demo',
  lib: 'sap.m',
  branch: 'master',
  testPath: '/x/y/demo.spec.js'
};

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------
function makePng(width, height, rgba) {
  var png = new PNG({width: width, height: height});
  for (var y = 0; y < height; y++) {
    for (var x = 0; x < width; x++) {
      var idx = (width * y + x) << 2;
      // a small pattern so the images are not single-colour: darken every 8th column
      var shade = (x % 8 === 0) ? 0.5 : 1;
      png.data[idx] = Math.round(rgba[0] * shade);
      png.data[idx + 1] = Math.round(rgba[1] * shade);
      png.data[idx + 2] = Math.round(rgba[2] * shade);
      png.data[idx + 3] = rgba[3];
    }
  }
  var buffer = PNG.sync.write(png);
  // sanity: it must decode again
  var decoded = PNG.sync.read(buffer);
  if (decoded.width !== width || decoded.height !== height) {
    throw new Error('generated PNG does not decode to ' + width + 'x' + height);
  }
  return buffer;
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function describeBuffer(buf) {
  if (!Buffer.isBuffer(buf)) {
    return typeof buf + ' ' + JSON.stringify(buf);
  }
  return buf.length + ' bytes, head ' + buf.slice(0, 16).toString('hex');
}

function assertSameBytes(actual, expected, what) {
  assert(Buffer.isBuffer(actual), what + ': expected a Buffer but got ' + describeBuffer(actual));
  assert(actual.equals(expected), what + ': bytes differ (got ' + describeBuffer(actual) +
    ', expected ' + describeBuffer(expected) + ')');
}

function httpGet(target) {
  return new Promise(function (resolve, reject) {
    var client = target.indexOf('https:') === 0 ? https : http;
    var req = client.get(target, function (res) {
      var chunks = [];
      res.on('data', function (c) { chunks.push(c); });
      res.on('end', function () {
        resolve({status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks)});
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function readLnk(file) {
  assert(fs.existsSync(file), 'lnk file was not written: ' + file);
  return fs.readFileSync(file, 'utf-8');
}

var UUID_RE = /^\w+$/; // the provider reads lnk files with /(uuid=)(\w+)/, so anything else gets truncated

function checkUuid(uuid, what) {
  assert(typeof uuid === 'string' && UUID_RE.test(uuid),
    what + ' uuid must be a non-empty string of [A-Za-z0-9_] (UIVeri5 parses lnk files with /(uuid=)(\\w+)/), got: ' +
    JSON.stringify(uuid));
}

function uuidFromUrl(imageUrl, what) {
  var prefix = serviceBaseUrl + '/images/';
  assert(typeof imageUrl === 'string' && imageUrl.indexOf(prefix) === 0,
    what + ' URL ' + JSON.stringify(imageUrl) + ' does not start with ' + prefix);
  var uuid = imageUrl.substring(prefix.length);
  checkUuid(uuid, what);
  return uuid;
}

// ---------------------------------------------------------------------------------------------
// the round trip
// ---------------------------------------------------------------------------------------------
function run() {
  logger.info('UIVeri5 ' + uiveri5Version + ', provider ' + providerPath);
  logger.info('service ' + serviceBaseUrl + ', workDir ' + workDir);

  var refPng = makePng(64, 32, [220, 30, 30, 255]);   // red
  var actPng = makePng(64, 32, [30, 180, 30, 255]);   // green
  var diffPng = makePng(64, 32, [255, 0, 255, 255]);  // magenta
  assert(!refPng.equals(actPng) && !actPng.equals(diffPng) && !refPng.equals(diffPng), 'test PNGs must differ');

  var createProvider = require(providerPath);
  var provider = createProvider({}, {
    refImagesRoot: workDir,
    imageStorageUrl: serviceBaseUrl,
    username: username,
    password: password
  }, logger, runtime);
  provider.onBeforeEachSpec(spec);

  var lnkDir = path.join(workDir, 'images', spec.name, runtime.platformName, runtime.platformResolution,
    runtime.browserName, runtime.ui5.theme, runtime.ui5.direction, runtime.ui5.mode);
  var shotLnk = path.join(lnkDir, 'shot.ref.lnk');
  var shot2Lnk = path.join(lnkDir, 'shot2.ref.lnk');
  // the provider's own idea of the paths must match the documented layout
  assert(provider._getLnkFilePath('.ref.lnk', 'shot') === shotLnk.replace(/\\/g, '/'),
    'provider lnk path ' + provider._getLnkFilePath('.ref.lnk', 'shot') + ' != expected ' + shotLnk);

  // make step (a) meaningful on re-runs: drop lnk files left by an earlier run
  [shotLnk, shot2Lnk].forEach(function (f) {
    if (fs.existsSync(f)) {
      logger.info('removing lnk file from an earlier run: ' + f);
      fs.unlinkSync(f);
    }
  });

  var result = {ok: true};

  // (a) nothing stored yet -> null
  return Promise.resolve(provider.readRefImage('shot')).then(function (res) {
    assert(res === null, '(a) readRefImage before store must resolve null, got ' + JSON.stringify(res));
    logger.info('(a) readRefImage(shot) before store -> null: OK');

    // (b) store ref
    return provider.storeRefImage('shot', refPng);
  }).then(function (res) {
    assert(res && typeof res.refImageUrl === 'string', '(b) storeRefImage must resolve {refImageUrl}, got ' +
      JSON.stringify(res));
    var refUuid = uuidFromUrl(res.refImageUrl, '(b) ref');
    var lnk = readLnk(shotLnk);
    assert(lnk === 'uuid=' + refUuid, '(b) ' + shotLnk + ' must contain "uuid=' + refUuid + '", has ' +
      JSON.stringify(lnk));
    result.refUuid = refUuid;
    logger.info('(b) storeRefImage(shot) -> ' + res.refImageUrl + ', lnk ok: OK');

    // (c) read it back through the provider
    return provider.readRefImage('shot');
  }).then(function (res) {
    assert(res && res.refImageBuffer, '(c) readRefImage after store must resolve a result, got ' + JSON.stringify(res));
    assertSameBytes(res.refImageBuffer, refPng, '(c) readRefImage(shot).refImageBuffer');
    assert(res.refImageUrl === serviceBaseUrl + '/images/' + result.refUuid,
      '(c) refImageUrl ' + res.refImageUrl + ' unexpected');
    logger.info('(c) readRefImage(shot) returns the stored bytes: OK');

    // (d) first give shot2 a reference, so that the lnk update is observable
    return provider.storeRefImage('shot2', refPng);
  }).then(function (res) {
    var shot2RefUuid = uuidFromUrl(res.refImageUrl, '(d) shot2 initial ref');
    assert(readLnk(shot2Lnk) === 'uuid=' + shot2RefUuid, '(d) initial shot2 lnk wrong');
    return provider.storeRefActDiffImage('shot2', actPng, diffPng, true);
  }).then(function (res) {
    assert(res && res.refImageUrl && res.actImageUrl && res.diffImageUrl,
      '(d) storeRefActDiffImage must resolve {refImageUrl, actImageUrl, diffImageUrl}, got ' + JSON.stringify(res));
    var actUuid = uuidFromUrl(res.actImageUrl, '(d) act');
    var diffUuid = uuidFromUrl(res.diffImageUrl, '(d) diff');
    assert(res.refImageUrl === res.actImageUrl, '(d) refImageUrl must equal actImageUrl when updating the ref');
    assert(actUuid !== diffUuid, '(d) act and diff are different images but got the same uuid ' + actUuid);
    assert(actUuid !== result.refUuid, '(d) act and ref are different images but got the same uuid ' + actUuid);
    var lnk = readLnk(shot2Lnk);
    assert(lnk === 'uuid=' + actUuid, '(d) ' + shot2Lnk + ' must be updated to "uuid=' + actUuid + '", has ' +
      JSON.stringify(lnk));
    // ref for 'shot' must be untouched
    assert(readLnk(shotLnk) === 'uuid=' + result.refUuid, '(d) shot lnk must not change');
    result.actUuid = actUuid;
    result.diffUuid = diffUuid;
    return Promise.all([httpGet(res.actImageUrl), httpGet(res.diffImageUrl)]).then(function (got) {
      assert(got[0].status === 200, '(d) GET ' + res.actImageUrl + ' -> HTTP ' + got[0].status);
      assert(got[1].status === 200, '(d) GET ' + res.diffImageUrl + ' -> HTTP ' + got[1].status);
      assertSameBytes(got[0].body, actPng, '(d) GET act image');
      assertSameBytes(got[1].body, diffPng, '(d) GET diff image');
      logger.info('(d) storeRefActDiffImage(shot2) -> act ' + actUuid + ', diff ' + diffUuid +
        ', GETs and lnk update ok: OK');
    });
  }).then(function () {
    // (e) shot2's reference is now the actual image
    return provider.readRefImage('shot2');
  }).then(function (res) {
    assert(res && res.refImageBuffer, '(e) readRefImage(shot2) must resolve a result, got ' + JSON.stringify(res));
    assertSameBytes(res.refImageBuffer, actPng, '(e) readRefImage(shot2).refImageBuffer');
    logger.info('(e) readRefImage(shot2) returns the act bytes: OK');

    result.lnkFiles = [shotLnk, shot2Lnk];
    return result;
  });
}

var started;
try {
  started = run();
} catch (e) {
  fail(e.message, VERBOSE ? e : undefined);
}
started.then(function (result) {
  clearTimeout(timer);
  process.stdout.write(JSON.stringify({
    ok: true,
    refUuid: result.refUuid,
    actUuid: result.actUuid,
    diffUuid: result.diffUuid,
    lnkFiles: result.lnkFiles
  }) + '\n', function () {
    process.exit(0);
  });
}, function (error) {
  fail(error && error.message ? error.message : String(error), VERBOSE ? error : undefined);
});
