import { test, expect, staffLogin, staffReady } from "./fixtures";
import type { Page } from "@playwright/test";

// 好差评 statistics for a city admin, hydrated and without JavaScript, at
// 360×740: the 16 centers compared with a 合计 line, the bars and the line
// drawn as SVG by the server, and the CSV holding exactly the rows shown
// (its column sums are the 合计 line). Other specs rate windows while this
// runs, so the table and the CSV are compared from one moment: read again
// until two reads agree.

test.use({ viewport: { width: 360, height: 740 } });

/** The statistics table's rows as text cells, 合计 last. */
async function tableRows(page: Page): Promise<string[][]> {
  const rows = page.getByRole("region", { name: "好差评统计表" }).locator("tbody tr");
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = rows.nth(i).locator("th, td");
    out.push((await cells.allInnerTexts()).map((t) => t.trim()));
  }
  return out;
}

test("a city admin compares the 16 centers: table, server-drawn charts, and the CSV of exactly those rows; axe-clean", async ({ page, audit }) => {
  await staffLogin(page, "e2e_admin", "测试管理员");
  const nav = page.getByRole("navigation", { name: "后台导航" });
  await nav.getByRole("link", { name: "好差评统计" }).click();
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("好差评统计：全市16个便民服务中心");
  // Charts are drawings from the server, described for screen readers.
  await expect(page.getByRole("img", { name: /各中心评价数条形图/ }).locator("svg")).toHaveCount(1);
  await expect(page.getByRole("img", { name: /满意率折线图/ }).locator("svg")).toHaveCount(1);
  await audit(page);

  const csvLink = page.getByRole("link", { name: "导出本表（CSV）" });
  let table: string[][] = [];
  let csv: string[][] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.reload();
    await staffReady(page);
    table = await tableRows(page);
    const href = await csvLink.getAttribute("href");
    const reply = await page.request.get(href!);
    expect(reply.status()).toBe(200);
    expect(reply.headers()["content-type"]).toContain("text/csv");
    const text = (await reply.text()).replace(/^\uFEFF/, "");
    csv = text.trim().split(/\r?\n/).map((l) => l.split(","));
    if (JSON.stringify(csv.slice(1).map((r) => r.slice(0, 8))) === JSON.stringify(table.map((r) => r.slice(0, 8)))) break;
  }
  // Sixteen centers and 合计, in the table and in the CSV, the same figures.
  expect(table).toHaveLength(17);
  expect(table[16][0]).toBe("合计");
  expect(csv[0].slice(0, 8)).toEqual(["中心", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "合计", "满意率"]);
  expect(csv.slice(1).map((r) => r.slice(0, 8))).toEqual(table.map((r) => r.slice(0, 8)));
  // The CSV's columns add up to its 合计 line.
  for (let col = 1; col <= 6; col++) {
    const sum = csv.slice(1, 17).reduce((n, r) => n + Number(r[col]), 0);
    expect(String(sum)).toBe(csv[17][col]);
  }

  // By month: the same page over six months, a plain GET form.
  await page.getByLabel("周期").selectOption("month");
  await page.getByRole("button", { name: "统计" }).click();
  await staffReady(page);
  await expect(page).toHaveURL(/period=month/);
  await expect(page.getByRole("table").locator("caption")).toHaveText("按中心统计");
  await expect(page.getByRole("img", { name: /满意率折线图/ })).toHaveAttribute("aria-label", /月/);
  await audit(page);
});

test("a city admin picks a center once, in the staff header, and every page shows it until 全市; axe-clean", async ({ page, audit }) => {
  await staffLogin(page, "e2e_admin", "测试管理员");
  const nav = page.getByRole("navigation", { name: "后台导航" });
  const switcher = page.getByRole("combobox", { name: "查看中心" });
  await nav.getByRole("link", { name: "好差评统计" }).click();
  await staffReady(page);
  await expect(switcher).toHaveValue("");
  await switcher.selectOption("qinyuan");
  await page.getByRole("button", { name: "切换" }).click();
  await staffReady(page);
  // Back on the same page, now about that center, without a `?code=` of its own.
  await expect(page).toHaveURL(/\/staff\/stats$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("好差评统计：沁园街道便民服务中心");
  await expect(switcher).toHaveValue("qinyuan");
  await audit(page);

  // Every center page follows the one choice; none has a switcher of its own.
  for (const [link, heading] of [
    ["服务窗口", "服务窗口：沁园街道便民服务中心"],
    ["便民服务站", /沁园街道便民服务中心/],
    ["差评整改", /沁园街道便民服务中心/],
  ] as const) {
    await nav.getByRole("link", { name: link }).click();
    await staffReady(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
    // Another center is offered once on the page: by the header's switcher.
    await expect(page.getByRole("option", { name: "济水街道便民服务中心" })).toHaveCount(1);
    await expect(switcher).toHaveValue("qinyuan");
  }
  await audit(page);

  // 全市: the statistics compare the centers again.
  await switcher.selectOption("");
  await page.getByRole("button", { name: "切换" }).click();
  await staffReady(page);
  await nav.getByRole("link", { name: "好差评统计" }).click();
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("好差评统计：全市16个便民服务中心");
});
