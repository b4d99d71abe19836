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
  SERVER_LOG,
} from "./fixtures";

// 好差评 for a service window end to end, hydrated and without JavaScript, on
// a phone (360×740): a center admin adds window 5 and finds its sticker's
// short link; a citizen "scans" it, proves the phone on the rating page, is
// stopped when a 不满意 names no aspect (nothing saved: no case opens), then
// rates 不满意（服务态度） with a comment; the case lands in the admin's
// 电子监察 queue, is called back, then rectified at once, and the rater gets
// the rectification SMS. Every page is axe-clean.
//
// Each project works in a center of its own (serve-for-test.sh creates a
// center admin there) that no other spec gives service windows to, so the
// queue holds exactly this test's case. hall.spec's windows are 1 and 2 at
// other centers; this one is 5.

test.use({ viewport: { width: 360, height: 740 } });

function setup(testInfo: TestInfo) {
  const nojs = testInfo.project.name === "no-js";
  const center = nojs
    ? { code: "lilin", name: "梨林镇便民服务中心" }
    : { code: "potou", name: "坡头镇便民服务中心" };
  const admin = nojs
    ? { username: "rate_admin_nojs", name: "评价主任乙" }
    : { username: "rate_admin_hydrated", name: "评价主任甲" };
  return { center, admin };
}

/**
 * A browser context of its own (the project's options apply), signed in as
 * staff, and the Content-Security-Policy violations its pages report (the
 * `page` fixture only watches the citizen's page).
 */
async function staffPage(browser: Browser, username: string, name: string): Promise<[BrowserContext, Page, string[]]> {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const violations: string[] = [];
  p.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await staffLogin(p, username, name);
  return [ctx, p, violations];
}

/** The lines the log SMS sender wrote for `masked`. */
function smsLines(masked: string): string[] {
  let text = "";
  try {
    text = fs.readFileSync(SERVER_LOG, "utf8");
  } catch {
    return [];
  }
  return text.split("\n").filter((l) => l.includes("sms (log sender)") && l.includes(`to=${masked}`));
}

