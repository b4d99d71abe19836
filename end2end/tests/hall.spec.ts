import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Locator, Page, TestInfo } from "@playwright/test";
import { test, expect, settled, staffLogin, staffReady } from "./fixtures";

// The service hall, hydrated and without JavaScript, on a phone (360×740): a
// center admin adds two service windows; every QR code the portal prints (the
// center's four posters, an item's guide poster, the window sticker sheet)
// holds exactly its short link, read back with zbarimg both from the SVG as
// Chromium draws it and from the A4 page Chromium prints to PDF (rasterised by
// pdftoppm at 150 dpi, as a printer would see it); each poster is one A4 page;
// scans of a poster are counted in the back office, week by week; a window's
// sticker leads to its rating page; a made-up code is a plain 404.
//
// Each project works in a center of its own (serve-for-test.sh creates a
// center admin there) that no other spec gives service windows to, so the
// sticker sheet holds exactly this spec's two windows and the scans are this
// run's. The tests build on each other (the windows, then their stickers,
// then their scans): they run in order.
//
// Needs zbarimg (zbar-tools) and pdftoppm (poppler-utils); scripts/setup.sh
// installs them.

test.describe.configure({ mode: "serial" });
test.use({ viewport: { width: 360, height: 740 } });

/** What a printed code holds: this test server's address and a 5-letter code. */
const SHORT_URL = /^http:\/\/127\.0\.0\.1:\d+\/q\/[2-9A-HJ-NP-Z]{5}$/;

function setup(testInfo: TestInfo) {
  const nojs = testInfo.project.name === "no-js";
  const center = nojs
    ? { code: "tiantan", name: "天坛街道便民服务中心" }
    : { code: "beihai", name: "北海街道便民服务中心" };
  const admin = nojs
    ? { username: "hall_admin_nojs", name: "大厅主任乙" }
    : { username: "hall_admin_hydrated", name: "大厅主任甲" };
  return { center, admin };
}

/** The center's four posters and an item's guide poster, with their titles. */
function posters(code: string) {
  return [
    { name: "booking", path: `/centers/${code}/poster`, title: "扫码预约办事" },
    { name: "complaint", path: `/centers/${code}/poster?for=complaint`, title: "扫码投诉建议" },
    { name: "help", path: `/centers/${code}/poster?for=help`, title: "扫码申请帮办代办" },
    { name: "track", path: `/centers/${code}/poster?for=track`, title: "扫码查询办理进度" },
    { name: "item-201", path: `/items/201/poster?center=${code}`, title: null },
  ];
}

/**
 * The QR codes zbarimg finds in `png`, one per line of its output (QR only,
 * so no stray EAN read from text can sneak in); [] when it finds none (exit 4).
 */
