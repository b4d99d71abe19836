import { test, expect, ready } from "./fixtures";

test("item page with a sample guide and a tickable checklist; axe-clean", async ({ page, hydrated, audit }) => {
  const resp = await page.goto("/items/201");
  expect(resp?.status()).toBe(200);
  await ready(page, hydrated);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("申领居民身份证（换领）");
  await expect(page.getByText("示例内容，以窗口告知为准")).toBeVisible();
  await expect(page.getByRole("heading", { name: "申请材料" })).toBeVisible();
  const first = page.locator(".materials input[type=checkbox]").first();
  await first.check();
  await expect(first).toBeChecked();
  // Printing needs the browser: a button when hydrated, a hint otherwise.
  if (hydrated) {
    await expect(page.getByRole("button", { name: "打印材料清单" })).toBeVisible();
  } else {
    await expect(page.getByText("可用浏览器菜单中的“打印”保存这份清单。")).toBeVisible();
  }
  await audit(page);
});

test("print stylesheet keeps the checklist and drops the chrome", async ({ page, hydrated }) => {
  await page.goto("/items/130");
  await ready(page, hydrated);
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".materials")).toBeVisible();
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.locator(".related")).toBeHidden();
});

test("item without a guide says so and points to the centers", async ({ page, hydrated }) => {
  await page.goto("/items/2");
  await ready(page, hydrated);
  await expect(page.getByRole("heading", { name: "办事指南正在编制中" })).toBeVisible();
  await expect(page.getByRole("link", { name: "查看便民服务中心的地址和电话" })).toBeVisible();
});

test("unknown pages answer 404 with a real page", async ({ page, hydrated }) => {
  for (const path of ["/items/99999", "/no/such/page"]) {
    const resp = await page.goto(path);
    expect(resp?.status()).toBe(404);
    await ready(page, hydrated);
    await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
  }
});
