import { test as base, expect, Page, TestInfo } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import AxeBuilder from "@axe-core/playwright";

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** Whether this project runs with JavaScript (hydrated) or without. */
export const test = base.extend<{ hydrated: boolean; audit: (page: Page) => Promise<void> }>({
  hydrated: async ({ javaScriptEnabled }, use) => {
    await use(javaScriptEnabled !== false);
  },
  // Every page of every spec runs under the portal's Content-Security-Policy:
  // anything it blocks (an inline script, a style, the wasm) fails the test.
  page: async ({ page }, use) => {
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await use(page);
    expect(violations, "Content-Security-Policy violations").toEqual([]);
  },
  // crates.io-style axe fixture: WCAG 2.1 A/AA, zero violations allowed.
  // axe is JavaScript and cannot run in a JS-disabled page, so the no-JS
  // project audits the same URL (same cookies) in a context that blocks our
  // wasm and JS: the server-rendered page a citizen without JavaScript gets.
  audit: async ({ browser, javaScriptEnabled }, use) => {
    await use(async (page: Page) => {
      if (javaScriptEnabled !== false) {
        // The page as shown, not one half swapped in by client.js.
        await page.locator("body:not([aria-busy])").waitFor({ state: "attached", timeout: 15_000 });
        expect(await axeViolations(page), "axe violations").toEqual([]);
        return;
      }
      // Playwright Test applies the project options to new contexts: turn JS back on.
      const ctx = await browser.newContext({ javaScriptEnabled: true });
      try {
        await ctx.addCookies(await page.context().cookies());
        await ctx.route("**/pkg/*.{js,wasm}", (route) => route.abort());
        const plain = await ctx.newPage();
        await plain.goto(page.url());
        expect(await axeViolations(plain), "axe violations (server-rendered, no JS)").toEqual([]);
      } finally {
        await ctx.close();
      }
    });
  },
});

/**
 * Waits until the page is shown and its islands hydrated (no-op without
 * JavaScript). A click handled by the navigation script (public/client.js) is no
 * page load: it marks `<body aria-busy>` until the next page is swapped in.
 */
export async function ready(page: Page, hydrated: boolean) {
  await page.waitForLoadState("load");
  if (hydrated) {
    await page.locator("html[data-hydrated] > body:not([aria-busy])").waitFor({ state: "attached", timeout: 15_000 });
  }
}

export { expect };

/**
 * Picks a day in the booking or reschedule picker. Without JavaScript its GET
 * form then shows that day's slots; hydrated, the island shows them by itself
 * (and hides the button).
 */
export async function pickDay(page: Page, hydrated: boolean, group: string, day: RegExp | number) {
  await ready(page, hydrated);
  const days = page.getByRole("group", { name: group });
  await (typeof day === "number" ? days.getByRole("radio").nth(day) : days.getByRole("radio", { name: day })).check();
  if (!hydrated) await page.getByRole("button", { name: "查看可约时段" }).click();
}

/**
 * Waits for a page that may or may not ship wasm (the back office does not),
 * so hydration is awaited only when the page loads the island script.
 */
export async function settled(page: Page, hydrated: boolean) {
  await page.waitForLoadState("load");
  const shipsWasm = (await page.locator("link[href$='.wasm'], link[rel=modulepreload][href*='/pkg/']").count()) > 0;
  await ready(page, hydrated && shipsWasm);
}

/** Back-office pages ship no wasm: there is nothing to hydrate, only the load to wait for. */
export async function staffReady(page: Page) {
  await page.waitForLoadState("load");
}

/** The password serve-for-test.sh gives every staff account it creates. */
export const STAFF_PASSWORD = process.env.E2E_STAFF_PASSWORD ?? "E2e#Passw0rd";

/** Signs a staff member in through the login form and waits for the home page. */
export async function staffLogin(page: Page, username: string, displayName: string) {
  await page.goto("/staff/login");
  await staffReady(page);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码", { exact: true }).fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: `${displayName}，您好` })).toBeVisible();
}

