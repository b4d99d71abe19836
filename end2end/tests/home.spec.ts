import { test, expect, ready } from "./fixtures";

test("home: search box, high-frequency items, life events, 16 centers; axe-clean", async ({ page, hydrated, audit }) => {
  const resp = await page.goto("/");
  expect(resp?.status()).toBe(200);
  await ready(page, hydrated);
  await expect(page.getByRole("searchbox", { name: "您要办什么事？" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "高频事项" })).toBeVisible();
  await expect(page.getByRole("link", { name: /申领居民身份证（换领）/ }).first()).toBeVisible();
  for (const ev of ["出生", "开店", "建房", "结婚", "退休养老", "残疾人服务", "退役军人", "身后事"]) {
    await expect(page.locator(".event-grid").getByText(ev, { exact: true })).toBeVisible();
  }
  await expect(page.locator(".center-grid li")).toHaveCount(16);
  // Fits a 360 px phone: nothing scrolls sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await audit(page);
});

test("home: searching in the citizen's words finds the item", async ({ page, hydrated }) => {
  await page.goto("/");
  await ready(page, hydrated);
  await page.getByRole("searchbox", { name: "您要办什么事？" }).fill("社保卡补办");
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.locator("ol.results li").first()).toContainText("社会保障卡补领");
});

test("life event page bundles its items", async ({ page, hydrated, audit }) => {
  await page.goto("/events/birth");
  await ready(page, hydrated);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("出生");
  await expect(page.getByRole("link", { name: /出生登记/ }).first()).toBeVisible();
  await audit(page);
});

test("the release build's files: hashed names, cached for a year, brotli from disk; pages revalidate", async ({ page, hydrated }) => {
  const response = await page.goto("/items/201");
  await ready(page, hydrated);
  expect(response!.headers()["cache-control"]).toBe("no-cache");
  const html = await response!.text();
  const files = [...html.matchAll(/\/pkg\/bianmin\.[A-Za-z0-9_-]{8,}\.(?:css|js|wasm)/g)].map((m) => m[0]);
  expect(new Set(files.map((f) => f.split(".").pop()))).toEqual(new Set(["css", "js", "wasm"]));
  for (const file of new Set(files)) {
    const r = await page.request.get(file, { headers: { "accept-encoding": "br" } });
    expect(r.status(), file).toBe(200);
    expect(r.headers()["cache-control"], file).toBe("public, max-age=31536000, immutable");
    expect(r.headers()["content-encoding"], file).toBe("br");
    expect(r.headers()["vary"], file).toContain("accept-encoding");
  }
  // A name this build does not have is not kept.
  const missing = await page.request.get("/pkg/bianmin.AAAAAAAAAAAAAAAAAAAAAA.wasm");
  expect(missing.status()).toBe(404);
  expect(missing.headers()["cache-control"]).toBe("no-cache");
});
