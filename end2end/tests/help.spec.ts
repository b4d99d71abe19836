import * as fs from "node:fs";
import { Browser, BrowserContext, Page, TestInfo } from "@playwright/test";
import {
  test,
  expect,
  settled,
  staffLogin,
  staffReady,
  testPhone,
  codeFromLog,
  codeCount,
  smsSent,
  citizenSignIn,
  addWindow,
  WEEKDAYS,
} from "./fixtures";

// 帮办代办 end to end, hydrated and without JavaScript, each on a phone
// (360×740) and on a helper's tablet (1024×768): a citizen asks for 代办 from
// an item page; the center admin assigns it (by hand on the phone, 自动分派 on
// the tablet); the helper contacts, receives the papers, hands them to the
// window, mails the result and closes; the citizen follows every step and
// rates. A helper books a 延时 slot in a citizen's name after the consent
// code, and the citizen sees it in 我的 and withdraws the consent. And the
// situation box finds 残疾人证 from a sentence. Every page is axe-clean.
//
// Each project works in a center of its own (serve-for-test.sh creates a
// center admin and a helper there), so auto-assigning never takes the other
// project's requests. The 延时 booking goes to a center no other spec uses
// (desk.spec and app.spec publish windows at 五龙口 and 承留 and count slots).

const VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 1024, height: 768 },
];

const SHOTS = "/tmp/shots";

type Staff = { admin: string; adminName: string; helper: string; helperName: string };

function setup(testInfo: TestInfo) {
  const nojs = testInfo.project.name === "no-js";
  const center = nojs
    ? { code: "chengliu", name: "承留镇便民服务中心" }
    : { code: "wulongkou", name: "五龙口镇便民服务中心" };
  const staff: Staff = nojs
    ? { admin: "help_admin_nojs", adminName: "帮办主任乙", helper: "help_helper_nojs", helperName: "帮办员乙" }
    : { admin: "help_admin_hydrated", adminName: "帮办主任甲", helper: "help_helper_hydrated", helperName: "帮办员甲" };
  // Where the helper books a 延时 slot for a citizen.
  const bookCenter = nojs ? { code: "sili", name: "思礼镇便民服务中心" } : { code: "xiaye", name: "下冶镇便民服务中心" };
  const workPhone = nojs ? "0391-6602222" : "0391-6601111";
  return { center, staff, bookCenter, workPhone };
}

/** A browser context of its own (the project's options apply), signed in as staff. */
async function staffPage(browser: Browser, username: string, name: string): Promise<[BrowserContext, Page]> {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await staffLogin(p, username, name);
  return [ctx, p];
}

/**
 * Screenshots for a human to look at, once per project and viewport; with
 * JavaScript, the page is also checked not to scroll sideways.
 */
