// Drives the docs console in real headless Chromium, as a person would (by roles and labels),
// and reports what the page showed. Usage: node chromium-console.mjs URL MODE
//   MODE full    — the console.yaml document served by the mock (periodic `tick` events):
//                  public and secured namespaces, valid/invalid/send-anyway, server events;
//   MODE server  — the same document served by a real asynction server (no periodic events);
//   MODE absent  — a page that must have no console;
//   MODE hostile — a hostile document: load, reveal, connect; nothing may execute.
// Prints one JSON line; exits non-zero only when the browser could not be driven.
import { chromium } from "playwright-core";

const [url, mode] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  headless: true,
  timeout: 60_000,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const report = { consoleErrors: [], pageErrors: [], dialogs: [], requests: [], steps: {} };
const step = (name, value) => (report.steps[name] = value);

try {
  const page = await browser.newPage();
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && report.consoleErrors.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => report.pageErrors.push(String(e)));
  page.on("dialog", async (d) => { report.dialogs.push(d.message()); await d.dismiss(); });
  page.on("request", (r) => report.requests.push(r.url()));
  page.on("websocket", (ws) => report.requests.push(ws.url()));
  await page.goto(url, { waitUntil: "networkidle", timeout: 30_000 });

  const regions = page.locator("section.console");
  step("regions", await regions.count());
  step("visibleRegions", await page.locator("section.console:not([hidden])").count());
  if (mode === "absent") throw "done";

  const state = (region) => region.locator(".console-state");
  const waitState = async (region, re) => {
    await page.waitForFunction(([sel, src]) => new RegExp(src).test(document.querySelector(sel)?.textContent || ""), [`section.console[aria-label="${await region.getAttribute("aria-label")}"] .console-state`, re.source], { timeout: 10_000 });
    return state(region).textContent();
  };

  if (mode === "hostile") {
    // The docs alone (no Socket.IO server): reveal, read the checks' notes, try a send.
    const first = regions.first();
    const form = first.locator("form.console-send").first();
    if (await form.count()) {
      await form.locator("textarea").fill('"<img src=x onerror=alert(1)>"');
      step("hostileSendDisabled", await form.getByRole("button", { name: "Send", exact: true }).isDisabled());
    }
    await page.waitForTimeout(500);
    throw "done";
  }

  const pub = page.getByRole("region", { name: "Console /", exact: true });
  await pub.getByRole("button", { name: "Connect", exact: true }).click();
  step("publicConnected", await waitState(pub, /^Connected/));

  const say = pub.getByRole("form", { name: /say/ });
  step("prefilled", await say.getByLabel("Payload").inputValue());
  await say.getByRole("button", { name: "Send", exact: true }).click();
  await say.locator(".ack .mark").waitFor({ timeout: 10_000 });
  step("validAckMark", await say.locator(".ack .mark").textContent());

  await say.getByLabel("Payload").fill('{"text": ""}');
  await say.getByRole("button", { name: "Send", exact: true }).click();
  await say.locator(".violations li").first().waitFor({ timeout: 5_000 });
  step("inPageViolations", await say.locator(".violations li").allTextContents());
  await say.getByRole("button", { name: "Send anyway" }).click();
  await page.waitForFunction(() => /invalid_payload/.test(document.querySelector('form[aria-label="Send say"] .ack')?.textContent || ""), null, { timeout: 10_000 });
  step("anywayAckMark", await say.locator(".ack .mark").textContent());
  step("anywayAck", await say.locator(".ack pre").textContent());

  await say.getByLabel("Payload").fill("{not json");
  await say.getByRole("button", { name: "Send", exact: true }).click();
  step("badJson", await say.locator(".violations").textContent());

  if (mode === "full") {
    await page.waitForFunction(() => [...document.querySelectorAll('ol[aria-label="Log /"] li')].some((li) => li.querySelector(".log-event")?.textContent === "tick"), null, { timeout: 10_000 });
    const tick = pub.getByRole("log").locator("li").filter({ has: page.locator(".log-event", { hasText: "tick" }) }).first();
    step("serverEventMark", await tick.locator(".mark").textContent());
  }

  const support = page.getByRole("region", { name: "Console /support" });
  await support.getByRole("button", { name: "Connect", exact: true }).click();
  step("refusedWithoutToken", await waitState(support, /^Refused/));
  await support.getByLabel("token").fill("t0ken");
  await support.getByRole("button", { name: "Connect", exact: true }).click();
  step("supportConnected", await waitState(support, /^Connected/));
  const ticket = support.getByRole("form", { name: /open ticket/ });
  await ticket.getByLabel("Payload").fill('{"subject": "printer on fire", "priority": "high"}');
  await ticket.getByRole("button", { name: "Send", exact: true }).click();
  await ticket.locator(".ack .mark").waitFor({ timeout: 10_000 });
  step("ticketAckMark", await ticket.locator(".ack .mark").textContent());
  // Keyboard: the Connect button is reachable and shows focus.
  await support.getByLabel("token").focus();
  await page.keyboard.press("Tab");
  step("tabbedTo", await page.evaluate(() => document.activeElement.textContent));
  step("focusOutline", await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle));
} catch (e) {
  if (e !== "done") report.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
