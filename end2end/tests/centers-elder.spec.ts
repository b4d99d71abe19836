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

const TABS = ["首页", "事项", "搜索", "中心", "预约", "我的"];

/** Every tab of the main navigation is on screen at 360×740, big enough to tap, and nothing scrolls sideways. */
async function tabsFit(page: import("@playwright/test").Page, where: string) {
  const nav = page.getByRole("navigation", { name: "主导航" });
  for (const name of TABS) {
    const box = await nav.getByRole("link", { name, exact: true }).boundingBox();
    expect(box, `${where}: ${name}`).not.toBeNull();
    expect(box!.x, `${where}: ${name}`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${where}: ${name}`).toBeLessThanOrEqual(360);
    expect(box!.y + box!.height, `${where}: ${name}`).toBeLessThanOrEqual(740);
    expect(box!.height, `${where}: ${name}`).toBeGreaterThanOrEqual(44);
  }
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, `${where}: scrolls sideways`).toBeLessThanOrEqual(0);
}

test("the tab bar: every destination on screen at 360 px, 长辈模式 too, and it marks where you are", async ({ page, hydrated }) => {
  const paths = ["/", "/items/201", "/search?q=社保", "/centers/qinyuan", "/book?seq=201", "/my"];
  for (const elder of [false, true]) {
    for (const path of paths) {
      await page.goto(path);
      await ready(page, hydrated && !path.startsWith("/book") && !path.startsWith("/my"));
      if (elder && !(await page.locator("html").getAttribute("class"))?.includes("elder")) {
        await page.getByRole("button", { name: "长辈模式" }).click();
        await expect(page.locator("html")).toHaveClass(/elder/);
      }
      await tabsFit(page, `${path}${elder ? " (长辈模式)" : ""}`);
    }
  }
  const nav = page.getByRole("navigation", { name: "主导航" });
  await expect(nav.getByRole("link", { name: "我的", exact: true })).toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "预约", exact: true }).click();
  await expect(page).toHaveURL(/\/book$/);
  await expect(nav.getByRole("link", { name: "预约", exact: true })).toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "事项", exact: true }).click();
  await expect(page).toHaveURL(/\/items$/);
  await expect(nav.getByRole("link", { name: "事项", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "首页", exact: true })).not.toHaveAttribute("aria-current", "page");
  await page.getByRole("button", { name: "标准字号" }).click();
  await expect(page.locator("html")).not.toHaveClass(/elder/);
});
