import { test, expect, settled } from "./fixtures";

// Script payloads in every place a public URL's text comes back into a page.
// Hydrated, any script that runs would open a dialog; with JavaScript off,
// the page must still hold no element the payload made. The fixtures fail
// every test on a Content-Security-Policy violation besides.
const PAYLOADS = [
  "</title><script>alert(document.domain)</script>",
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  "</script><script>alert(1)</script>",
  '<iframe srcdoc="<script>alert(1)</script>">',
  "javascript:alert(1)//<b>x</b>&amp;",
];

const PLACES: [string, (p: string) => string][] = [
  ["search query", (p) => `/search?q=${p}`],
  ["catalog filters", (p) => `/items?dept=${p}&type=${p}&level=${p}&prov=${p}`],
  ["booking item", (p) => `/book?seq=${p}`],
  ["booking center and day", (p) => `/book/${p}?seq=${p}&day=${p}`],
  ["item path", (p) => `/items/${p}`],
  ["center path", (p) => `/centers/${p}`],
  ["life event path", (p) => `/events/${p}`],
  ["booking code path", (p) => `/bookings/${p}`],
  ["404 path", (p) => `/no/such/${p}`],
];

for (const [place, url] of PLACES) {
  test(`no script runs from a URL: ${place}`, async ({ page, hydrated }) => {
    const dialogs: string[] = [];
    page.on("dialog", async (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      await d.dismiss();
    });
    for (const payload of PAYLOADS) {
      const target = url(encodeURIComponent(payload));
      const resp = await page.goto(target);
      expect([200, 404], target).toContain(resp?.status());
      await settled(page, hydrated);
      // Nothing the payload could have made exists in the document.
      const made = await page
        .locator("img[onerror], svg[onload], iframe[srcdoc], main b, title ~ script:not([src])")
        .count();
      const inlineAlerts = await page.locator("script:not([src])", { hasText: "alert(" }).count();
      expect(made + inlineAlerts, `${target}: elements made by the payload`).toBe(0);
    }
    expect(dialogs, "dialogs opened by injected script").toEqual([]);
  });
}

test("the search title shows the query as text, hydrated or not", async ({ page, hydrated }) => {
  const payload = PAYLOADS[0];
  await page.goto(`/search?q=${encodeURIComponent(payload)}`);
  await settled(page, hydrated);
  // Escaped on the server, decoded by the browser, never escaped twice by the client.
  await expect(page).toHaveTitle(`“${payload}”的搜索结果 - 济源便民服务`);
  await expect(page.getByRole("status")).toContainText(payload);
});
