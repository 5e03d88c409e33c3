// The docs page of `asynction mock run --watch` in real headless Chromium: opens it, waits
// until its live-reload stream is open, saves a new version of the document (a new file
// renamed over the old one, as editors do) and waits, at most 20 s, until the page shows
// TEXT, with no reload asked for.
//
// Usage: node chromium-live-reload.mjs URL NEW_DOCUMENT TARGET TEXT
// Prints one JSON line: { shows, navigation, streamOpened, consoleErrors, pageErrors }, where
// navigation is how the page showing TEXT was loaded ("reload": by its own script).
import { chromium } from "playwright-core";
import fs from "node:fs";

const [url, source, target, text] = process.argv.slice(2);
if (!url || !source || !target || !text) {
  console.error("usage: node chromium-live-reload.mjs URL NEW_DOCUMENT TARGET TEXT");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  headless: true,
  timeout: 60_000,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const report = { shows: false, navigation: null, streamOpened: false, consoleErrors: [], pageErrors: [] };
try {
  const page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") report.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => report.pageErrors.push(String(e)));
  const stream = page.waitForResponse((r) => r.url().endsWith("/docs/events"), { timeout: 20_000 });
  await page.goto(url, { waitUntil: "load" });
  await stream;
  report.streamOpened = true;
  const tmp = target + ".saving";
  fs.copyFileSync(source, tmp);
  fs.renameSync(tmp, target);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const seen = await page
      .evaluate(
        (t) => ({
          shows: document.body !== null && document.body.textContent.includes(t),
          navigation: performance.getEntriesByType("navigation")[0]?.type ?? null,
        }),
        text,
      )
      .catch(() => ({ shows: false, navigation: null }));
    Object.assign(report, seen);
    if (report.shows) break;
    await new Promise((r) => setTimeout(r, 100));
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