/** Where serve-for-test.sh writes everything the server logs (E2E_SERVER_LOG is relative to end2end/). */
export const SERVER_LOG = path.resolve(__dirname, "..", process.env.E2E_SERVER_LOG ?? "test-results/server.log");

/** A mobile number unique to this project and `n`, masked differently from every other one. */
export function testPhone(testInfo: TestInfo, n: number): { phone: string; masked: string } {
  // First 3 digits by project (they run in parallel), last 4 by test.
  const prefix = testInfo.project.name === "no-js" ? "137" : "139";
  const last4 = String(n).padStart(4, "0");
  return { phone: `${prefix}0000${last4}`, masked: `${prefix}****${last4}` };
}

/** The one-time codes the log SMS sender has "sent" to `masked`, oldest first. */
function codesInLog(masked: string): string[] {
  let text = "";
  try {
    text = fs.readFileSync(SERVER_LOG, "utf8");
  } catch {
    return [];
  }
  const codes: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes(masked)) continue;
    const m = line.match(/验证码(\d{6})/);
    if (m) codes.push(m[1]);
  }
  return codes;
}

/**
 * Waits for the code sent to `masked` (the outbox worker delivers every 500 ms)
 * and returns it. `seen` is how many codes that number had before the request.
 */
export async function codeFromLog(masked: string, seen = 0): Promise<string> {
  let codes: string[] = [];
  await expect
    .poll(() => (codes = codesInLog(masked)).length, {
      message: `an SMS code for ${masked} in ${SERVER_LOG}`,
      timeout: 5_000,
    })
    .toBeGreaterThan(seen);
  return codes[codes.length - 1];
}

/** How many codes `masked` has received so far. */
export function codeCount(masked: string): number {
  return codesInLog(masked).length;
}

/** Today in Asia/Shanghai (UTC+8, no DST), as YYYY-MM-DD. */
export function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Signs a citizen in on 我的 with the SMS code read from the server log. */
export async function citizenSignIn(page: Page, hydrated: boolean, phone: string, masked: string) {
  await page.goto("/my");
  await settled(page, hydrated);
  const seen = codeCount(masked);
  await page.getByLabel("手机号码").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  const code = await codeFromLog(masked, seen);
  await page.getByLabel("短信验证码（6位数字）").fill(code);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByText(`已登录：${masked}`)).toBeVisible();
}

/** Waits until the log SMS sender has "sent" `masked` a text containing `words`. */
export async function smsSent(masked: string, words: string) {
  await expect
    .poll(
      () => {
        try {
          return fs
            .readFileSync(SERVER_LOG, "utf8")
            .split("\n")
            .some((line) => line.includes(masked) && line.includes(words));
        } catch {
          return false;
        }
      },
      { message: `an SMS to ${masked} saying ${words}`, timeout: 5_000 },
    )
    .toBe(true);
}

export const WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/** A center admin's weekly window, added through /staff/schedule (admin signed in). */
export async function addWindow(
  page: Page,
  center: { code: string; name: string },
  w: { days: string[]; start: string; end: string; minutes: number; capacity: number },
) {
  await page.goto(`/staff/schedule?code=${center.code}`);
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: `延时时段：${center.name}` })).toBeVisible();
  for (const day of w.days) {
    await page.getByLabel(day, { exact: true }).check();
  }
  await page.getByLabel("开始时间（如 12:00）").fill(w.start);
  await page.getByLabel("结束时间（如 14:30）").fill(w.end);
  await page.getByLabel("每个时段（分钟）").fill(String(w.minutes));
  await page.getByLabel("每个时段可接待人数").fill(String(w.capacity));
  await page.getByRole("button", { name: "增加", exact: true }).click();
  await expect(page.getByText("延时时段已更新。")).toBeVisible();
  await expect(page.getByRole("cell", { name: `${w.start}-${w.end}` }).first()).toBeVisible();
}
