import { Page } from "@playwright/test";
import { test, expect, ready, staffLogin, testPhone, citizenSignIn, addWindow, WEEKDAYS, pickDay } from "./fixtures";

// One portal, one app: the citizen pages are server-rendered and, with
// JavaScript, navigated without a page load (public/client.js swaps them in);
// the interactive parts are islands. Without JavaScript, or when the wasm or
// the script fails to load, the same links and forms work as plain HTML.

/** Counts the page's full loads from now on (client-side navigations are none). */
function countLoads(page: Page) {
  const counter = { loads: 0 };
  page.on("load", () => counter.loads++);
  return counter;
}

test("home → search → item → 预约 → book → 我的 → cancel, without a page load when hydrated", async ({ page, hydrated }, testInfo) => {
  test.slow();
  const center =
    testInfo.project.name === "no-js"
      ? { code: "shaoyuan", name: "邵原镇便民服务中心" }
      : { code: "chengliu", name: "承留镇便民服务中心" };
  await staffLogin(page, "e2e_admin", "测试管理员");
  await addWindow(page, center, { days: WEEKDAYS, start: "08:00", end: "22:00", minutes: 30, capacity: 5 });
  const { phone, masked } = testPhone(testInfo, 61);
  await citizenSignIn(page, hydrated, phone, masked);

  await page.goto("/");
  await ready(page, hydrated);
  const counter = countLoads(page);
  if (hydrated) await page.evaluate(() => ((window as any).__sameDocument = true));

  // Home → search.
  await page.getByRole("searchbox", { name: "您要办什么事？" }).fill("身份证");
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page).toHaveURL(/\/search\?q=/);
  await ready(page, hydrated);
  // Search → the item's guide.
  await page.locator('main a[href="/items/201"]').first().click();
  await expect(page).toHaveURL(/\/items\/201$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("身份证");
  await ready(page, hydrated);
  // Guide → 延时预约 → a center → a day and a slot → check → confirm.
  await page.getByRole("link", { name: "上班没空？预约延时服务办理" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "延时预约" })).toBeVisible();
  await ready(page, hydrated);
  await page.getByRole("link", { name: new RegExp(center.name) }).click();
  await expect(page.getByRole("heading", { level: 1, name: `预约${center.name}` })).toBeVisible();
  await pickDay(page, hydrated, "2. 日期", 1);
  await page.getByRole("group", { name: "3. 时段" }).getByRole("radio").first().check();
  await page.getByRole("button", { name: "下一步：核对信息" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "核对预约信息" })).toBeVisible();
  await ready(page, hydrated);
  await page.getByLabel("办事人姓名").fill("李四");
  await page.getByRole("button", { name: "确认预约" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "预约成功" })).toBeVisible();
  const bookingCode = (await page.locator(".booking-code .code").textContent())!.trim();
  await ready(page, hydrated);
  // 我的 (the header's link) → the booking → cancel.
  await page.getByRole("navigation").getByRole("link", { name: "我的" }).click();
  await expect(page).toHaveURL(/\/my$/);
  await ready(page, hydrated);
  await page.locator(`main a[href="/bookings/${bookingCode}"]`).click();
  await expect(page.locator(".booking-code .code")).toHaveText(bookingCode);
  await ready(page, hydrated);
  await page.getByRole("button", { name: "取消预约" }).click();
  await expect(page.getByText("预约已取消，名额已释放。")).toBeVisible();
  await ready(page, hydrated);

  if (hydrated) {
    // The same document all along: no load event, the marker still set, and
    // the navigation script counted every move.
    expect(counter.loads).toBe(0);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(Number(await page.locator("html").getAttribute("data-navigations"))).toBeGreaterThanOrEqual(9);
  } else {
    expect(counter.loads).toBeGreaterThanOrEqual(9);
  }
});

// A flaky network: the wasm, a chunk, or the script itself does not arrive. The page
// must not be dead: the links and forms still work, as plain HTML or through
// the navigation script.
const FAILURES = [
  { what: "the wasm", block: "**/pkg/*.wasm", center: { code: "potou", name: "坡头镇便民服务中心" } },
  { what: "client.js", block: "**/client.js", center: { code: "lilin", name: "梨林镇便民服务中心" } },
  // The main module loads; every lazy island's chunk fails.
  { what: "the islands' chunks", block: (url: URL) => /\/pkg\/(?!bianmin\.)[^/]+\.wasm$/.test(url.pathname), center: { code: "dayu", name: "大峪镇便民服务中心" } },
];
for (const { what, block, center } of FAILURES) {
  test(`${what} not loaded: search and the booking picker still work`, async ({ page, hydrated }) => {
    test.skip(!hydrated, "without JavaScript nothing is fetched to fail");
    test.slow();
    await staffLogin(page, "e2e_admin", "测试管理员");
    await addWindow(page, center, { days: WEEKDAYS, start: "08:00", end: "22:00", minutes: 30, capacity: 5 });
    let aborted = 0;
    await page.route(block, (route) => {
      aborted++;
      return route.abort("connectionfailed");
    });
    await page.goto("/");
    await page.waitForLoadState("load");
    if (typeof block === "string") {
      // Give the idle loader time to try (and fail): nothing is hydrated.
      await expect.poll(() => aborted).toBeGreaterThan(0);
      await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", /.*/);
    }

    await page.getByRole("searchbox", { name: "您要办什么事？" }).fill("社保");
    await page.getByRole("button", { name: "搜索" }).click();
    await expect(page).toHaveURL(/\/search\?q=%E7%A4%BE%E4%BF%9D/);
    await expect(page.getByRole("status")).toContainText("找到");

    await page.goto("/book?seq=201");
    await page.waitForLoadState("load");
    await page.getByRole("link", { name: new RegExp(center.name) }).click();
    await expect(page.getByRole("heading", { level: 1, name: `预约${center.name}` })).toBeVisible();
    if (typeof block !== "string") await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    // Not hydrated: the picker is the plain form, whose button shows the day's slots.
    await pickDay(page, false, "2. 日期", 1);
    // Picking asked for the picker's chunk, which failed (or for nothing at all).
    await expect.poll(() => aborted).toBeGreaterThan(0);
    await expect(page).toHaveURL(/day=/);
    await page.getByRole("group", { name: "3. 时段" }).getByRole("radio").first().check();
    await page.getByRole("button", { name: "下一步：核对信息" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "核对预约信息" })).toBeVisible();
  });
}

