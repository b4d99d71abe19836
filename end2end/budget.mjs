// The download budget of the citizen pages, measured in Debian's Chromium:
// for each page on a cold cache, every JS and wasm file fetched until its
// islands are hydrated (`<html data-hydrated>`), in brotli bytes (quality 11,
// as the release build precompresses them); then every file of the split
// app. Prints the figures and exits non-zero when a budget is exceeded.
//
//   node end2end/budget.mjs [base-url]
//
// Without a base URL it starts the release server itself (`bianmin demo` on
// port 3108, a throwaway database). Budgets: a page ≤ 150 KB in total, a
// lazy chunk ≤ 60 KB (KB = 1,000 bytes).
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const PAGE_BUDGET = 150_000;
const CHUNK_BUDGET = 60_000;
const PAGES = ["/", "/search?q=社保", "/items/201", "/centers/qinyuan", "/book?seq=201", "/book/qinyuan?seq=201", "/my", "/help?seq=201"];

// Pages whose islands wait for the citizen's first use (data-hydrate="on-use"):
// what that use costs on top, printed for information.
const USE = {
  "/search?q=社保": {
    what: "typing a character (instant search)",
    act: async (page) => {
      await page.getByRole("searchbox").pressSequentially("卡");
      // The island runs once it has the typed text: the address follows it.
      await page.waitForURL(/q=.*%E5%8D%A1/, { timeout: 20_000 });
    },
  },
  "/book/qinyuan?seq=201": {
    what: "picking a day (live slot picker)",
    act: async (page) => {
      await page.getByRole("group", { name: "2. 日期" }).getByRole("radio").nth(1).check();
      await page.waitForURL(/day=/, { timeout: 20_000 });
    },
  },
};

const br = (bytes) =>
  zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => (n / 1000).toFixed(1).padStart(6) + " KB";

// The demo (`bianmin demo`, a throwaway database) so that the booking form
// has 延时 windows and its picker island is part of the measure.
async function startServer() {
  const port = 3108;
  // A server left over from an earlier run would be measured instead.
  const busy = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false);
  if (busy) throw new Error(`port ${port} is already in use`);
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || "/tmp", "budget-"));
  const child = spawn(path.join(root, "target/release/bianmin"), ["demo"], {
    cwd: root,
    env: {
      ...process.env,
      BIANMIN_DEMO_DATABASE_URL: `sqlite://${dir}/demo.db`,
      DATABASE_URL: `sqlite://${dir}/unused.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    },
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () => {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error("the demo server did not start");
}

const server = process.argv[2] ? { base: process.argv[2], stop: () => {} } : await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
let failed = false;
try {
  console.log("First load, cold cache: JS + wasm fetched until hydrated (brotli, q11)");
  for (const p of PAGES) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN" });
    const page = await context.newPage();
    const files = [];
    page.on("response", (resp) => {
      const url = new URL(resp.url());
      // A page that references a file the server does not serve (a binary
      // built without the site's settings) fails the run, named.
      if (resp.status() >= 400 && url.origin === new URL(server.base).origin) {
        failed = true;
        console.log(`MISSING ${resp.status()} ${url.pathname}  referenced by ${p}`);
      }
      if (/\.(js|wasm)$/.test(url.pathname)) files.push(resp.body().then((b) => [url.pathname, br(b)], () => [url.pathname, 0]));
    });
    await page.goto(server.base + p);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 20_000 });
    const first = files.length;
    const sizes = await Promise.all(files);
    const total = sizes.reduce((sum, [, n]) => sum + n, 0);
    const over = total > PAGE_BUDGET;
    failed ||= over;
    console.log(`${over ? "OVER" : "  ok"} ${kb(total)}  ${p}  (${sizes.length} files: ${sizes.map(([f, n]) => `${path.basename(f)} ${(n / 1000).toFixed(1)}`).join(", ")})`);
    const use = USE[p];
    if (use) {
      // Islands hydrated on first use: their chunks come then.
      await use.act(page);
      await page.waitForLoadState("networkidle");
      const extra = (await Promise.all(files.slice(first))).reduce((sum, [, n]) => sum + n, 0);
      console.log(`info ${kb(total + extra)}  ${p} after ${use.what} (+${kb(extra).trim()}, ${files.length - first} files)`);
    }
    await context.close();
  }

  const pkg = path.join(root, "target/site/pkg");
  const all = fs.readdirSync(pkg).filter((f) => /\.(js|wasm)$/.test(f));
  let appTotal = 0;
  let largest = ["", 0];
  for (const f of all) {
    const n = br(fs.readFileSync(path.join(pkg, f)));
    appTotal += n;
    // The main module is budgeted with the pages; the lazy chunks here.
    const isChunk = f.endsWith(".wasm") && !/^bianmin[.-]/.test(f);
    if (isChunk && n > largest[1]) largest = [f, n];
    if (isChunk && n > CHUNK_BUDGET) {
      failed = true;
      console.log(`OVER ${kb(n)}  chunk ${f}`);
    }
  }
  const client = br(fs.readFileSync(path.join(root, "target/site/client.js")));
  console.log(`\nWhole split app: ${all.length} files in target/site/pkg, ${kb(appTotal)} brotli (+ client.js ${kb(client)})`);
  console.log(`Largest lazy chunk: ${largest[0]} ${kb(largest[1])}; chunk budget ${kb(CHUNK_BUDGET)}, page budget ${kb(PAGE_BUDGET)}`);
} finally {
  await browser.close();
  server.stop();
}
if (failed) {
  console.error("budget exceeded");
  process.exit(1);
}
