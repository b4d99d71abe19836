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
  // axe is JavaScript and cannot run in a JS-disabled page; the same URLs are
  // audited in the hydrated project. (Auditing the no-JS rendering in a second
  // context with our scripts blocked timed out; see README, known gaps.)
  audit: async ({ javaScriptEnabled }, use) => {
    await use(async (page: Page) => {
      if (javaScriptEnabled === false) {
        test.info().annotations.push({ type: "axe", description: "audited in the hydrated project" });
        return;
      }
      expect(await axeViolations(page), "axe violations").toEqual([]);
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
