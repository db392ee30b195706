// Debian's chromium, driven by playwright-core (which ships no browser of its own).
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export function chromiumPath() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    'chromium is not on PATH: the browser tests need it; install it as the README says: ' +
      '`sudo apt-get install -y chromium`',
  );
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Goes to `url` and fails unless the answer is 200. */
export async function visit(page, url) {
  const response = await page.goto(url);
  if (!response) throw new Error(`no answer for ${url}`);
  if (response.status() !== 200) {
    throw new Error(`${url} answered ${response.status()} instead of 200`);
  }
  return response;
}

/** Signs in through /connexion and comes back to `returnTo`. */
export async function signIn(page, baseUrl, { email, password }, returnTo) {
  await visit(page, `${baseUrl}/connexion?next=${encodeURIComponent(returnTo)}`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  if (new URL(page.url()).pathname === '/connexion') {
    const alert = await page.locator('[role=alert]').allTextContents();
    throw new Error(`sign-in refused: ${alert.join(' ') || 'no message'}`);
  }
  if (new URL(page.url()).pathname !== new URL(returnTo, baseUrl).pathname) {
    await visit(page, new URL(returnTo, baseUrl).href);
  }
}