function zbar(png: string): string[] {
  let out: string;
  try {
    // stderr piped: zbarimg complains there on machines without D-Bus.
    out = execFileSync("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    if ((e as { status?: number }).status === 4) return [];
    throw e;
  }
  return out
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * `${url}/qr.svg` as served, drawn by Chromium 400 px wide on a white page,
 * screenshotted and read by zbarimg: returns what it decoded, trimmed.
 */
async function decodeServedSvg(page: Page, testInfo: TestInfo, url: string, name: string): Promise<string> {
  const res = await page.request.get(`${url}/qr.svg`);
  expect(res.status(), `${url}/qr.svg`).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
  const svg = await res.body();
  const p = await page.context().newPage();
  try {
    await p.setViewportSize({ width: 480, height: 480 });
    await p.setContent(
      `<!DOCTYPE html><html><body style="margin:0;background:#fff">` +
        `<img id="qr" alt="" width="400" height="400" style="display:block;margin:40px" ` +
        `src="data:image/svg+xml;base64,${svg.toString("base64")}"></body></html>`,
    );
    // setContent waits for the load event, the image included.
    await expect(p.locator("#qr")).toBeVisible();
    const png = testInfo.outputPath(`${name}-svg.png`);
    await p.screenshot({ path: png, clip: { x: 0, y: 0, width: 480, height: 480 } });
    return zbar(png).join("\n").trim();
  } finally {
    await p.close();
  }
}

/**
 * The page printed to A4 PDF by Chromium, rasterised at 150 dpi by pdftoppm:
 * the PDF and page PNGs (written under the test's output folder), and every
 * code zbarimg reads on each page.
 */
async function decodePrinted(page: Page, testInfo: TestInfo, name: string) {
  const pdf = testInfo.outputPath(`${name}.pdf`);
  fs.writeFileSync(pdf, await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true }));
  const prefix = testInfo.outputPath(`${name}-page`);
  execFileSync("pdftoppm", ["-r", "150", "-png", pdf, prefix], { stdio: ["ignore", "pipe", "pipe"] });
  const dir = path.dirname(prefix);
  const base = path.basename(prefix);
  const pngs = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${base}-`) && f.endsWith(".png"))
    .sort()
    .map((f) => path.join(dir, f));
  const decoded = pngs.map((png) => ({ png, urls: zbar(png) }));
  return { pdf, pngs, decoded, all: decoded.flatMap((d) => d.urls) };
}

/**
 * A screenshot of `figure` on the phone-sized page, with the page made tall
 * enough that the fixed bottom navigation bar does not cover it (as it does
 * when the figure is scrolled to the bottom edge of a 740 px screen).
 */
async function screenshotClear(page: Page, figure: Locator, png: string) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: 2000 });
  try {
    await figure.screenshot({ path: png });
  } finally {
    await page.setViewportSize(size);
  }
}

/** Each code as printed on `page`: the figure's data-url, checked against its shape. */
async function dataUrls(page: Page, figure: string): Promise<string[]> {
  // Attributes, not evaluate(): the no-JS project's pages run no script.
  const figures = page.locator(`figure.${figure}`);
  const urls: string[] = [];
  for (let i = 0; i < (await figures.count()); i++) {
    const url = (await figures.nth(i).getAttribute("data-url")) ?? "";
    expect(url, `${figure} data-url`).toMatch(SHORT_URL);
    urls.push(url);
  }
  return urls;
}

test.beforeAll(() => {
  for (const [tool, args, pkg] of [
    ["zbarimg", ["--version"], "zbar-tools"],
    ["pdftoppm", ["-v"], "poppler-utils"],
  ] as const) {
    try {
      execFileSync(tool, [...args], { stdio: "pipe" });
    } catch (e) {
      throw new Error(`${tool} is missing: apt-get install ${pkg} (scripts/setup.sh does) — ${e}`);
    }
  }
});

test("a center admin adds service windows 1 and 2 at /staff/windows and sees them listed; axe-clean", async ({
  page,
  audit,
}, testInfo) => {
  test.slow();
  const { center, admin } = setup(testInfo);
  await staffLogin(page, admin.username, admin.name);

  await page.goto(`/staff/windows?code=${center.code}`);
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: `服务窗口：${center.name}` })).toBeVisible();
  await expect(page.getByText("还没有登记窗口。")).toBeVisible();
  await audit(page);

  for (const n of ["1", "2"]) {
    await page.locator("#wi-number").fill(n);
    await page.locator("#wi-name").fill(`综合受理窗口 ${n}`);
    await page.locator("#wi-kind").selectOption({ label: "综合受理" });
    await page.locator("#wi-staff").selectOption({ label: "不指定" });
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/staff/windows\\?code=${center.code}&done=window$`));
    await staffReady(page);
    await expect(page.getByRole("status")).toContainText("窗口已保存");
  }

  const rows = page.getByRole("region", { name: "服务窗口" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  for (const [i, n] of ["1", "2"].entries()) {
    const cells = rows.nth(i).getByRole("cell");
    await expect(cells.nth(0)).toHaveText(n);
    await expect(cells.nth(1)).toHaveText(`综合受理窗口 ${n}`);
    await expect(cells.nth(2)).toHaveText("综合受理");
    await expect(cells.nth(3)).toHaveText("未指定");
  }
  await audit(page);
});

