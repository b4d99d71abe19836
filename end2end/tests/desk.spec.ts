import { test, expect, staffLogin, staffReady, testPhone, citizenSignIn, addWindow, WEEKDAYS, pickDay, ready } from "./fixtures";

// The counter end to end: a citizen books a slot today; window staff check
// the booking in by its code, typed without JavaScript or read by the tablet
// camera with it (a wrong code is refused next to the field), and add a
// 绿色通道 walk-in to the slot although it is full.

test("窗口签到: check-in by code and a 绿色通道 walk-in into a full slot; axe-clean", async ({
  page,
  browser,
  hydrated,
  audit,
}, testInfo) => {
  test.slow();
  const center =
    testInfo.project.name === "no-js"
      ? { code: "zhicheng", name: "轵城镇便民服务中心" }
      : { code: "wulongkou", name: "五龙口镇便民服务中心" };
  // A slot today that still takes bookings: the end2end server closes booking
  // 5 minutes before a slot (BIANMIN_BOOKING_CUTOFF_MINUTES in serve-for-test.sh).
  const sh = new Date(Date.now() + 8 * 3600_000);
  const startMin = Math.ceil((sh.getUTCHours() * 60 + sh.getUTCMinutes() + 10) / 5) * 5;
  const endMin = startMin + 30;
  test.skip(endMin > 23 * 60 + 59, "no 30-minute slot fits before midnight in Asia/Shanghai");
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const today = WEEKDAYS[(sh.getUTCDay() + 6) % 7];
  const todayLabel = `${sh.getUTCMonth() + 1}月${sh.getUTCDate()}日`;
  const time = `${hhmm(startMin)}-${hhmm(endMin)}`;

  await staffLogin(page, "e2e_admin", "测试管理员");
  await addWindow(page, center, { days: [today], start: hhmm(startMin), end: hhmm(endMin), minutes: 30, capacity: 1 });

  // A citizen books the only place.
  const citizen = await browser.newContext();
  let code = "";
  try {
    const p = await citizen.newPage();
    const { phone, masked } = testPhone(testInfo, 41);
    await citizenSignIn(p, hydrated, phone, masked);
    await p.goto(`/book/${center.code}`);
    await ready(p, hydrated);
    await p.getByLabel("1. 办理事项").selectOption({ index: 1 });
    await pickDay(p, hydrated, "2. 日期", new RegExp(`^${todayLabel} `));
    await p.getByRole("radio", { name: new RegExp(`^${time} 余1个名额`) }).check();
    await p.getByRole("button", { name: "下一步：核对信息" }).click();
    await p.getByLabel("办事人姓名").fill("王小五");
    await p.getByRole("button", { name: "确认预约" }).click();
    await expect(p.getByRole("heading", { level: 1, name: "预约成功" })).toBeVisible();
    code = (await p.locator(".booking-code .code").textContent())!.trim();
  } finally {
    await citizen.close();
  }

  // The desk: today's list, the name masked; the slot is full.
  await page.goto(`/staff/desk?code=${center.code}`);
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(`^${center.name} · ${todayLabel}`) })).toBeVisible();
  const slot = page.getByRole("region", { name: new RegExp(`^${time}.*已约1/1`) });
  await expect(slot).toBeVisible();
  await expect(slot.getByRole("cell", { name: "王**" })).toBeVisible();
  await expect(page.getByText("王小五")).toHaveCount(0);
  await audit(page);

  // A wrong code is refused next to the field; the real one, typed in lower case, checks in.
  await page.getByLabel("预约码（输入或扫码）").fill("ZZZZ2222");
  await page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(page.getByText("没有这个预约码，请核对")).toBeVisible();
  if (hydrated) {
    // With JavaScript, the tablet camera reads the QR code. Chromium here has a
    // fake camera but no QR reader (BarcodeDetector is an Android/ChromeOS/macOS
    // API), so the page gets a stand-in that "sees" a stranger's QR and then the
    // booking's; what is tested is our script: camera, filter, fill, submit.
    await page.context().grantPermissions(["camera"]);
    await page.addInitScript((seen: string) => {
      (window as any).BarcodeDetector = class {
        async detect() {
          return [{ rawValue: "https://example.invalid/not-a-booking" }, { rawValue: seen }];
        }
      };
    }, code.toLowerCase());
    await page.reload();
    await page.getByRole("button", { name: "用摄像头扫码" }).click();
  } else {
    // Without JavaScript (or a QR reader) the code field is the whole check-in.
    await expect(page.getByRole("button", { name: "用摄像头扫码" })).toHaveCount(0);
    await page.getByLabel("预约码（输入或扫码）").fill(code.toLowerCase());
    await page.getByRole("button", { name: "签到", exact: true }).click();
  }
  await expect(page.getByText("签到成功。")).toBeVisible();
  const row = page.getByRole("row", { name: new RegExp(code) });
  await expect(row.getByRole("cell", { name: "已签到", exact: true })).toBeVisible();
  await expect(page.getByText(/已签到1/)).toBeVisible();

  // 绿色通道: someone at the counter is served in the full slot, recorded as such.
  await page.getByText("绿色通道：加入现场群众（满额也可加）").click();
  await page.getByLabel("姓名", { exact: true }).fill("赵老六");
  await page.getByLabel("办理事项").selectOption({ index: 1 });
  await page.getByRole("button", { name: "加入", exact: true }).click();
  await expect(page.getByText("已加入绿色通道。")).toBeVisible();
  await expect(page.getByRole("region", { name: new RegExp(`^${time}.*已约1/1 · 绿色通道1`) })).toBeVisible();
  await expect(page.getByRole("cell", { name: "已签到（绿色通道）" })).toBeVisible();
  await expect(page.getByText(/绿色通道1 · 候补递补0/)).toBeVisible();
  await audit(page);
});
