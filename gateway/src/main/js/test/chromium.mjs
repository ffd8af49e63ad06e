// Shared by the browser tests (test/browser, test/cookie-demo): Debian's Chromium, headless, through playwright-core.
import { chromium } from 'playwright-core';

/** Launches the browser at `executablePath`. */
export function launchChromium(executablePath) {
  // The background-networking flags keep Chromium from calling home, which hangs it on a closed network.
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
