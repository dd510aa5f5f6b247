/**
 * A real browser for tests: Debian's `chromium` package driven by playwright-core (no browser download), and
 * axe-core checks injected into pages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where the browser is: `NOSANA_CHROMIUM`, else Debian's package. */
export const CHROMIUM_PATH = process.env.NOSANA_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium; a clear error when it is not installed (`scripts/lib.sh` installs it). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install chromium; bash scripts/test does) or set NOSANA_CHROMIUM`,
    );
  }
  // The sandbox needs user namespaces, which CI containers running as root often lack.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** An axe-core violation, reduced to what a failing test should print. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core's WCAG 2 A/AA rules (contrast, labels, names, landmarks…) on the page as it is now.
 * Evaluated through the DevTools protocol, so the page's content policy (no inline scripts) stays on.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  // Browser-side code as a string: this package is type-checked without the DOM library.
  return page.evaluate(`(async () => {
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => String(n.target[0])),
    }));
  })()`) as Promise<AxeViolation[]>;
}
