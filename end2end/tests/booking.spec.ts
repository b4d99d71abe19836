import { test, expect, settled, staffLogin, testPhone, citizenSignIn, addWindow, WEEKDAYS, pickDay } from "./fixtures";

// 延时预约 end to end: an admin publishes daily windows, a citizen signs in with
// an SMS code, books from an item page, gets a code, a QR code, the materials
// and an .ics file, and cancels. Hydrated, the day and slot picker is an island.

test("延时预约: windows → book → confirm → .ics → cancel; axe-clean", async ({ page, hydrated, audit }, testInfo) => {
  test.slow();
  // The two projects run in parallel: one center each.
  const center =
    testInfo.project.name === "no-js"
      ? { code: "tiantan", name: "天坛街道便民服务中心" }
      : { code: "beihai", name: "北海街道便民服务中心" };

  await staffLogin(page, "e2e_admin", "测试管理员");
  await addWindow(page, center, { days: WEEKDAYS, start: "08:00", end: "22:00", minutes: 30, capacity: 5 });
  await audit(page);

  // The citizen proves the phone.
  const { phone, masked } = testPhone(testInfo, 21);
  await citizenSignIn(page, hydrated, phone, masked);

  // From the item page to a center, a day and a slot.
  await page.goto("/items/201");
  await settled(page, hydrated);
  await page.getByRole("link", { name: "上班没空？预约延时服务办理" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "延时预约" })).toBeVisible();
  await audit(page);
  await page.getByRole("link", { name: new RegExp(center.name) }).click();
  await expect(page.getByRole("heading", { level: 1, name: `预约${center.name}` })).toBeVisible();
  await expect(page.getByLabel("1. 办理事项")).toHaveValue("201");
  // Tomorrow: every slot is still open for booking.
  await pickDay(page, hydrated, "2. 日期", 1);
  await expect(page.getByRole("group", { name: "3. 时段" })).toBeVisible();
  await audit(page);
  await page.getByRole("group", { name: "3. 时段" }).getByRole("radio").first().check();
  await page.getByRole("button", { name: "下一步：核对信息" }).click();

  // Check the answers, give a name, confirm.
  await expect(page.getByRole("heading", { level: 1, name: "核对预约信息" })).toBeVisible();
  await expect(page.getByText(masked)).toBeVisible();
  await audit(page);
  await page.getByLabel("办事人姓名").fill("张三");
  await page.getByRole("button", { name: "确认预约" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "预约成功" })).toBeVisible();
  const bookingCode = (await page.locator(".booking-code .code").textContent())!.trim();
  expect(bookingCode).toMatch(/^[2-9A-Z]{8}$/);
  await expect(page.getByRole("img", { name: new RegExp(`签到二维码.*${bookingCode}`) })).toBeVisible();
  await expect(page.getByRole("heading", { name: "请带齐以下材料" })).toBeVisible();
  await expect(page.getByText("张* " + masked)).toBeVisible();
  await expect(page.getByText(phone)).toHaveCount(0);
  await audit(page);

  // The calendar file, for this phone only.
  const href = await page.getByRole("link", { name: "加入手机日历（.ics）" }).getAttribute("href");
  const ics = await page.request.get(href!);
  expect(ics.status()).toBe(200);
  expect(ics.headers()["content-type"]).toContain("text/calendar");
  const text = await ics.text();
  expect(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
  expect(text).toContain(`UID:${bookingCode}@bianmin.jiyuan`);
  expect(text).toMatch(/DTSTART;TZID=Asia\/Shanghai:\d{8}T\d{6}/);

  // Cancel: the place goes back.
  await page.getByRole("button", { name: "取消预约" }).click();
  await expect(page.getByText("预约已取消，名额已释放。")).toBeVisible();
  await expect(page.getByText("状态：已取消")).toBeVisible();
  await expect(page.getByRole("button", { name: "取消预约" })).toHaveCount(0);

  // 我的 lists it.
  await page.goto("/my");
  await settled(page, hydrated);
  await expect(page.getByRole("link", { name: /延时预约/ })).toBeVisible();
  await expect(page.getByText(new RegExp(`已取消 · 预约码 ${bookingCode}`))).toBeVisible();
});
