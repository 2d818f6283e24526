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

// Starts a real image service for the browser tests (src/test/ui, imagestore-service/src/test/
// admin-ui): a throwaway data directory, accounts with random passwords, `serve --port 0`.
// Node built-ins only, so each test directory can import it without a package of its own.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/** The environment without IMAGESTORE_*: a developer's settings must not reach the service. */
export function serviceEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IMAGESTORE_')));
}

export const randomPassword = () => [...crypto.getRandomValues(new Uint8Array(16))]
    .map(b => b.toString(16).padStart(2, '0')).join('');

/**
 * @param {{java: string, jar: string, accounts: [string, string][], prefix: string}} options
 *     accounts: [name, role] pairs
 * @returns {Promise<{url: string, passwords: Record<string, string>, stop: () => Promise<void>}>}
 */
export async function startService({java, jar, accounts, prefix}) {
  const data = mkdtempSync(join(tmpdir(), prefix));
  const passwords = {};
  for (const [name, role] of accounts) {
    passwords[name] = randomPassword();
    const add = spawnSync(java, ['-jar', jar, 'user', 'add', name, '--role', role, '--data', data],
        {input: `${passwords[name]}\n`, env: serviceEnv(), encoding: 'utf8'});
    assert.equal(add.status, 0, `user add ${name} failed: ${add.stderr}${add.stdout}`);
  }
  const child = spawn(java, ['-jar', jar, 'serve', '--port', '0', '--data', data],
      {env: serviceEnv(), stdio: ['ignore', 'pipe', 'pipe']});
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start in 30 s:\n${log}`)), 30_000);
    const onData = chunk => {
      log += chunk;
      const match = log.match(/imagestore listening on (\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].endsWith('/') ? match[1] : `${match[1]}/`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', code => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}):\n${log}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(data, {recursive: true, force: true});
  };
  return {url, passwords, stop};
}
