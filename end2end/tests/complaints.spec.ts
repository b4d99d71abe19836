import { test, expect, settled, staffLogin, staffReady, testPhone, codeFromLog, codeCount, smsSent } from "./fixtures";

// 有诉即办 end to end, hydrated and without JavaScript: a citizen complains
// about a center with a photo, gets the number by SMS, follows it; staff
// accept and answer; the citizen says 部分解决, the case goes to the city, the
// city admin closes it, the citizen rates. And the tracking page refuses a
// wrong last-4 without telling whether the number exists.

// A real 8×8 PNG: the server decodes and re-encodes it.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAbElEQVR4nBXNQRUAUQhCUZOYhCQmeUlIQhISzR+XXA7ODDtouIHBQ4YOM8suWm5h8ZKl+0CskDiBsIioHhx76LiDw0eO3oN/4FVf+J8h0PduzBqZ8x/bxNQPwgaFy192SGgelC0q13/CJaXlA+odUoHdRJQGAAAAAElFTkSuQmCC",
  "base64",
);

test("有诉即办: complain with a photo → SMS → track → accept, answer → 部分解决 → city closes → rate; axe-clean", async ({
  page,
  hydrated,
  audit,
}, testInfo) => {
  test.slow();
  const center =
    testInfo.project.name === "no-js"
      ? { code: "kejing", name: "克井镇便民服务中心" }
      : { code: "zhicheng", name: "轵城镇便民服务中心" };
  const { phone, masked } = testPhone(testInfo, 71);

  // From the center page, with the subject filled in.
  await page.goto(`/centers/${center.code}`);
  await settled(page, hydrated);
  await page.getByRole("link", { name: "我要投诉" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "我要投诉" })).toBeVisible();
  await settled(page, hydrated);
  await audit(page);

  // Prove the phone here; the page comes back to the form.
  const seen = codeCount(masked);
  await page.getByLabel("手机号码").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  const code = await codeFromLog(masked, seen);
  await page.getByLabel("短信验证码（6位数字）").fill(code);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByText("（已验证）")).toBeVisible();
  await expect(page.getByText(masked)).toBeVisible();
  await settled(page, hydrated);
  await expect(page.getByRole("combobox", { name: "服务中心" })).toHaveValue(center.code);
  await audit(page);

  // (Too short a text is stopped by the browser: minlength; the server's own
  // message is tested in server/tests/complaints.rs.)
  await page.getByLabel("发生了什么").fill("大厅叫号机坏了一上午，没人管，排队秩序很乱");
  await page.getByRole("button", { name: "提交投诉" }).click();

  // The number at once, and by SMS.
  await expect(page.getByRole("heading", { level: 1, name: "投诉办理进度" })).toBeVisible();
  const no = (await page.locator(".tracking-no").textContent())!.trim();
  expect(no).toMatch(/^SX-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  await expect(page.getByText("请记下或截图保存此编号。")).toBeVisible();
  await expect(page.getByText(/前受理/)).toBeVisible();
  await smsSent(masked, no);
  await settled(page, hydrated);
  await audit(page);

  // A photo, by a plain form.
  await page.getByLabel(/添加照片/).setInputFiles({ name: "叫号机.jpg", mimeType: "image/jpeg", buffer: PNG });
  await page.getByRole("button", { name: "上传照片" }).click();
  await expect(page.getByRole("img", { name: /投诉照片/ })).toHaveCount(1);
  const src = await page.getByRole("img", { name: /投诉照片/ }).getAttribute("src");
  const photo = await page.request.get(src!);
  expect(photo.status()).toBe(200);
  expect(photo.headers()["content-type"]).toBe("image/png");

  // Staff (the city admin sees every center) accept and answer.
  await staffLogin(page, "e2e_admin", "测试管理员");
  await page.goto(`/staff/complaints?scope=${center.code}&queue=new`);
  await staffReady(page);
  await expect(page.getByRole("link", { name: no })).toBeVisible();
  await audit(page);
  await page.getByRole("link", { name: no }).click();
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(no) })).toBeVisible();
  await expect(page.getByText(masked)).toBeVisible();
  await expect(page.getByText(phone)).toHaveCount(0);
  await audit(page);
  await page.getByRole("button", { name: "受理" }).click();
  await staffReady(page);
  await page.getByLabel("答复（办理结果）").fill("叫号机已于当天下午修复，并安排专人维持秩序");
  await page.getByRole("button", { name: "提交答复" }).click();
  await staffReady(page);
  await smsSent(masked, "已答复");

  // The citizen: 部分解决 sends it to the city.
  await page.goto(`/track/${no}`);
  await settled(page, hydrated);
  await expect(page.getByText("叫号机已于当天下午修复")).toBeVisible();
  await audit(page);
  await page.getByLabel("部分解决").check();
  await page.getByRole("button", { name: "提交确认" }).click();
  await expect(page.getByText("已转市级管理员复核办理")).toBeVisible();
  await smsSent(masked, "已转市级管理员复核");

  // The city admin closes it with an outcome.
  await page.goto(`/staff/complaints?scope=city&queue=new`);
  await staffReady(page);
  await page.getByRole("link", { name: no }).click();
  await staffReady(page);
  await page.getByLabel("办结说明").fill("已督促中心建立设备日检制度，并回访确认");
  await page.getByRole("button", { name: "办结" }).click();
  await staffReady(page);
  await expect(page.getByText("已办结").first()).toBeVisible();

  // The citizen rates the handling, once.
  await page.goto(`/track/${no}`);
  await settled(page, hydrated);
  await expect(page.getByText("已督促中心建立设备日检制度")).toBeVisible();
  await page.getByLabel("满意", { exact: true }).check();
  await page.getByRole("button", { name: "提交评价" }).click();
  await expect(page.getByRole("heading", { name: "请为这次办理评价" })).toHaveCount(0);
  await expect(page.getByText("评价：满意")).toBeVisible();
  await audit(page);

  // 我的 lists it.
  await page.goto("/my");
  await settled(page, hydrated);
  await expect(page.getByRole("link", { name: no })).toBeVisible();
});

test("the tracking page: a wrong last-4 reads like an unknown number", async ({ page, hydrated, audit }) => {
  await page.goto("/track");
  await settled(page, hydrated);
  await audit(page);
  await page.getByLabel("投诉编号").fill("SX-2345-6789");
  await page.getByLabel("手机号后4位（匿名投诉不用填）").fill("1234");
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByText("编号或手机号后4位不正确，请核对后再试")).toBeVisible();
  await audit(page);
  await page.getByLabel("投诉编号").fill("SX-12");
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByText(/编号格式不对/)).toBeVisible();
});