test("every poster's and sticker's QR code decodes to its exact /q/ link, drawn from the SVG and printed to one A4 PDF page each (zbarimg)", async ({
  page,
  hydrated,
  audit,
}, testInfo) => {
  test.setTimeout(180_000);
  const { center } = setup(testInfo);

  for (const poster of posters(center.code)) {
    await page.goto(poster.path);
    await settled(page, hydrated);
    const title = page.locator("article.poster h1.poster-title");
    await expect(title).toBeVisible();
    if (poster.title) await expect(title).toHaveText(poster.title);
    // This server has no BIANMIN_PUBLIC_URL and runs on 127.0.0.1: the screen
    // says so, and so does the printout.
    await expect(page.locator(".warning-box")).toContainText("BIANMIN_PUBLIC_URL");
    await expect(page.locator(".poster-warning")).toContainText("测试用");

    const urls = await dataUrls(page, "poster-qr");
    expect(urls, `${poster.path}: one code`).toHaveLength(1);
    const url = urls[0];
    await expect(page.locator(".poster-url strong")).toHaveText(url.replace(/^http:\/\//, ""));
    await audit(page);

    // (a) The SVG as served, and as drawn on the page.
    expect(await decodeServedSvg(page, testInfo, url, poster.name), `${poster.path}: ${url}/qr.svg`).toBe(url);
    const onScreen = testInfo.outputPath(`${poster.name}-screen.png`);
    await screenshotClear(page, page.locator("figure.poster-qr"), onScreen);
    expect(zbar(onScreen).join("\n"), `${poster.path}: the code on screen (${onScreen})`).toBe(url);

    // (b) Printed: one A4 page holding that one code.
    const printed = await decodePrinted(page, testInfo, poster.name);
    expect(printed.pngs.length, `${poster.path}: pages printed (${printed.pdf})`).toBe(1);
    expect(printed.all, `${poster.path}: codes read from ${printed.pngs.join(", ")}`).toEqual([url]);
  }

  // The sticker sheet: one sticker per window added by the test above.
  await page.goto(`/centers/${center.code}/stickers`);
  await settled(page, hydrated);
  await expect(page.getByRole("heading", { level: 1, name: `窗口评价贴纸 - ${center.name}` })).toBeVisible();
  await expect(page.locator(".warning-box")).toContainText("BIANMIN_PUBLIC_URL");
  const stickers = page.locator("section.sticker");
  await expect(stickers).toHaveCount(2);
  await expect(page.getByRole("region", { name: "1 号窗口评价贴纸" })).toContainText("综合受理窗口 1");
  await expect(page.getByRole("region", { name: "2 号窗口评价贴纸" })).toContainText("综合受理窗口 2");
  const urls = await dataUrls(page, "sticker-qr");
  expect(urls).toHaveLength(2);
  expect(new Set(urls).size, "a code of its own per window").toBe(2);
  await expect(page.locator(".sticker-url")).toHaveText(urls.map((u) => u.replace(/^http:\/\//, "")));
  await audit(page);

  for (const [i, url] of urls.entries()) {
    expect(await decodeServedSvg(page, testInfo, url, `sticker-${i + 1}`), `${url}/qr.svg`).toBe(url);
    const onScreen = testInfo.outputPath(`sticker-${i + 1}-screen.png`);
    await screenshotClear(page, stickers.nth(i).locator("figure.sticker-qr"), onScreen);
    expect(zbar(onScreen).join("\n"), `sticker ${i + 1} on screen (${onScreen})`).toBe(url);
  }
  const printed = await decodePrinted(page, testInfo, "stickers");
  expect(printed.pngs.length, `sticker sheet pages (${printed.pdf})`).toBeGreaterThanOrEqual(1);
  expect(printed.all.length, `each sticker's code read once from ${printed.pngs.join(", ")}`).toBe(urls.length);
  expect(new Set(printed.all), `codes read from ${printed.pngs.join(", ")}`).toEqual(new Set(urls));
});

test("scans are counted: the booking poster followed twice shows 2 this week in /staff/posters; a window sticker leads to its rating page", async ({
  page,
  hydrated,
  audit,
}, testInfo) => {
  test.slow();
  const { center, admin } = setup(testInfo);

  // The booking poster's link, followed as a phone would after scanning it.
  await page.goto(`/centers/${center.code}/poster`);
  await settled(page, hydrated);
  const [url] = await dataUrls(page, "poster-qr");
  const code = url.slice(-5);
  for (let i = 0; i < 2; i++) {
    await page.goto(url);
    await expect(page).toHaveURL(new RegExp(`/book/${center.code}\\?src=${code}$`));
    await settled(page, hydrated);
    await expect(page.getByRole("heading", { level: 1, name: `预约${center.name}` })).toBeVisible();
  }

  // Each window's sticker: counted, then on to that window's rating page.
  await page.goto(`/centers/${center.code}/stickers`);
  await settled(page, hydrated);
  const stickerUrls = await dataUrls(page, "sticker-qr");
  expect(stickerUrls).toHaveLength(2);
  const windowIds = new Set<string>();
  for (const s of stickerUrls) {
    const res = await page.request.get(s, { maxRedirects: 0 });
    expect(res.status(), s).toBe(302);
    const location = res.headers()["location"];
    const m = location.match(new RegExp(`^/rate/window/(\\d+)\\?src=${s.slice(-5)}$`));
    expect(m, `${s} → ${location}`).not.toBeNull();
    expect(res.headers()["cache-control"]).toContain("no-store");
    windowIds.add(m![1]);
  }
  expect(windowIds.size, "a rating page per window").toBe(2);

  // The back office: this week (the first week column) and the 8-week total.
  await staffLogin(page, admin.username, admin.name);
  await page.goto(`/staff/posters?code=${center.code}`);
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: `海报与二维码：${center.name}` })).toBeVisible();
  const table = page.getByRole("table", { name: "各海报每周扫码次数" });
  await expect(table).toBeVisible();
  const row = (c: string) => table.locator("tbody tr").filter({ has: page.getByRole("cell", { name: `/q/${c}`, exact: true }) });
  const booking = row(code);
  await expect(booking).toHaveCount(1);
  await expect(booking.getByRole("rowheader")).toHaveText("延时错时预约");
  const counts = booking.locator("td.num");
  await expect(counts).toHaveCount(9);
  await expect(counts.first()).toHaveText("2");
  await expect(counts.last()).toHaveText("2");
  for (const [i, s] of stickerUrls.entries()) {
    const w = row(s.slice(-5));
    await expect(w.getByRole("rowheader")).toHaveText(`窗口评价：${i + 1} 号 综合受理窗口 ${i + 1}`);
    await expect(w.locator("td.num").first()).toHaveText("1");
  }
  for (const label of ["投诉建议", "帮办代办", "办理进度查询"]) {
    await expect(table.getByRole("rowheader", { name: label, exact: true })).toHaveCount(1);
  }
  await audit(page);
});

test("a made-up code /q/ZZZZZ is a 404 that says 没有这个二维码地址", async ({ page, audit }) => {
  const res = await page.goto("/q/ZZZZZ");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "没有这个二维码地址" })).toBeVisible();
  await expect(page.getByRole("link", { name: "便民服务首页" })).toHaveAttribute("href", "/");
  await audit(page);
  const svg = await page.request.get("/q/ZZZZZ/qr.svg");
  expect(svg.status()).toBe(404);
});
