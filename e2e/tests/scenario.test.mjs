// A partner's path through the application: dashboard total, filtered list, one operation, a new
// financing line, the dashboard total again; then the map of the territory.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, signIn, visit } from '../lib/browser.js';
import { startServer } from '../lib/server.js';

const GRANTED_EUROS = 100_000;

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function totalGrantedCents(page) {
  await visit(page, `${server.baseUrl}/`);
  const total = page.locator('data#total-accorde');
  assert.equal(await total.count(), 1, 'the dashboard has no <data id="total-accorde">');
  const value = await total.getAttribute('value');
  assert.match(value ?? '', /^\d+$/, `#total-accorde value is not a number of cents: ${value}`);
  const cents = Number(value);
  assert.ok(Number.isSafeInteger(cents), `#total-accorde value is too large: ${value}`);
  return cents;
}

/** "100 000,00 €" → 100000 */
function parseEuros(text) {
  return Number(text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.'));
}

// The financing rows, leaving out the "nothing recorded" row.
const financingRows = (page) => page.locator('table#financement tbody tr:has(td a)');

describe('programme steering', () => {
  it('a granted financing line raises the dashboard total by its amount', { timeout: 180_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const before = await totalGrantedCents(page);

      await visit(page, `${server.baseUrl}/operations`);
      const options = await page.locator('select#cite option').evaluateAll((list) =>
        list.map((o) => ({ value: o.value, label: o.textContent.trim() })),
      );
      const barrois = options.filter((o) => o.value && o.label.includes('Barrois'));
      assert.equal(barrois.length, 1, `expected one cité option with "Barrois", got ${JSON.stringify(barrois)}`);
      await page.selectOption('select#cite', barrois[0].value);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Filtrer' }).click()]);
      const rows = page.locator('table.data tbody tr');
      assert.equal(await rows.count(), 1, `expected one operation in cité ${barrois[0].label}`);
      await Promise.all([page.waitForNavigation(), rows.first().locator('a').first().click()]);
      const operationPath = new URL(page.url()).pathname;
      assert.match(operationPath, /^\/operations\/\d+$/);

      if ((await page.locator('form #funder_id').count()) === 0) {
        await signIn(page, server.baseUrl, server, operationPath);
      }
      assert.equal(new URL(page.url()).pathname, operationPath, 'sign-in did not come back to the operation');
      const form = page.locator(`form[action="${operationPath}/financements"]`);
      assert.equal(await form.count(), 1, 'the signed-in admin sees no financing form');
      const panel = page.locator('details.form-panel', { has: form });
      if (!(await panel.evaluate((d) => d.open))) await panel.locator('summary').click();

      const linesBefore = await financingRows(page).count();
      const funder = await form.locator('#funder_id option').evaluateAll((list) =>
        list.filter((o) => o.value).map((o) => ({ value: o.value, label: o.textContent.trim() }))[0],
      );
      assert.ok(funder, 'the funder list is empty');
      await form.locator('#funder_id').selectOption(funder.value);
      await form.locator('#year').fill('2024');
      await form.locator('#state').selectOption('granted');
      await form.locator('#granted').fill(String(GRANTED_EUROS));
      // A granted line must cite the decision that granted it.
      await form.locator('#decision_ref').fill('Commission permanente 2024-e2e');
      await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);

      const alerts = await page.locator('[role=alert], .field-error').allTextContents();
      assert.deepEqual(alerts, [], 'the financing line was refused');
      assert.equal(new URL(page.url()).pathname, operationPath);
      assert.equal(await financingRows(page).count(), linesBefore + 1, 'no new row in the financing table');
      const added = await financingRows(page).evaluateAll((rows) =>
        rows.map((r) => [...r.cells].map((c) => c.textContent.trim())),
      );
      const match = added.filter(
        (cells) => cells[0] === funder.label && cells[2] === '2024' && parseEuros(cells[5]) === GRANTED_EUROS,
      );
      assert.equal(match.length, 1, `no row for ${funder.label}, 2024, ${GRANTED_EUROS} € granted in ${JSON.stringify(added)}`);

      const afterTotal = await totalGrantedCents(page);
      assert.equal(afterTotal - before, GRANTED_EUROS * 100, 'the dashboard total moved by another amount');
    } finally {
      await context.close();
    }
  });

  it('the territory map draws the 8 EPCIs', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await visit(page, `${server.baseUrl}/territoires`);
      const paths = page.locator('#carte svg g.map-fill path');
      assert.equal(await paths.count(), 8, 'expected 8 EPCI shapes in #carte svg g.map-fill');
      const titles = await paths.evaluateAll((list) =>
        list.map((p) => p.querySelector(':scope > title')?.textContent.trim() ?? ''),
      );
      assert.ok(titles.every((t) => t.length > 0), `every EPCI shape needs a <title>: ${JSON.stringify(titles)}`);
    } finally {
      await context.close();
    }
  });
});
