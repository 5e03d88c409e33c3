// Renders the asynction docs page in real headless Chromium and reports what happened.
//
// Usage: node chromium-docs.mjs URL SCREENSHOT_DIR
// Prints one JSON line: { title, status, consoleErrors, pageErrors, dialogs, requests, failedRequests,
// overflow: { desktop, phone }, screenshots: [paths] }. Exits non-zero only when the browser
// itself could not be driven; the Rust test judges the report.
import { chromium } from "playwright-core";
import path from "node:path";

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error("usage: node chromium-docs.mjs URL SCREENSHOT_DIR");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  headless: true,
  timeout: 60_000,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

const report = {
  title: null,
  status: null,
  consoleErrors: [],
  pageErrors: [],
  dialogs: [],
  requests: [],
  failedRequests: [],
  overflow: {},
  screenshots: [],
};

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") report.consoleErrors.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => report.pageErrors.push(String(err)));
  // An alert() would mean script from the document ran.
  page.on("dialog", async (dialog) => {
    report.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on("request", (req) => report.requests.push({ url: req.url(), type: req.resourceType() }));
  page.on("requestfailed", (req) => report.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));

  const response = await page.goto(url, { waitUntil: "networkidle", timeout: 30_000 });
  report.status = response ? response.status() : null;
  report.title = await page.title();

  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const shot = async (name) => {
    const file = path.join(outDir, name);
    await page.screenshot({ path: file, fullPage: false });
    report.screenshots.push(file);
  };

  report.overflow.desktop = await overflow();
  await shot("docs-screenshot.png");

  await page.setViewportSize({ width: 390, height: 844 });
  report.overflow.phone = await overflow();
  await shot("docs-screenshot-phone.png");
  // Further down on the phone: an event with its payload tree (the second, when there is one).
  await page.evaluate(() => {
    const events = document.querySelectorAll(".event");
    (events[1] || events[0])?.scrollIntoView();
  });
  await shot("docs-screenshot-phone-events.png");

  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => document.querySelector(".event")?.scrollIntoView());
  await shot("docs-screenshot-dark.png");
  // Give late requests (there should be none) a moment to show up.
  await page.waitForTimeout(300);
} finally {
  await browser.close();
}

console.log(JSON.stringify(report));
