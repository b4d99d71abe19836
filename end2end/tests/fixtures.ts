import { test as base, expect, Page } from "@playwright/test";
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
  // crates.io-style axe fixture: WCAG 2.1 A/AA, zero violations allowed.
  // axe is JavaScript and cannot run in a JS-disabled page, so the no-JS
  // project audits the same URL (same cookies) in a context that blocks our
  // wasm and JS: the server-rendered page a citizen without JavaScript gets.
  audit: async ({ browser, javaScriptEnabled }, use) => {
    await use(async (page: Page) => {
      if (javaScriptEnabled !== false) {
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

/** Waits until the wasm has hydrated the page (no-op without JavaScript). */
export async function ready(page: Page, hydrated: boolean) {
  await page.waitForLoadState("load");
  if (hydrated) {
    await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 15_000 });
  }
}

export { expect };