test("好差评: window 5's sticker → the citizen proves the phone and rates 不满意 (an aspect required) → 电子监察 → 回访 → 立行立改 → the rater is told by SMS; axe-clean", async ({
  page,
  browser,
  hydrated,
  audit,
}, testInfo) => {
  test.setTimeout(180_000);
  const { center, admin } = setup(testInfo);
  const { phone, masked } = testPhone(testInfo, 91);
  const windowName = "社保医保窗口";
  const subject = `5 号窗口 ${windowName}`;
  const comment = "等了半小时没人理，工作人员一直在看手机";
  const callbackNote = "已电话联系评价人，核实当班人员离岗看手机属实";
  const rectifyNote = "当班人员已批评教育，窗口增设叫号提醒，离岗须挂牌";

  const [adminCtx, staff, staffCsp] = await staffPage(browser, admin.username, admin.name);
  try {
    // (1) The center admin adds window 5.
    await staff.goto(`/staff/windows?code=${center.code}`);
    await staffReady(staff);
    await expect(staff.getByRole("heading", { level: 1, name: `服务窗口：${center.name}` })).toBeVisible();
    await staff.locator("#wi-number").fill("5");
    await staff.locator("#wi-name").fill(windowName);
    await staff.locator("#wi-kind").selectOption({ label: "专项业务" });
    await staff.locator("#wi-staff").selectOption({ label: "不指定" });
    await staff.getByRole("button", { name: "保存", exact: true }).click();
    await expect(staff).toHaveURL(new RegExp(`/staff/windows\\?code=${center.code}&done=window$`));
    await staffReady(staff);
    await expect(staff.getByRole("status")).toContainText("窗口已保存");
    const row = staff.getByRole("region", { name: "服务窗口" }).locator("tbody tr").filter({ hasText: windowName });
    await expect(row.getByRole("cell").nth(0)).toHaveText("5");
    await expect(row.getByRole("cell").nth(2)).toHaveText("专项业务");
    await audit(staff);

    // (2) Its sticker, from the link on the same page: the short link it prints.
    await staff.getByRole("link", { name: "打印窗口贴纸" }).click();
    await expect(staff).toHaveURL(new RegExp(`/centers/${center.code}/stickers$`));
    await settled(staff, hydrated);
    const sticker = staff.getByRole("region", { name: "5 号窗口评价贴纸" });
    await expect(sticker).toContainText(windowName);
    // An attribute, not evaluate(): the no-JS project's pages run no script.
    const url = (await sticker.locator("figure.sticker-qr").getAttribute("data-url")) ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/q\/[2-9A-HJ-NP-Z]{5}$/);
    await expect(sticker.locator(".sticker-url")).toHaveText(url.replace(/^http:\/\//, ""));
    const src = url.slice(-5);

    // (3) The citizen (no staff cookie) scans it: the window's rating page,
    // which first asks for the phone.
    await page.goto(url);
    await expect(page).toHaveURL(new RegExp(`/rate/window/\\d+\\?src=${src}$`));
    const windowId = page.url().match(/\/rate\/window\/(\d+)/)![1];
    const here = `/rate/window/${windowId}`;
    await settled(page, hydrated);
    await expect(page.getByRole("heading", { level: 1, name: "评价5号窗口" })).toBeVisible();
    await expect(page.locator("p.lead")).toHaveText(`${center.name} · ${windowName}`);
    await expect(page.getByText("评价前请先验证手机号。")).toBeVisible();
    await expect(page.getByRole("button", { name: "提交评价" })).toHaveCount(0);
    await audit(page);

    const seen = codeCount(masked);
    await page.getByLabel("手机号码").fill(phone);
    await page.getByRole("button", { name: "获取验证码" }).click();
    const code = await codeFromLog(masked, seen);
    await page.getByLabel("短信验证码（6位数字）").fill(code);
    await page.getByRole("button", { name: "登录" }).click();

    // (4) The rating form, for this phone.
    await expect(page.getByText(`评价人手机：${masked}`)).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`${here}(\\?|$)`));
    await settled(page, hydrated);
    await expect(page.getByRole("heading", { level: 1, name: "评价5号窗口" })).toBeVisible();
    await expect(page.getByText(phone)).toHaveCount(0);
    // (The legend is "您对这个窗口的服务满意吗？" or, since ratings also cover
    // appointments, "您对这次服务满意吗？".)
    const levels = page.getByRole("group", { name: /^您对这.*满意吗？$/ });
    const aspects = page.getByRole("group", { name: /哪些方面/ });
    await expect(aspects).toHaveAccessibleName("涉及哪些方面？");
    await expect(levels.getByRole("radio")).toHaveCount(5);
    for (const label of ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]) {
      await expect(levels.getByRole("radio", { name: label, exact: true })).toHaveAttribute("name", "rating[level]");
    }
    for (const label of ["整体满意度", "服务效率", "服务水平", "服务态度"]) {
      await expect(aspects.getByRole("checkbox", { name: label, exact: true })).toHaveAttribute("name", "rating[reasons][]");
    }
    await audit(page);

    // The aspects' words follow the level picked (CSS, so also without JavaScript).
    for (const [level, legend, efficiency] of [
      ["非常满意", "哪些方面让您满意？", "服务效率：办得快，不用多跑"],
      ["基本满意", "哪些方面还需改进？", "服务效率：等候或办理时间偏长"],
      ["非常不满意", "哪些方面让您不满意？", "服务效率：等得太久或多跑了路"],
    ]) {
      await levels.getByRole("radio", { name: level, exact: true }).check();
      await expect(aspects).toHaveAccessibleName(legend);
      await expect(aspects.getByRole("checkbox", { name: efficiency, exact: true })).toBeVisible();
    }

    // 不满意 without naming what went wrong: refused, next to the aspects.
    await levels.getByRole("radio", { name: "不满意", exact: true }).check();
    await page.getByRole("button", { name: "提交评价" }).click();
    const reasonsError = page.locator("#rt-reasons-error");
    await expect(reasonsError).toContainText("请至少勾选一个不满意的方面");
    await expect(aspects).toHaveAccessibleDescription(/请至少勾选一个不满意的方面/);
    await expect(page.getByText("感谢您的评价")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "提交评价" })).toBeVisible();
    await settled(page, hydrated);
    await audit(page);

    // Nothing was saved: a bad rating would have opened a case.
    await staff.goto(`/staff/reviews?code=${center.code}`);
    await staffReady(staff);
    await expect(staff.getByRole("heading", { level: 1, name: `差评整改：${center.name}` })).toBeVisible();
    await expect(staff.getByRole("link", { name: "待回访：0" })).toBeVisible();
    await expect(staff.getByText("没有需要处理的差评。")).toBeVisible();

    // Now with the aspect and a comment.
    await levels.getByRole("radio", { name: "不满意", exact: true }).check();
    await aspects.getByRole("checkbox", { name: "服务态度：态度冷淡、不耐烦", exact: true }).check();
    await page.locator("#rt-comment").fill(comment);
    await page.getByRole("button", { name: "提交评价" }).click();
    await expect(page).toHaveURL(new RegExp(`${here}\\?done=1$`));
    const thanks = page.getByRole("status").filter({ hasText: "感谢您的评价" });
    await expect(thanks).toContainText("感谢您的评价！您的评价：不满意。");
    await expect(thanks).toContainText("中心会在1个工作日内电话回访");
    await expect(page.getByRole("button", { name: "提交评价" })).toHaveCount(0);
    await settled(page, hydrated);
    await audit(page);

    // Once per phone, window and day: the sticker again shows today's rating.
    await page.goto(url);
    await settled(page, hydrated);
    await expect(page.getByRole("status")).toContainText(/已经评价过.*您的评价：不满意。/);
    await expect(page.getByRole("button", { name: "提交评价" })).toHaveCount(0);

    // (5) 电子监察: one case awaiting its callback.
    await staff.goto(`/staff/reviews?code=${center.code}`);
    await staffReady(staff);
    await expect(staff.getByRole("link", { name: "待回访：1" })).toBeVisible();
    await expect(staff.getByRole("link", { name: "回访或整改超期：0" })).toBeVisible();
    const rows = staff.getByRole("region", { name: "差评列表" }).locator("tbody tr");
    await expect(rows).toHaveCount(1);
    const cells = rows.first().getByRole("cell");
    await expect(cells.nth(0)).toHaveText(subject);
    await expect(cells.nth(1)).toHaveText("不满意（服务态度：态度冷淡、不耐烦）");
    await expect(cells.nth(3)).toHaveText("待回访");
    await expect(cells.nth(4)).toContainText("回访期限");
    await expect(staff.getByText(phone)).toHaveCount(0);
    await audit(staff);

    await cells.nth(0).getByRole("link", { name: subject }).click();
    await expect(staff).toHaveURL(/\/staff\/reviews\/\d+$/);
    const caseUrl = new URL(staff.url()).pathname;
    await staffReady(staff);
    await expect(staff.getByRole("heading", { level: 1, name: `差评整改：${subject}` })).toBeVisible();
    const facts = staff.locator("dl.facts");
    await expect(facts).toContainText(center.name);
    await expect(facts).toContainText("不满意（服务态度：态度冷淡、不耐烦）");
    await expect(facts).toContainText(comment);
    await expect(facts).toContainText(masked);
    await expect(facts).toContainText(/待回访，回访期限/);
    await expect(staff.getByText(phone)).toHaveCount(0);
    await audit(staff);

    // 回访.
    const actions = staff.getByRole("group", { name: "操作" });
    await actions.getByRole("radio", { name: "记录回访" }).check();
    await expect(actions.getByRole("radio", { name: "记录回访" })).toHaveAttribute("value", "callback");
    await staff.locator("#rv-note").fill(callbackNote);
    await staff.getByRole("button", { name: "提交", exact: true }).click();
    await expect(staff).toHaveURL(new RegExp(`${caseUrl}\\?done=review_callback$`));
    await staffReady(staff);
    await expect(staff.getByRole("status")).toContainText("已记录回访");
    await expect(facts).toContainText("已回访");
    await audit(staff);

    // 立行立改, the rater told.
    const rectify = actions.getByRole("radio", { name: "立行立改，告知评价人" });
    await expect(rectify).toHaveAttribute("value", "rectify");
    await rectify.check();
    await staff.locator("#rv-note").fill(rectifyNote);
    await staff.getByRole("button", { name: "提交", exact: true }).click();
    await expect(staff).toHaveURL(new RegExp(`${caseUrl}\\?done=review_rectify$`));
    await staffReady(staff);
    await expect(staff.getByRole("status")).toContainText("已记录整改结果");
    await expect(facts.locator("dd").filter({ hasText: "已整改" })).toHaveCount(1);
    await expect(staff.getByRole("heading", { name: "下一步" })).toHaveCount(0);
    const steps = staff.getByRole("region", { name: "办理经过" }).getByRole("listitem");
    await expect(steps).toHaveCount(3);
    await expect(steps.nth(0)).toContainText("评价“不满意”");
    await expect(steps.nth(0)).toContainText(comment);
    await expect(steps.nth(1).locator("strong")).toHaveText("回访");
    await expect(steps.nth(1)).toContainText(admin.name);
    await expect(steps.nth(1)).toContainText(callbackNote);
    await expect(steps.nth(2).locator("strong")).toHaveText("整改完成，已短信告知评价人");
    await expect(steps.nth(2)).toContainText(rectifyNote);
    await audit(staff);

    // Off the open queue; still listed under 全部.
    await staff.goto(`/staff/reviews?code=${center.code}`);
    await staffReady(staff);
    await expect(staff.getByRole("link", { name: "待回访：0" })).toBeVisible();
    await expect(staff.getByText("没有需要处理的差评。")).toBeVisible();
    await staff.getByRole("link", { name: "全部", exact: true }).click();
    await staffReady(staff);
    const all = staff.getByRole("region", { name: "差评列表" }).locator("tbody tr");
    await expect(all).toHaveCount(1);
    await expect(all.first().getByRole("cell").nth(3)).toHaveText("已整改");

    // (6) The rater is told by SMS (the log sender's line: masked number, the
    // outbox span's kind, the body).
    const body = `【济源便民】您对${center.name}${subject}的评价，中心已回访并整改：${rectifyNote}。感谢您的监督。`;
    await smsSent(masked, "已回访并整改");
    const sms = smsLines(masked).filter((l) => l.includes("kind=review_rectified"));
    expect(sms, `one review_rectified SMS to ${masked} in ${SERVER_LOG}`).toHaveLength(1);
    expect(sms[0]).toContain(body);
    // The callback alone tells the rater nothing; the rating sent no text either.
    expect(smsLines(masked).filter((l) => !/kind=otp/.test(l)), "texts other than the code").toHaveLength(1);
    expect(fs.readFileSync(SERVER_LOG, "utf8").includes(phone), "the full number in the server log").toBe(false);

    expect(staffCsp, "Content-Security-Policy violations (staff pages)").toEqual([]);
  } finally {
    await adminCtx.close();
  }
});
