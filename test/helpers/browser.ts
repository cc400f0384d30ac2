/**
 * Headless Chromium from Debian's `chromium` package, driven by playwright-core (browser
 * downloads are not possible here, so Playwright never fetches its own build). The flags keep
 * Chromium off the network: without them it tries Google's services at every start and this
 * closed network refuses them (see the machine notes). `.ci/run` installs the package.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--no-sandbox', // tests run as root in CI, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled()) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run "apt-get install -y chromium" (.ci/run does) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Playwright gives every launch a new empty profile of its own (the probe's fresh --user-data-dir).
    args: CHROMIUM_FLAGS,
  });
}
