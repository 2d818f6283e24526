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

// The node side of bench/diff.sh: a long-lived process (so node and its JIT are warm) that runs
// one comparison per request line from DiffBench.java and answers "<ms> <mismatched pixels>",
// timed in here around the whole comparison:
//   pixelmatch     read both files, decode them with pngjs, pixelmatch with its defaults
//                  (threshold 0.1, anti-aliasing detected), encode the diff with pngjs, write it;
//   odiff_server   odiff-bin's node API in server mode (ODiffServer: one odiff process kept
//                  running, a JSON request per comparison), with --antialiasing, threshold 0.1.
// BENCH_NPM_DIR names the directory whose node_modules hold pixelmatch, pngjs and odiff-bin.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';

const npmDir = process.env.BENCH_NPM_DIR;
const require = createRequire(join(npmDir, 'package.json'));
const { PNG } = require('pngjs');
const { ODiffServer } = require('odiff-bin/server.js');
const pixelmatch = (await import(pathToFileURL(join(npmDir, 'node_modules/pixelmatch/index.js')).href)).default;

const odiff = new ODiffServer();

async function run(req) {
  if (req.tool === 'pixelmatch') {
    const t0 = process.hrtime.bigint();
    const a = PNG.sync.read(readFileSync(req.a));
    const b = PNG.sync.read(readFileSync(req.b));
    const { width, height } = a;
    const out = new PNG({ width, height });
    const count = pixelmatch(a.data, b.data, out.data, width, height, { threshold: 0.1 });
    writeFileSync(req.out, PNG.sync.write(out));
    return [Number(process.hrtime.bigint() - t0) / 1e6, count];
  }
  if (req.tool === 'odiff_server') {
    const t0 = process.hrtime.bigint();
    const r = await odiff.compare(req.a, req.b, req.out, { antialiasing: true, threshold: 0.1 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return [ms, r.match ? 0 : (r.diffCount ?? -1)];
  }
  throw new Error('unknown tool ' + req.tool);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    const [ms, count] = await run(JSON.parse(line));
    process.stdout.write(`${ms.toFixed(3)} ${count}\n`);
  } catch (e) {
    process.stdout.write(`error ${String(e.message || e).replace(/\s+/g, ' ')}\n`);
  }
}
// ODiffServer.stop() warns that the server "exited unexpectedly" when it stops it: not so here.
odiff.process?.removeAllListeners('exit');
odiff.stop();
