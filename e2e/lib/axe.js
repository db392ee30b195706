// Runs axe-core inside a page and keeps the violations that block users.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

const BLOCKING = new Set(['serious', 'critical']);

/** The serious and critical violations of the current page, one line per element. */
export async function blockingViolations(page) {
  // The pages forbid inline scripts; the context must be created with bypassCSP for this to run.
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ impact: n.impact, target: n.target.join(' '), html: n.html })),
    }));
  });
  const lines = [];
  for (const v of violations) {
    for (const node of v.nodes) {
      const impact = node.impact ?? v.impact;
      if (!BLOCKING.has(impact)) continue;
      const html = node.html.replace(/\s+/g, ' ').slice(0, 160);
      lines.push(`${v.id} [${impact}] ${node.target} — ${v.help}\n    ${html}`);
    }
  }
  return lines;
}