// Where a client-side move lands: the new page's title, the focus at its
// content, and the browser's back button.
test("client-side navigation keeps title, focus and the back button right", async ({ page, hydrated }) => {
  test.skip(!hydrated, "a JavaScript-only behaviour");
  await page.goto("/");
  await ready(page, hydrated);
  const counter = countLoads(page);
  await page.getByRole("link", { name: "查看全部228项事项" }).click();
  await expect(page).toHaveURL(/\/items$/);
  await ready(page, hydrated);
  await expect(page).toHaveTitle(/事项/);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("searchbox", { name: "您要办什么事？" })).toBeVisible();
  await ready(page, hydrated);
  expect(counter.loads).toBe(0);
});

// The slot picker shows places live: a place another citizen takes while this
// one looks elsewhere is gone when they come back to the tab, without a reload.
test("the booking picker asks for places again when the citizen comes back to the tab", async ({ page, hydrated, browser }, testInfo) => {
  test.skip(!hydrated, "a JavaScript-only behaviour");
  test.slow();
  const center = { code: "wangwu", name: "王屋镇便民服务中心" };
  await staffLogin(page, "e2e_admin", "测试管理员");
  await addWindow(page, center, { days: WEEKDAYS, start: "08:00", end: "22:00", minutes: 30, capacity: 5 });

  // This citizen looks at tomorrow's slots.
  await page.goto(`/book/${center.code}?seq=201`);
  await ready(page, hydrated);
  const counter = countLoads(page);
  await pickDay(page, hydrated, "2. 日期", 1);
  const firstSlot = page.getByRole("group", { name: "3. 时段" }).locator("label").first();
  await expect(firstSlot).toContainText("余5个名额");
  await expect(page).toHaveURL(/day=\d{4}-\d{2}-\d{2}/);
  const address = new URL(page.url());

  // Meanwhile another citizen books that slot.
  const other = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN" });
  try {
    const page2 = await other.newPage();
    const { phone, masked } = testPhone(testInfo, 62);
    await citizenSignIn(page2, true, phone, masked);
    await page2.goto(address.pathname + address.search);
    await ready(page2, true);
    await page2.getByRole("group", { name: "3. 时段" }).getByRole("radio").first().check();
    await page2.getByRole("button", { name: "下一步：核对信息" }).click();
    await page2.getByLabel("办事人姓名").fill("王五");
    await page2.getByRole("button", { name: "确认预约" }).click();
    await expect(page2.getByRole("heading", { level: 1, name: "预约成功" })).toBeVisible();
  } finally {
    await other.close();
  }

  // Back to the first tab: the page becomes visible again.
  await expect(firstSlot).toContainText("余5个名额");
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange", { bubbles: true })));
  await expect(firstSlot).toContainText("余4个名额");
  expect(counter.loads).toBe(0);
});

test("an item and a day chosen before the picker's code arrives are both kept (the island replays every control touched)", async ({ page, hydrated }) => {
  test.skip(!hydrated, "the race exists only while an island's code is on its way");
  test.slow();
  const center = { code: "dayu", name: "大峪镇便民服务中心" };
  await staffLogin(page, "e2e_admin", "测试管理员");
  await addWindow(page, center, { days: WEEKDAYS, start: "08:00", end: "22:00", minutes: 30, capacity: 5 });
  await page.goto(`/book/${center.code}`);
  await ready(page, hydrated);
  // The picker's chunks arrive late, as on a slow phone: the citizen chooses
  // the item and then a day before the island runs.
  await page.route("**/pkg/*.wasm", async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.getByLabel("1. 办理事项").selectOption({ index: 1 });
  await page.getByRole("group", { name: "2. 日期" }).getByRole("radio").nth(1).check();
  const slots = page.getByRole("group", { name: "3. 时段" });
  await expect(slots.getByRole("radio").first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("请先在上面选择办理事项。")).toHaveCount(0);
  await slots.getByRole("radio").first().check();
  await page.getByRole("button", { name: "下一步：核对信息" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "核对预约信息" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "请先选择办理事项和时段" })).toHaveCount(0);
});
