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

// For each "<a.png> <b.png> <diff.png> <threshold> <includeAA>" line on standard input, runs
// pixelmatch with its defaults otherwise (pngjs decodes and encodes) and prints one line:
// the mismatched pixel count. The diff picture is written for the test to compare.
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pixelmatch from 'pixelmatch';
import pngjs from 'pngjs';

const { PNG } = pngjs;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const [a, b, out, threshold, includeAA] = line.split('\t');
  const imgA = PNG.sync.read(readFileSync(a));
  const imgB = PNG.sync.read(readFileSync(b));
  const diff = new PNG({ width: imgA.width, height: imgA.height });
  const count = pixelmatch(imgA.data, imgB.data, diff.data, imgA.width, imgA.height, {
    threshold: Number(threshold),
    includeAA: includeAA === 'true',
  });
  writeFileSync(out, PNG.sync.write(diff));
  console.log(count);
}
