import { test, expect, staffReady, staffLogin, STAFF_PASSWORD } from "./fixtures";

// The back office is server-rendered and ships no wasm, even in the hydrated
// project: pages are waited for with staffReady(), never ready().

test("staff login: one answer for unknown users and wrong passwords, the fifth failure locks; axe-clean", async ({ page, audit }, testInfo) => {
  // One account per project: the projects run in parallel.
  const username = testInfo.project.name === "no-js" ? "lock_nojs" : "lock_hydrated";
  await page.goto("/staff/login");
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: "工作人员登录" })).toBeVisible();
  await expect(page.locator("link[href$='.wasm'], link[rel=modulepreload]")).toHaveCount(0);
  await audit(page);

  // A refused login comes back as a fresh login page: wait for it before the next try.
  const attempt = async (user: string, password: string) => {
    await page.getByLabel("用户名").fill(user);
    await page.getByLabel("密码", { exact: true }).fill(password);
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page.getByLabel("用户名")).toHaveValue("");
    await staffReady(page);
  };

  // An unknown user gets the same answer as a wrong password: no telling which usernames exist.
  await attempt(`nobody_${username}`, "Wrong#Passw0rd");
  await expect(page.getByLabel("密码", { exact: true })).toHaveAccessibleDescription(/^用户名或密码不正确/);
  const answer = (await page.getByText(/^用户名或密码不正确/).textContent())!.trim();

  // Five failures pause logins from this address; every answer is the same,
  // so the pause tells an attacker nothing about the account.
  for (let n = 1; n <= 5; n++) {
    await attempt(username, "Wrong#Passw0rd");
    // Next to the password field, as its description.
    await expect(page.getByLabel("密码", { exact: true })).toHaveAccessibleDescription(answer);
    await expect(page.getByText(answer)).toBeVisible();
  }

  // Paused: even the right password is refused here, with the same answer.
  await attempt(username, STAFF_PASSWORD);
  await expect(page.getByLabel("密码", { exact: true })).toHaveAccessibleDescription(answer);
  await expect(page).toHaveURL(/\/staff\/login/);
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/staff\/login$/);
});

test("staff back office: city admin home, navigation, users, audit log, center settings, sign out", async ({ page }) => {
  // Signed out, the back office sends to the login page.
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/staff\/login$/);

  await staffLogin(page, "e2e_admin", "测试管理员");
  await expect(page.locator("link[href$='.wasm'], link[rel=modulepreload]")).toHaveCount(0);
  const nav = page.getByRole("navigation", { name: "后台导航" });
  for (const name of ["办事指南", "中心设置", "人员账号", "审计日志", "修改密码"]) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
  await expect(page.getByRole("button", { name: "退出" })).toBeVisible();

  await nav.getByRole("link", { name: "人员账号" }).click();
  await staffReady(page);
  await expect(page).toHaveURL(/\/staff\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: "人员账号" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "e2e_admin", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "新建账号" })).toBeVisible();

  await page.getByRole("navigation", { name: "后台导航" }).getByRole("link", { name: "审计日志" }).click();
  await staffReady(page);
  await expect(page).toHaveURL(/\/staff\/audit$/);
  await expect(page.getByRole("heading", { level: 1, name: "审计日志" })).toBeVisible();
  // Every sign-in is recorded, this one included.
  await expect(page.getByRole("row").filter({ hasText: "e2e_admin" }).filter({ hasText: "登录" }).first()).toBeVisible();

  await page.getByRole("navigation", { name: "后台导航" }).getByRole("link", { name: "中心设置" }).click();
  await staffReady(page);
  await expect(page).toHaveURL(/\/staff\/center$/);
  await expect(page.getByRole("heading", { level: 1, name: /^中心设置：/ })).toBeVisible();
  await expect(page.getByLabel("咨询电话")).toBeVisible();

  await page.getByRole("button", { name: "退出" }).click();
  await expect(page).toHaveURL(/\/staff\/login$/);
  await page.goto("/staff/users");
  await expect(page).toHaveURL(/\/staff\/login$/);
});

// One test per page, so that each page's audit is reported on its own.
// The guide editor is audited on a guide with only its sample version
// (read-only here; the editor after a publish and the diff page are audited
// in guides.spec.ts).
for (const [path, heading] of [
  ["/staff", "测试管理员，您好"],
  ["/staff/users", "人员账号"],
  ["/staff/audit", "审计日志"],
  ["/staff/center", /^中心设置：/],
  ["/staff/guides", "办事指南"],
  ["/staff/guides/201", "编辑指南：申领居民身份证（换领）"],
  ["/staff/password", "修改密码"],
  ["/staff/schedule?code=jishui", "延时时段：济水街道便民服务中心"],
  ["/staff/desk?code=jishui", /^济水街道便民服务中心 · /],
  ["/staff/calendar", "节假日与调休"],
] as const) {
  test(`back office ${path} is axe-clean`, async ({ page, audit }) => {
    // Center settings lists every item with its own form: axe needs 10-20 s on it.
    if (path === "/staff/center") test.slow();
    await staffLogin(page, "e2e_admin", "测试管理员");
    await page.goto(path);
    await staffReady(page);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await audit(page);
  });
}
