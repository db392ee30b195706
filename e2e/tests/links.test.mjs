// Every internal link leads somewhere: starting from the pages of the main navigation, follow
// each same-origin link once, as a visitor and as a signed-in administrator, and fail listing
// every link that answered 404 or 5xx with the page it was found on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, signIn } from '../lib/browser.js';
import { startServer } from '../lib/server.js';

/** Distinct pages fetched per crawl, at most. */
const MAX_PAGES = 2_000;
/** Requests in flight at once. */
const CONCURRENCY = 4;
/**
 * Query parameters that only re-order, page or return: two links differing by them alone are
 * one page for the crawl. Filters (`?action=`, `?commune=`, …) stay: each filter link is checked.
 */
const IGNORED_PARAMS = new Set(['sort', 'page', 'next']);
/** Links that act rather than show (sign-out is a POST form; these are here in case of a link). */
const SKIPPED_PATHS = new Set(['/deconnexion']);
/** Pages named for each broken link. */
const REFERRERS_SHOWN = 3;

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

function decodeEntities(text) {
  return text
    .replace(/&#x2F;|&#47;/gi, '/')
    .replace(/&#39;|&#x27;/gi, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The `href`s of an HTML (or inline SVG) text, as written. */
function hrefs(html) {
  return [...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
}

/** The same-origin URL a link leads to, without its fragment; null for what the crawl leaves. */
function internal(href, baseUrl) {
  if (!href.startsWith('/') || href.startsWith('//')) return null;
  const url = new URL(href, baseUrl);
  url.hash = '';
  if (SKIPPED_PATHS.has(url.pathname)) return null;
  return url;
}

/** What makes two URLs one page for the crawl: the path and the filters, sorted. */
function crawlKey(url) {
  const params = [...url.searchParams.entries()]
    .filter(([name]) => !IGNORED_PARAMS.has(name))
    .sort(([a, av], [b, bv]) => a.localeCompare(b) || av.localeCompare(bv));
  const query = new URLSearchParams(params).toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/** Fetches every page reachable from `starts` with `request` (a context's, for its cookies). */
async function crawl(request, baseUrl, starts) {
  const seen = new Map(); // key → the first pages the link was found on
  const queue = [];
  const broken = [];
  let fetched = 0;
  let left = 0; // links not fetched because of MAX_PAGES

  const enqueue = (url, from) => {
    const key = crawlKey(url);
    const pages = seen.get(key);
    if (pages) {
      if (pages.length < REFERRERS_SHOWN) pages.push(from);
      return;
    }
    if (seen.size >= MAX_PAGES) {
      left += 1;
      return;
    }
    seen.set(key, [from]);
    queue.push({ url: url.href, key });
  };
  for (const start of starts) enqueue(new URL(start, baseUrl), '(navigation)');

  const worker = async () => {
    while (queue.length > 0) {
      const { url, key } = queue.shift();
      const response = await request.get(url, { failOnStatusCode: false, maxRedirects: 10 });
      fetched += 1;
      const status = response.status();
      if (status === 404 || status >= 500) {
        broken.push({ status, url, key });
        continue;
      }
      const type = response.headers()['content-type'] ?? '';
      if (!type.startsWith('text/html')) continue;
      const page = new URL(response.url());
      for (const href of hrefs(await response.text())) {
        const target = internal(href, baseUrl);
        if (target) enqueue(target, `${page.pathname}${page.search}`);
      }
    }
  };
  // Workers stop when the queue is empty; start again while pages found meanwhile remain.
  while (queue.length > 0) {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }
  // Read after the crawl, when every page that links to a broken one has been seen.
  const described = broken.map(({ status, url, key }) => {
    const target = new URL(url);
    return `${status} ${target.pathname}${target.search} (found on ${seen.get(key).join(', ')})`;
  });
  return { fetched, broken: described, left };
}

/** The pages the main navigation offers, read from the home page. */
async function navigation(request, baseUrl) {
  const home = await request.get(`${baseUrl}/`);
  assert.equal(home.status(), 200, 'the home page does not answer 200');
  const html = await home.text();
  const nav = html.match(/<nav aria-label="Navigation principale">([\s\S]*?)<\/nav>/);
  assert.ok(nav, 'the home page has no main navigation');
  const links = hrefs(nav[1]).filter((h) => internal(h, baseUrl));
  assert.ok(links.length >= 5, `the main navigation has only ${links.length} links`);
  return ['/', ...links];
}

async function checkLinks(context) {
  const starts = await navigation(context.request, server.baseUrl);
  const { fetched, broken, left } = await crawl(context.request, server.baseUrl, starts);
  assert.ok(fetched >= 100, `only ${fetched} pages reached from the navigation`);
  assert.deepEqual(broken, [], `${broken.length} broken links among ${fetched} pages:\n${broken.join('\n')}`);
  return { fetched, left };
}

describe('internal links', () => {
  it('lead to a page for a visitor', { timeout: 900_000 }, async () => {
    const context = await browser.newContext();
    try {
      const { fetched, left } = await checkLinks(context);
      console.log(`visitor: ${fetched} pages fetched, ${left} links beyond the cap of ${MAX_PAGES}`);
    } finally {
      await context.close();
    }
  });

  it('lead to a page for a signed-in administrator', { timeout: 900_000 }, async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, server.baseUrl, server, '/');
      await page.close();
      const { fetched, left } = await checkLinks(context);
      const home = await (await context.request.get(`${server.baseUrl}/`)).text();
      assert.ok(home.includes('action="/deconnexion"'), 'the administrator was signed out during the crawl');
      console.log(`administrator: ${fetched} pages fetched, ${left} links beyond the cap of ${MAX_PAGES}`);
    } finally {
      await context.close();
    }
  });
});