async function shot(page: Page, testInfo: TestInfo, name: string) {
  if (testInfo.project.name !== "no-js") {
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(scroll, `${name}: no horizontal overflow`).toBeLessThanOrEqual(width);
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const vp = page.viewportSize();
  await page.screenshot({
    path: `${SHOTS}/${name}-${vp?.width}x${vp?.height}-${testInfo.project.name}.png`,
    fullPage: true,
  });
}

for (const viewport of VIEWPORTS) {
  // Phones unique to this viewport: 81-83 on the phone, 84-86 on the tablet.
  const n = (k: number) => 80 + k + (viewport.width > 400 ? 3 : 0);
  const tablet = viewport.width > 400;

  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test("a citizen asks for 代办 → the center admin assigns → the helper contacts, records materials, hands to the window, marks the result mailed → the citizen sees each step and rates", async ({
      page,
      browser,
      hydrated,
      audit,
    }, testInfo) => {
      test.setTimeout(240_000);
      const { center, staff, workPhone } = setup(testInfo);
      const { phone, masked } = testPhone(testInfo, n(1));

      // From an item page, with the item filled in.
      await page.goto("/items/201");
      await settled(page, hydrated);
      await page.getByRole("link", { name: "请工作人员帮我办（帮办代办）" }).click();
      await expect(page).toHaveURL(/\/help\?seq=201$/);
      await expect(page.getByRole("heading", { level: 1, name: "请工作人员帮我办" })).toBeVisible();
      await expect(page.getByRole("heading", { level: 2, name: "第一步：验证手机号" })).toBeVisible();
      await settled(page, hydrated);
      await audit(page);

      // The phone, proved by a code; the page comes back to the form.
      const seen = codeCount(masked);
      await page.getByLabel("手机号码").fill(phone);
      await page.getByRole("button", { name: "获取验证码" }).click();
      const code = await codeFromLog(masked, seen);
      await page.getByLabel("短信验证码（6位数字）").fill(code);
      await page.getByRole("button", { name: "登录" }).click();
      await expect(page.getByText("（已验证）")).toBeVisible();
      await expect(page.locator(".signed-in")).toContainText(masked);
      await expect(page).toHaveURL(/\/help\?seq=201$/);
      await settled(page, hydrated);
      const item = (await page.locator(".help-item strong").textContent())!.trim();
      expect(item.length).toBeGreaterThan(0);
      await audit(page);

      // 代办 at the project's center, one material ticked.
      await page.getByRole("group", { name: "需要哪种帮助" }).getByRole("radio", { name: /^代办/ }).check();
      await page.getByLabel("哪个便民服务中心").selectOption(center.code);
      await page.getByRole("group", { name: "什么时间方便" }).getByRole("radio", { name: "什么时候都可以" }).check();
      const materials = page.getByRole("group", { name: "您已经有的材料请打勾" });
      const material = (await materials.locator("label").first().textContent())!.trim();
      await materials.getByRole("checkbox").first().check();
      await page.getByLabel("还有什么要告诉帮办员（选填）").fill("住在村东头，白天家里有人");
      if (!tablet) await shot(page, testInfo, "help-form");
      await page.getByRole("button", { name: "提交申请" }).click();

      // The number at once, the next step in plain words, and an SMS.
      await expect(page.getByRole("heading", { level: 1, name: "帮办申请办理进度" })).toBeVisible();
      await expect(page.getByRole("status").filter({ hasText: "申请已提交。" })).toBeVisible();
      const no = (await page.locator(".tracking-no").textContent())!.trim();
      expect(no).toMatch(/^BB-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
      await expect(page).toHaveURL(new RegExp(`/help/${no}\\?done=filed$`));
      await expect(page.getByRole("region", { name: "接下来" })).toContainText("我们会在1个工作日内安排帮办员");
      const facts = page.locator("dl.facts");
      await expect(facts).toContainText("已提交，等待安排帮办员");
      await expect(facts).toContainText("代办");
      await expect(facts).toContainText(item);
      await expect(facts).toContainText(center.name);
      await smsSent(masked, `您的代办申请已提交，编号${no}`);
      await settled(page, hydrated);
      await audit(page);

      const [adminCtx, admin] = await staffPage(browser, staff.admin, staff.adminName);
      const [helperCtx, helper] = await staffPage(browser, staff.helper, staff.helperName);
      try {
        // The helper's work phone, which citizens are told.
        await helper.goto("/staff/help");
        await staffReady(helper);
        await expect(helper.getByRole("heading", { level: 1, name: "帮办代办" })).toBeVisible();
        await helper.getByLabel("工作电话", { exact: true }).fill(workPhone);
        await helper.getByRole("button", { name: "保存工作电话" }).click();
        await staffReady(helper);
        await expect(helper.getByRole("status")).toHaveText("工作电话已保存。");
        await expect(helper.getByLabel("工作电话", { exact: true })).toHaveValue(workPhone);
        await audit(helper);

        // The center admin sees it waiting and assigns it: by hand on the
        // phone, 自动分派 on the tablet.
        await admin.goto("/staff/help");
        await staffReady(admin);
        await expect(admin.getByRole("navigation", { name: "帮办队列" }).locator("[aria-current=page]")).toHaveText("待分派");
        const waiting = admin.getByRole("row").filter({ has: admin.getByRole("link", { name: no }) });
        await expect(waiting).toContainText("代办");
        await expect(waiting).toContainText("未分派");
        await expect(waiting).toContainText(masked);
        await expect(admin.getByText(phone)).toHaveCount(0);
        await audit(admin);
        if (tablet) {
          await admin.getByRole("button", { name: "自动分派", exact: true }).click();
          await staffReady(admin);
          await expect(admin.getByRole("status")).toContainText(/已自动分派\d+件申请/);
          await expect(admin.getByRole("link", { name: no })).toHaveCount(0);
          await admin.goto(`/staff/help/${no}`);
          await staffReady(admin);
        } else {
          await waiting.getByRole("link", { name: no }).click();
          await staffReady(admin);
          await expect(admin.getByRole("heading", { level: 1, name: `帮办申请 ${no}` })).toBeVisible();
          await audit(admin);
          await admin.getByLabel("分派给").selectOption({ label: staff.helperName });
          await admin.getByRole("button", { name: "分派", exact: true }).click();
          await staffReady(admin);
          await expect(admin.getByRole("status")).toHaveText("已分派帮办员，群众会收到帮办员的姓名和工作电话。");
        }
        await expect(admin.locator("dl.facts")).toContainText("已安排帮办员");
        await expect(admin.locator("dl.facts")).toContainText(staff.helperName);
        await smsSent(masked, `您的帮办申请${no}由帮办员${staff.helperName}负责（电话${workPhone}）`);

        // The citizen: the helper's name and work phone.
        await page.goto(`/help/${no}`);
        await settled(page, hydrated);
        await expect(facts).toContainText("已安排帮办员");
        const card = page.getByRole("region", { name: "您的帮办员" });
        await expect(card).toContainText(staff.helperName);
        await expect(card.getByRole("link", { name: `打电话：${workPhone}` })).toHaveAttribute(
          "href",
          `tel:${workPhone.replace(/\D/g, "")}`,
        );
        await audit(page);

        // The helper's queue: mine, with the masked phone.
        await helper.goto("/staff/help");
        await staffReady(helper);
        await expect(helper.getByRole("navigation", { name: "帮办队列" }).locator("[aria-current=page]")).toHaveText("我的");
        const mine = helper.getByRole("row").filter({ has: helper.getByRole("link", { name: no }) });
        await expect(mine).toContainText(masked);
        await mine.getByRole("link", { name: no }).click();
        await staffReady(helper);
        await expect(helper.getByRole("heading", { level: 1, name: `帮办申请 ${no}` })).toBeVisible();
        await expect(helper.getByText(`✓ 已有`).first()).toBeVisible();
        await expect(helper.locator("li.has")).toContainText([material]);
        await expect(helper.getByText("还没有收到群众的材料。")).toBeVisible();
        await audit(helper);

        // One tap shows the full number (audited).
        await expect(helper.getByText(phone)).toHaveCount(0);
        await helper.getByRole("button", { name: "显示完整号码" }).click();
        await staffReady(helper);
        await expect(helper).toHaveURL(/\?shown=1$/);
        await expect(helper.getByRole("link", { name: phone })).toHaveAttribute("href", `tel:${phone}`);
        await expect(helper.getByText("（已记录您的查看）")).toBeVisible();
        await expect(helper.getByRole("button", { name: "显示完整号码" })).toHaveCount(0);

        // 联系.
        await helper.getByLabel("联系情况（选填）").fill("已电话联系，约定明天上午到村里收材料");
        await helper.getByRole("button", { name: "记录已联系" }).click();
        await staffReady(helper);
        await expect(helper.getByRole("status")).toHaveText("已记录联系群众。");
        await smsSent(masked, `帮办员已就帮办申请${no}与您联系。`);

        // 收到材料: the papers are at the center.
        await helper.getByLabel("收到的材料").fill(`${material}原件`);
        await helper.getByRole("button", { name: "记录收到材料" }).click();
        await staffReady(helper);
        await expect(helper.getByRole("status")).toHaveText("已记录收到的材料。");
        await expect(helper.locator("dl.facts")).toContainText("正在办理");
        await smsSent(masked, `帮办员已收到您的材料，帮办申请${no}开始办理。`);

        // 交接 to the window, with the receiver's name.
        await helper.getByLabel("交给哪里").selectOption({ label: "受理窗口" });
        await helper.getByLabel("接收人姓名").fill("李窗口");
        await helper.getByLabel("备注（选填）", { exact: true }).fill("原件一份");
        await helper.getByRole("button", { name: "记录交接" }).click();
        await staffReady(helper);
        await expect(helper.getByRole("status")).toHaveText("已记录材料交接。");
        await expect(helper.getByRole("region", { name: "材料在哪里" }).first()).toContainText("现在在：受理窗口");
        await expect(helper.getByRole("row").filter({ hasText: "李窗口" })).toContainText("受理窗口");
        await smsSent(masked, `您的材料（帮办申请${no}）已交至受理窗口。`);
        await audit(helper);

        // The citizen: where the papers are, and the hand-offs.
        await page.goto(`/help/${no}`);
        await settled(page, hydrated);
        await expect(facts).toContainText("正在办理");
        await expect(page.locator(".holder")).toHaveText("您的材料现在在：受理窗口");
        const handoffs = page.getByRole("list", { name: "材料交接记录" }).getByRole("listitem");
        await expect(handoffs).toHaveCount(2);
        await expect(handoffs.nth(0)).toContainText(`群众本人 → 便民服务中心（${staff.helperName}）`);
        await expect(handoffs.nth(1)).toContainText(`便民服务中心（${staff.helperName}） → 受理窗口（李窗口）`);
        await expect(handoffs.nth(1)).toContainText("原件一份");
        // Once the papers are with the helper, the citizen no longer cancels here.
        await expect(page.getByRole("button", { name: "取消申请" })).toHaveCount(0);
        await audit(page);

        // 办好了: mailed, with the tracking note (required for 邮寄).
        await helper.getByLabel("结果怎么交给群众").selectOption({ label: "免费邮寄" });
        await helper.getByLabel("说明", { exact: true }).fill("EMS 1234567890123");
        await helper.getByRole("button", { name: "记录结果" }).click();
        await staffReady(helper);
        await expect(helper.getByRole("status")).toHaveText("已记录办理结果，群众会收到通知。");
        await smsSent(masked, `您的帮办申请${no}已办好，免费邮寄：EMS 1234567890123。`);

        // 办结.
        await helper.getByLabel("办结说明（选填）").fill("群众已收到邮件");
        await helper.getByRole("button", { name: "办结", exact: true }).click();
        await staffReady(helper);
        await expect(helper.getByRole("status")).toHaveText("已办结。");
        await expect(helper.locator("dl.facts")).toContainText("已办结");
        await smsSent(masked, `您的帮办申请${no}已办结。`);
        const steps = helper.getByRole("region", { name: "办理记录" }).getByRole("listitem");
        await expect(steps).toContainText(["已提交", "已安排帮办员", "帮办员已联系您", "材料已收到", "材料交接", "办好了", "已办结"]);
        await audit(helper);
        if (tablet) await shot(helper, testInfo, "staff-help-case");

        // The citizen: every step on the timeline, then the rating.
        await page.goto(`/help/${no}`);
        await settled(page, hydrated);
        await expect(facts).toContainText("已办结");
        await expect(page.getByRole("region", { name: "接下来" })).toContainText("欢迎您对这次帮办服务作出评价");
        // The papers were not handed back: the page says where they ended up.
        await expect(page.locator(".holder")).toContainText("材料最后交到：受理窗口");
        await expect(card).toContainText(staff.helperName);
        const timeline = page.getByRole("region", { name: "办理过程" }).getByRole("listitem");
        await expect(timeline).toContainText([
          "已提交",
          new RegExp(`^已安排帮办员.*帮办员：${staff.helperName}，工作电话：${workPhone}$`),
          "帮办员已联系您",
          "材料已收到，开始办理",
          "材料交接",
          "办好了",
          "已办结",
        ]);
        await expect(timeline.filter({ hasText: "办好了" })).toContainText("免费邮寄：EMS 1234567890123");
        await audit(page);
        await page.getByRole("group", { name: "您对帮办员的服务满意吗" }).getByLabel("非常满意", { exact: true }).check();
        // The aspects in the words of the level picked (also without JavaScript).
        await page.getByRole("group", { name: "哪些方面让您满意？" }).getByRole("checkbox", { name: "服务态度：热情耐心", exact: true }).check();
        await page.getByLabel("想说的话（选填）").fill("帮办员很耐心，谢谢");
        await page.getByRole("button", { name: "提交评价" }).click();
        await expect(page.getByRole("status").filter({ hasText: "感谢您的评价。" })).toBeVisible();
        await expect(page.getByRole("heading", { name: "请为这次帮办评价" })).toHaveCount(0);
        await expect(facts).toContainText(/您的评价\s*非常满意/);
        await expect(timeline.filter({ hasText: "您的评价" })).toContainText("非常满意：帮办员很耐心，谢谢");
        await settled(page, hydrated);
        await audit(page);
        if (!tablet) await shot(page, testInfo, "help-track");

        // Staff see the rating too.
        await helper.goto(`/staff/help/${no}`);
        await staffReady(helper);
        await expect(helper.locator("dl.facts")).toContainText(/群众评价\s*非常满意/);
      } finally {
        await adminCtx.close();
        await helperCtx.close();
      }

      // Another browser finds it on /track by the number, typed loosely, and the last 4 digits.
      const other = await browser.newContext();
      try {
        const p = await other.newPage();
        await p.goto("/track");
        await settled(p, hydrated);
        await p.getByLabel("投诉编号或帮办申请编号").fill(no.replace(/-/g, "").toLowerCase());
        await p.getByLabel(/^手机号后4位/).fill(phone.slice(-4));
        await p.getByRole("button", { name: "查询" }).click();
        await expect(p.getByRole("heading", { level: 1, name: "帮办申请办理进度" })).toBeVisible();
        await expect(p).toHaveURL(new RegExp(`/help/${no}$`));
        await expect(p.locator("dl.facts")).toContainText("已办结");
      } finally {
        await other.close();
      }

      // 我的 lists it beside bookings and complaints.
      await page.goto("/my");
      await settled(page, hydrated);
      const mine = page.getByRole("region", { name: "我的帮办申请" });
      await expect(mine.getByRole("link", { name: new RegExp(`^帮办 ${no} 代办`) })).toBeVisible();
      await expect(mine.getByRole("listitem").filter({ hasText: no })).toContainText("已办结");
      await audit(page);
    });

    test("a helper books a 延时 slot for a citizen after the consent code, and the citizen sees it in 我的 marked as filed on their behalf", async ({
      page,
      browser,
      hydrated,
      audit,
    }, testInfo) => {
      test.setTimeout(180_000);
      const { staff, bookCenter } = setup(testInfo);
      const { phone, masked } = testPhone(testInfo, n(2));
      // Each viewport's run has a window of its own: tomorrow, one slot booked.
      const window = tablet ? { start: "17:00", end: "18:00" } : { start: "12:00", end: "13:00" };
      const slotTime = `${window.start}-${window.start.slice(0, 3)}30`;
      const t = new Date(Date.now() + 8 * 3600_000 + 86_400_000);
      const tomorrow = `${t.getUTCMonth() + 1}月${t.getUTCDate()}日`;

      const [adminCtx, admin] = await staffPage(browser, "e2e_admin", "测试管理员");
      const [helperCtx, helper] = await staffPage(browser, staff.helper, staff.helperName);
      let consentId = "";
      let bookingCode = "";
      try {
        await addWindow(admin, bookCenter, { days: WEEKDAYS, ...window, minutes: 30, capacity: 3 });

        // The consent: the citizen's phone, a code, the kinds of filing.
        await helper.getByRole("navigation", { name: "后台导航" }).getByRole("link", { name: "群众授权" }).click();
        await staffReady(helper);
        await expect(helper.getByRole("heading", { level: 1, name: "群众授权" })).toBeVisible();
        await audit(helper);
        await helper.getByRole("link", { name: "登记群众授权" }).click();
        await staffReady(helper);
        await expect(helper).toHaveURL(/\/staff\/consents\/new$/);
        await expect(helper.getByRole("heading", { level: 1, name: "登记群众授权" })).toBeVisible();
        await audit(helper);
        await helper.getByLabel("群众的手机号").fill(phone);
        await helper.getByRole("group", { name: "授权方式" }).getByRole("radio", { name: /^短信验证码/ }).check();
        await helper.getByRole("group", { name: "授权代办哪些事情" }).getByRole("checkbox", { name: "延时服务预约" }).check();
        const seen = codeCount(masked);
        await helper.getByRole("button", { name: "登记授权" }).click();
        await staffReady(helper);
        await expect(helper).toHaveURL(/\/staff\/consents\/\d+\?done=consent_started$/);
        consentId = helper.url().match(/\/staff\/consents\/(\d+)/)![1];
        await expect(helper.getByRole("heading", { level: 1, name: `群众授权 #${consentId}` })).toBeVisible();
        await expect(helper.getByRole("status")).toContainText("授权已登记。");
        await expect(helper.locator("dl.facts")).toContainText("等待群众念验证码");
        await expect(helper.locator("dl.facts")).toContainText(masked);
        await expect(helper.getByText(phone)).toHaveCount(0);
        await audit(helper);

        // The citizen reads the code back.
        const code = await codeFromLog(masked, seen);
        await smsSent(masked, `您同意帮办员${staff.helperName}在24小时内以您的名义办理：延时服务预约`);
        await helper.getByLabel("请群众念出短信里的6位验证码").fill(code);
        await helper.getByRole("button", { name: "确认授权" }).click();
        await staffReady(helper);
        await expect(helper.getByRole("status")).toHaveText("群众已授权，可以代群众办理。");
        await expect(helper.locator("dl.facts")).toContainText("有效");
        await expect(helper.getByRole("link", { name: /代群众提交帮办申请/ })).toHaveCount(0);

        // The booking in the citizen's name: center, item and day, then a slot.
        await helper.getByRole("link", { name: /代群众预约延时服务/ }).click();
        await staffReady(helper);
        await expect(helper.getByRole("heading", { level: 1, name: "代群众预约延时服务" })).toBeVisible();
        await helper.getByLabel("1. 便民服务中心").selectOption(bookCenter.code);
        await helper.getByRole("button", { name: "下一步" }).click();
        await staffReady(helper);
        await helper.getByLabel("2. 办理事项").selectOption("201");
        await helper.getByRole("group", { name: "3. 日期" }).getByRole("radio", { name: new RegExp(`^${tomorrow} `) }).check();
        await helper.getByRole("button", { name: "查看可约时段" }).click();
        await staffReady(helper);
        const slots = helper.getByRole("group", { name: "4. 时段" });
        await expect(slots).toBeVisible();
        await audit(helper);
        await slots.getByRole("radio", { name: new RegExp(`^${slotTime} 余3个名额`) }).check();
        await helper.getByLabel("群众姓名").fill("赵大妈");
        await helper.getByRole("button", { name: "代群众预约" }).click();
        await staffReady(helper);
        await expect(helper).toHaveURL(new RegExp(`/staff/consents/${consentId}\\?done=booked_for&code=`));
        bookingCode = new URL(helper.url()).searchParams.get("code")!;
        expect(bookingCode).toMatch(/^[2-9A-Z]{8}$/);
        await expect(helper.getByRole("status")).toContainText(`已代群众预约，预约码 ${bookingCode}。`);
        await expect(helper.getByRole("region", { name: "在这个授权下代办的事情" }).first()).toContainText(bookingCode);
        await smsSent(masked, `帮办员${staff.helperName}经您授权（授权编号${consentId}），以您的名义预约了延时服务`);
        await audit(helper);

        // The citizen: 我的 shows the booking, filed on their behalf, and the consent.
        await citizenSignIn(page, hydrated, phone, masked);
        await settled(page, hydrated);
        const booking = page.getByRole("region", { name: "我的办件" }).getByRole("listitem").filter({ hasText: bookingCode });
        await expect(booking).toContainText(`${bookCenter.name} · `);
        await expect(booking.getByRole("link", { name: new RegExp(`^延时预约 ${tomorrow} .*${slotTime}`) })).toBeVisible();
        await expect(booking).toContainText("帮办员代您预约");
        const consents = page.getByRole("region", { name: "我给工作人员的授权" });
        const consent = consents.getByRole("listitem").filter({ hasText: `帮办员：${staff.helperName}` });
        await expect(consent).toContainText("可以办：延时服务预约");
        await expect(consent).toContainText(/有效 · 有效期至/);
        await expect(consent.getByRole("link", { name: `延时服务预约 ${bookingCode}` })).toHaveAttribute(
          "href",
          `/bookings/${bookingCode}`,
        );
        await audit(page);

        // Withdrawn: no more filings under it.
        await consent.getByRole("button", { name: `撤回授权（${staff.helperName}）` }).click();
        await expect(page.getByRole("status").filter({ hasText: "授权已撤回" })).toBeVisible();
        await expect(consent).toContainText(/已撤回 · 有效期至/);
        await expect(consent.getByRole("button")).toHaveCount(0);
        await settled(page, hydrated);
        await audit(page);

        // The helper sees it too: nothing more may be filed under it.
        await helper.goto(`/staff/consents/${consentId}`);
        await staffReady(helper);
        await expect(helper.locator("dl.facts")).toContainText("已撤回");
        await expect(helper.getByText("这个授权现在不能用来代办")).toBeVisible();
        await expect(helper.getByRole("link", { name: /代群众预约延时服务/ })).toHaveCount(0);
      } finally {
        await adminCtx.close();
        await helperCtx.close();
      }
    });

    test("the situation box suggests 残疾人证 from a sentence: live when hydrated, by 帮我找事项 without JavaScript", async ({
      page,
      hydrated,
      audit,
    }, testInfo) => {
      test.slow();
      const { phone, masked } = testPhone(testInfo, n(3));
      await citizenSignIn(page, hydrated, phone, masked);
      await page.goto("/help");
      await settled(page, hydrated);
      await expect(page.getByRole("heading", { level: 2, name: "要办什么事" })).toBeVisible();
      await audit(page);
      const box = page.getByLabel("您遇到了什么情况，想办什么事");
      await box.fill("我奶奶腿脚不好想办个残疾证");
      if (hydrated) {
        // The lazy island loads on first use and suggests as the citizen types.
        const live = page.locator("#situation-suggestions");
        const hit = live.getByRole("link", { name: /残疾人证/ }).first();
        await expect(hit).toBeVisible();
        await expect(live).toContainText("您说的可能是下面的事项");
        await audit(page);
        const name = (await hit.textContent())!.trim();
        await hit.click();
        await expect(page).toHaveURL(/\/help\?seq=\d+$/);
        await settled(page, hydrated);
        await expect(page.locator(".help-item strong")).toHaveText(name);
      } else {
        // The GET form asks the server for the same suggestions.
        await page.getByRole("button", { name: "帮我找事项" }).click();
        await expect(page).toHaveURL(/\/help\?situation=/);
        await expect(box).toHaveValue("我奶奶腿脚不好想办个残疾证");
        const choices = page.getByRole("group", { name: "是不是要办下面的事项？请选一个" });
        await expect(choices.getByRole("radio", { name: /残疾人证/ }).first()).toBeVisible();
        await expect(choices.getByRole("radio", { name: "我也说不清，请工作人员帮我判断" })).toBeVisible();
        await audit(page);
      }
      await expect(page.getByRole("button", { name: "提交申请" })).toBeVisible();
    });
  });
}
