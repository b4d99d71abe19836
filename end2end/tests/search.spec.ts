import { test, expect, ready } from "./fixtures";

test("search results page: same results from a plain GET; axe-clean", async ({ page, hydrated, audit }) => {
  const resp = await page.goto("/search?q=" + encodeURIComponent("五保户"));
  expect(resp?.status()).toBe(200);
  await ready(page, hydrated);
  await expect(page.locator("ol.results li").first()).toContainText("特困人员");
  await expect(page.getByRole("searchbox", { name: "您要办什么事？" })).toHaveValue("五保户");
  await expect(page.getByRole("status")).toContainText("找到");
  await audit(page);
});

test("search understands pinyin, initials and typos", async ({ page, hydrated }) => {
  for (const [q, expected] of [
    ["yibao", "职工参保登记"],
    ["jzz", "居住证"],
    ["hujibo", "户口簿补发"],
  ]) {
    await page.goto("/search?q=" + q);
    await ready(page, hydrated);
    await expect(page.locator("ol.results")).toContainText(expected);
  }
});

test("search box: instant when hydrated, a form submit without JavaScript", async ({ page, hydrated }) => {
  await page.goto("/search");
  await ready(page, hydrated);
  const box = page.getByRole("searchbox", { name: "您要办什么事？" });
  if (hydrated) {
    // No submit: results follow the keystrokes and the URL keeps up.
    await box.pressSequentially("低保", { delay: 50 });
    await expect(page.locator("ol.results li").first()).toContainText("最低生活保障");
    await expect(page).toHaveURL(/q=%E4%BD%8E%E4%BF%9D/);
  } else {
    await box.fill("低保");
    await page.getByRole("button", { name: "搜索" }).click();
    await expect(page).toHaveURL(/q=/);
    await expect(page.locator("ol.results li").first()).toContainText("最低生活保障");
  }
});

test("a query with no match says so and offers the closest life events and help", async ({ page, hydrated }) => {
  await page.goto("/search?q=" + encodeURIComponent("量子纠缠"));
  await ready(page, hydrated);
  await expect(page.getByRole("status")).toContainText("没有找到");
  // Never a dead end: the closest life events, and where to get help.
  await expect(page.getByRole("list", { name: "相关的一件事" }).getByRole("link").first()).toBeVisible();
  await expect(page.getByText("便民服务中心有帮办代办人员")).toBeVisible();
  await expect(page.getByRole("link", { name: "找就近的便民服务中心" })).toBeVisible();
  await expect(page.getByRole("link", { name: "浏览全部事项" })).toBeVisible();
});
