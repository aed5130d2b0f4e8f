import { existsSync } from 'node:fs';

/** Debian's Chromium, driven by playwright-core (nothing downloads a browser). */
export const kChromium = '/usr/bin/chromium';

/** Headless, and quiet on a machine without a network: no background requests, updates or sync. */
export const kChromiumArgs: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** True when a browser test must run: in CI always (a missing Chromium then fails it), elsewhere when Chromium is installed. */
export function haveChromium(): boolean {
  return existsSync(kChromium) || Boolean(process.env.CI);
}
