import { Page } from "@playwright/test";
import { test, expect, staffLogin, testPhone, citizenSignIn, addWindow, smsSent, WEEKDAYS, pickDay, ready } from "./fixtures";

// 候补 end to end: a slot of one place is taken; a second citizen joins its
// waitlist from the full slot; the first cancels; the second is texted, sees
// the held place in 我的, takes it, and then moves the booking to another
// slot in one step. Two citizens, two browser contexts.

/** Tomorrow in Asia/Shanghai as the day picker labels it, e.g. "12月2日". */
function tomorrowLabel(): string {
  const d = new Date(Date.now() + 8 * 3600_000 + 86_400_000);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

async function pickTomorrow(page: Page, hydrated: boolean, group: string) {
  await pickDay(page, hydrated, group, new RegExp(`^${tomorrowLabel()} `));
}

async function toCheckAnswers(page: Page, hydrated: boolean, center: string) {
  await page.goto(`/book/${center}`);
  await ready(page, hydrated);
  await page.getByLabel("1. 办理事项").selectOption({ index: 1 });
  await pickTomorrow(page, hydrated, "2. 日期");
  await page.getByRole("group", { name: "3. 时段" }).getByRole("radio", { name: /^18:00-18:30/ }).check();
  await page.getByRole("button", { name: "下一步：核对信息" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "核对预约信息" })).toBeVisible();
}

test("候补: a full slot's waitlist, the freed place offered and taken, then a one-step reschedule; axe-clean", async ({
  page,
  browser,
  hydrated,
  audit,
}, testInfo) => {
  test.slow();
  const center =
    testInfo.project.name === "no-js"
      ? { code: "kejing", name: "克井镇便民服务中心" }
      : { code: "yuquan", name: "玉泉街道便民服务中心" };
  await staffLogin(page, "e2e_admin", "测试管理员");
  await addWindow(page, center, { days: WEEKDAYS, start: "18:00", end: "19:00", minutes: 30, capacity: 1 });

  // The first citizen takes the only place at 18:00 tomorrow.
  const first = testPhone(testInfo, 31);
  await citizenSignIn(page, hydrated, first.phone, first.masked);
  await toCheckAnswers(page, hydrated, center.code);
  await page.getByLabel("办事人姓名").fill("张三");
  await page.getByRole("button", { name: "确认预约" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "预约成功" })).toBeVisible();

  // The second finds it full and joins the waitlist.
  const other = await browser.newContext();
  try {
    const second = await other.newPage();
    const waiter = testPhone(testInfo, 32);
    await citizenSignIn(second, hydrated, waiter.phone, waiter.masked);
    await second.goto(`/book/${center.code}`);
    await ready(second, hydrated);
    await second.getByLabel("1. 办理事项").selectOption({ index: 1 });
    await pickTomorrow(second, hydrated, "2. 日期");
    await expect(second.getByRole("radio", { name: /^18:00-18:30 已约满，可排队候补/ })).toBeEnabled();
    await toCheckAnswers(second, hydrated, center.code);
    await expect(second.getByRole("heading", { name: "该时段已约满，可以排队候补" })).toBeVisible();
    await expect(second.getByRole("button", { name: "确认预约" })).toHaveCount(0);
    await audit(second);
    // A bad name comes back next to the field; then it joins.
    await second.getByLabel("办事人姓名").fill("x");
    await second.getByRole("button", { name: "加入候补" }).click();
    await expect(second.getByText("请填写真实姓名（2-30个字）")).toBeVisible();
    await second.getByLabel("办事人姓名").fill("李四");
    await second.getByRole("button", { name: "加入候补" }).click();
    await expect(second).toHaveURL(/\/my\?waitlist=1/);
    await expect(second.getByText("已加入候补，您排在第1位。有空位时会短信通知您。")).toBeVisible();
    await expect(second.getByText(/候补中 · 排在第1位/)).toBeVisible();
    await audit(second);

    // The first cancels: the place is held for the second, who is texted.
    await page.getByRole("button", { name: "取消预约" }).click();
    await expect(page.getByText("预约已取消，名额已释放。")).toBeVisible();
    await smsSent(waiter.masked, "有空位了");
    await second.goto("/my");
    await expect(second.getByText(/有空位，待确认 · 名额为您保留到/)).toBeVisible();
    await audit(second);
    await second.getByRole("button", { name: "确认预约" }).click();
    await expect(second.getByRole("heading", { level: 1, name: "预约成功" })).toBeVisible();
    await expect(second.getByText("候补成功，预约已确认。")).toBeVisible();
    const code = (await second.locator(".booking-code .code").textContent())!.trim();

    // One-step reschedule to 18:30; the code stays.
    await second.getByRole("link", { name: "改约到其他时段" }).click();
    await expect(second.getByRole("heading", { level: 1, name: "改约到其他时段" })).toBeVisible();
    await pickTomorrow(second, hydrated, "1. 新日期");
    await expect(second.getByRole("radio", { name: /^18:00-18:30 原预约时段/ })).toBeDisabled();
    await audit(second);
    await second.getByRole("radio", { name: /^18:30-19:00 余1个名额/ }).check();
    await second.getByRole("button", { name: "确认改约" }).click();
    await expect(second.getByText("已改约到新的时段，预约码不变。")).toBeVisible();
    await expect(second.locator(".booking-code .code")).toHaveText(code);
    await expect(second.getByText(/18:30-19:00/)).toBeVisible();

    // The 18:00 place went back to the pool: the first can book it again.
    await toCheckAnswers(page, hydrated, center.code);
    await expect(page.getByRole("button", { name: "确认预约" })).toBeVisible();
  } finally {
    await other.close();
  }
});
