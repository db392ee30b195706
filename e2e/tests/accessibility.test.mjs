// axe-core on every main page: no serious or critical violation, and every page answers 200.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { blockingViolations } from '../lib/axe.js';
import { launchBrowser, signIn, visit } from '../lib/browser.js';
import { startServer } from '../lib/server.js';

const PAGES = [
  '/',
  '/operations',
  'operation', // the first operation of the list, found at run time
  '/conventions',
  '/territoires',
  '/partenaires',
  '/financements',
  '/indicateurs',
  '/connexion',
];

let server;
let browser;
let context;
let operationPath;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // axe is injected as an inline script, which the pages' CSP forbids.
  context = await browser.newContext({ bypassCSP: true });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

async function check(path) {
  const page = await context.newPage();
  try {
    await visit(page, `${server.baseUrl}${path}`);
    const violations = await blockingViolations(page);
    assert.deepEqual(violations, [], `${path}: serious or critical accessibility violations:\n${violations.join('\n')}`);
  } finally {
    await page.close();
  }
}

async function firstOperation() {
  const page = await context.newPage();
  try {
    await visit(page, `${server.baseUrl}/operations`);
    const href = await page.locator('table.data tbody tr a[href^="/operations/"]').first().getAttribute('href');
    assert.match(href ?? '', /^\/operations\/\d+$/, 'the operation list has no operation link');
    return href;
  } finally {
    await page.close();
  }
}

for (const signedIn of [false, true]) {
  describe(signedIn ? 'signed in as admin' : 'anonymous visitor', () => {
    if (signedIn) {
      before(async () => {
        const page = await context.newPage();
        await signIn(page, server.baseUrl, server, '/');
        await page.close();
      });
    }
    for (const path of PAGES) {
      if (signedIn && path === '/connexion') continue;
      const name = path === 'operation' ? 'first operation page' : path;
      it(name, { timeout: 60_000 }, async () => {
        if (path === 'operation') {
          operationPath ??= await firstOperation();
          await check(operationPath);
        } else {
          await check(path);
        }
      });
    }
  });
}
