import { test, expect, ready } from "./fixtures";

test("centers list and a center page without invented contacts; axe-clean", async ({ page, hydrated, audit }) => {
  await page.goto("/centers");
  await ready(page, hydrated);
  await expect(page.locator(".center-list li")).toHaveCount(16);
  await page.getByRole("link", { name: /济水街道便民服务中心/ }).click();
  await expect(page).toHaveURL(/\/centers\/jishui$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("济水街道便民服务中心");
  await expect(page.getByText("暂未公布（由中心管理员填写）").first()).toBeVisible();
  await audit(page);
});

test("长辈模式: larger text and targets, remembered across pages", async ({ page, hydrated, audit }) => {
  await page.goto("/items/83");
  await ready(page, hydrated);
  const toggle = page.getByRole("button", { name: "长辈模式" });
  await toggle.click();
  await expect(page.locator("html")).toHaveClass(/elder/);
  await expect(page).toHaveURL(/\/items\/83$/);
  await page.goto("/");
  await ready(page, hydrated);
  await expect(page.locator("html")).toHaveClass(/elder/);
  const body = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(body).toBeGreaterThanOrEqual(18);
  const button = await page.getByRole("button", { name: "搜索" }).boundingBox();
  expect(button!.height).toBeGreaterThanOrEqual(44);
  await audit(page);
  await page.getByRole("button", { name: "标准字号" }).click();
  await expect(page.locator("html")).not.toHaveClass(/elder/);
});

test("长辈模式 on a page with a query string keeps the whole address", async ({ page, hydrated }) => {
  for (const path of ["/search?q=yibao", "/items?level=DE", "/book?seq=201"]) {
    await page.goto(path);
    await ready(page, hydrated && !path.startsWith("/book"));
    await page.getByRole("button", { name: "长辈模式" }).click();
    await expect(page.locator("html")).toHaveClass(/elder/);
    // Without JavaScript this is the post's redirect: it used to drop the "?".
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(path);
    await expect(page).not.toHaveTitle(/页面不存在/);
    await page.getByRole("button", { name: "标准字号" }).click();
    await expect(page.locator("html")).not.toHaveClass(/elder/);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(path);
  }
});
