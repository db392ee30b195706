// Starts the real `renouveau` binary on a throw-away SQLite database with the demo programme
// (which brings the open territorial data the binary embeds) and one admin account, and stops it
// afterwards.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ADMIN_EMAIL = 'admin@erbm.test';

function binary() {
  const bin = process.env.RENOUVEAU_BIN;
  if (!bin) {
    throw new Error(
      'RENOUVEAU_BIN is not set: build with `cargo build --release -p renouveau-cli` and set it ' +
        'to $CARGO_TARGET_DIR/release/renouveau (.ci/run does both)',
    );
  }
  if (!existsSync(bin)) throw new Error(`RENOUVEAU_BIN=${bin} does not exist: build it first`);
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function cli(bin, database, args) {
  try {
    await run(bin, ['--database', database, ...args], { timeout: 120_000 });
  } catch (e) {
    throw new Error(`renouveau ${args.join(' ')} failed (${e.code ?? e.signal}):\n${e.stderr}${e.stdout}`);
  }
}

/**
 * Returns { baseUrl, email, password, logs(), stop() }.
 */
export async function startServer() {
  const bin = binary();
  const dir = await mkdtemp(path.join(tmpdir(), 'renouveau-e2e-'));
  const database = `sqlite://${path.join(dir, 'e2e.db')}`;
  const password = randomBytes(18).toString('base64url');

  // `user add` needs the organisation, which the demo programme brings: load it first.
  await cli(bin, database, ['init', '--demo']);
  await cli(bin, database, [
    // `--password=…` in one word: a random password may start with `-`, which would read as a flag.
    'user', 'add', '--email', ADMIN_EMAIL, '--org', 'Région', '--role', 'admin', `--password=${password}`,
  ]);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    ['--database', database, 'serve', '--demo', '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`renouveau serve stopped before answering /healthz:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`renouveau serve did not answer /healthz with 200 within 60 s:\n${output}`);
    }
    try {
      ready = (await fetch(`${baseUrl}/healthz`)).status === 200;
    } catch {
      // not listening yet
    }
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }

  return { baseUrl, email: ADMIN_EMAIL, password, logs: () => output, stop };
}
