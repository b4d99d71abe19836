import { test, expect, ready, settled, testPhone, codeFromLog, codeCount } from "./fixtures";

test("我的: sign in with an SMS code, 实名信息, sign out; axe-clean", async ({ page, hydrated, audit }, testInfo) => {
  const { phone, masked } = testPhone(testInfo, 1);
  await page.goto("/");
  await ready(page, hydrated);
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "我的" }).click();
  await expect(page).toHaveURL(/\/my$/);
  await settled(page, hydrated);
  await expect(page.getByRole("heading", { level: 1, name: "我的" })).toBeVisible();

  // Step 1: the phone.
  const phoneBox = page.getByLabel("手机号码");
  await expect(phoneBox).toBeVisible();
  await audit(page);
  await phoneBox.fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();

  // Step 2: the code, which the log sender wrote to the server log.
  await expect(page.getByText(`验证码已发送至 ${masked}，5分钟内有效。`)).toBeVisible();
  const codeBox = page.getByLabel("短信验证码（6位数字）");
  await expect(codeBox).toBeVisible();
  await audit(page);
  const code = await codeFromLog(masked);
  expect(code).toMatch(/^\d{6}$/);

  const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
  await codeBox.fill(wrong);
  await page.getByRole("button", { name: "登录" }).click();
  // The message sits next to the field and is its description.
  await expect(page.getByLabel("短信验证码（6位数字）")).toHaveAccessibleDescription("验证码不正确，还可尝试4次");
  await expect(page.getByText("验证码不正确，还可尝试4次")).toBeVisible();

  await page.getByLabel("短信验证码（6位数字）").fill(code);
  await page.getByRole("button", { name: "登录" }).click();

  // Signed in: only the masked number is ever shown.
  await expect(page.getByText(`已登录：${masked}`)).toBeVisible();
  await expect(page.getByRole("heading", { name: "我的办件" })).toBeVisible();
  await expect(page.getByText("目前还没有记录。", { exact: false })).toBeVisible();
  await expect(page.getByText(phone)).toHaveCount(0);
  await audit(page);

  // 实名信息 (optional): a bad ID number is refused next to the field.
  await page.getByLabel("姓名").fill("张三");
  await page.getByLabel("身份证号码（18位）").fill("110105194912310021");
  await page.getByRole("button", { name: "保存实名信息" }).click();
  await expect(page.getByLabel("身份证号码（18位）")).toHaveAccessibleDescription("身份证号码校验位不正确，请核对");
  await expect(page.getByText("身份证号码校验位不正确，请核对")).toBeVisible();

  // A valid one is saved and shown masked.
  await page.getByLabel("姓名").fill("张三");
  await page.getByLabel("身份证号码（18位）").fill("11010519491231002X");
  await page.getByRole("button", { name: "保存实名信息" }).click();
  const facts = page.locator("dl.facts");
  await expect(facts).toContainText("1101**********002X");
  await expect(facts).toContainText("张*");
  await expect(page.getByText("11010519491231002X")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "更新实名信息" })).toBeVisible();

  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page.getByRole("button", { name: "获取验证码" })).toBeVisible();
  await expect(page.getByText(`已登录：${masked}`)).toHaveCount(0);
  // Signed out for real: a fresh load shows the phone form too.
  await page.goto("/my");
  await settled(page, hydrated);
  await expect(page.getByLabel("手机号码")).toBeVisible();
});

test("我的: an invalid number is refused; 换个手机号 sends a new code; one code a minute", async ({ page, hydrated }, testInfo) => {
  const first = testPhone(testInfo, 2);
  const second = testPhone(testInfo, 3);
  await page.goto("/my");
  await settled(page, hydrated);

  await page.getByLabel("手机号码").fill("1381234");
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.getByLabel("手机号码")).toHaveAccessibleDescription("请输入11位手机号码");

  await page.getByLabel("手机号码").fill(first.phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.getByText(`验证码已发送至 ${first.masked}，5分钟内有效。`)).toBeVisible();
  await codeFromLog(first.masked);

  // The same number again within the minute: refused, no second SMS.
  await page.getByText("没收到验证码或要换个手机号？").click();
  const again = page.locator("details.other-phone");
  await again.getByLabel("手机号码").fill(first.phone);
  await again.getByRole("button", { name: "重新获取验证码" }).click();
  await expect(page.getByText("验证码已发送，请1分钟后再重新获取")).toBeVisible();
  expect(codeCount(first.masked)).toBe(1);

  // Another number: a new code for it, and the page now names it.
  const seen = codeCount(second.masked);
  // The box reopens itself to show an error; open it if it did not.
  if ((await again.getAttribute("open")) === null) {
    await page.getByText("没收到验证码或要换个手机号？").click();
  }
  await again.getByLabel("手机号码").fill(second.phone);
  await again.getByRole("button", { name: "重新获取验证码" }).click();
  await expect(page.getByText(`验证码已发送至 ${second.masked}，5分钟内有效。`)).toBeVisible();
  const code = await codeFromLog(second.masked, seen);

  await page.getByLabel("短信验证码（6位数字）").fill(code);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByText(`已登录：${second.masked}`)).toBeVisible();
});
