// Debian's chromium, driven by playwright-core (no browser download): headless, sandbox off
// (CI runs as root), no GPU, no network but loopback.
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.ECOM_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-extensions', '--no-first-run'],
  });
}
