import { test, expect, ready } from "./fixtures";

test("catalog lists all 228 items grouped; axe-clean", async ({ page, hydrated, audit }) => {
  await page.goto("/items");
  await ready(page, hydrated);
  await expect(page.getByRole("status")).toContainText("共228项");
  await expect(page.locator(".catalog a[href^='/items/']")).toHaveCount(228);
  await expect(page.getByRole("heading", { level: 2, name: "核发居民身份证" })).toBeVisible();
  await audit(page);
});

test("catalog filters are URL-addressable", async ({ page, hydrated }) => {
  await page.goto("/items");
  await ready(page, hydrated);
  await page.getByLabel("指导部门").selectOption("市残疾人联合会");
  await page.getByLabel("办理层级").selectOption("D");
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/dept=/);
  await expect(page.getByRole("status")).toContainText("符合条件12项");
  await expect(page.locator(".catalog a[href^='/items/']")).toHaveCount(12);
  // The same address gives the same view when opened directly.
  const url = page.url();
  await page.goto(url);
  await ready(page, hydrated);
  await expect(page.locator(".catalog a[href^='/items/']")).toHaveCount(12);
  await expect(page.getByLabel("指导部门")).toHaveValue("市残疾人联合会");
  await page.getByRole("link", { name: "清除筛选" }).click();
  await expect(page.locator(".catalog a[href^='/items/']")).toHaveCount(228);
});
