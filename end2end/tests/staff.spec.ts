import { test, expect, staffReady, staffLogin, STAFF_PASSWORD } from "./fixtures";

// The back office is server-rendered and ships no wasm, even in the hydrated
// project: pages are waited for with staffReady(), never ready().

test("staff login: wrong passwords count down, the fifth locks the account; axe-clean", async ({ page, audit }, testInfo) => {
  // One account per project: the projects run in parallel.
  const username = testInfo.project.name === "no-js" ? "lock_nojs" : "lock_hydrated";
  await page.goto("/staff/login");
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: "工作人员登录" })).toBeVisible();
  await expect(page.locator("script[src*='/pkg/']")).toHaveCount(0);
  await audit(page);

  for (let left = 4; left >= 1; left--) {
    await page.getByLabel("用户名").fill(username);
    await page.getByLabel("密码", { exact: true }).fill("Wrong#Passw0rd");
    await page.getByRole("button", { name: "登录" }).click();
    // Next to the password field, as its description.
    await expect(page.getByLabel("密码", { exact: true })).toHaveAccessibleDescription(`用户名或密码不正确，还可尝试${left}次`);
  }
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码", { exact: true }).fill("Wrong#Passw0rd");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "连续5次密码错误，账号已锁定30分钟" })).toBeVisible();

  // Locked: even the right password is refused.
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码", { exact: true }).fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "锁定" })).toBeVisible();
  await expect(page).toHaveURL(/\/staff\/login/);
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/staff\/login$/);
});

test("staff back office: city admin home, navigation, users, audit log, center settings, sign out; axe-clean", async ({ page, audit }) => {
  // Signed out, the back office sends to the login page.
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/staff\/login$/);

  await staffLogin(page, "e2e_admin", "测试管理员");
  await expect(page.locator("script[src*='/pkg/']")).toHaveCount(0);
  const nav = page.getByRole("navigation", { name: "后台导航" });
  for (const name of ["办事指南", "中心设置", "人员账号", "审计日志", "修改密码"]) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
  await expect(page.getByRole("button", { name: "退出" })).toBeVisible();
  await audit(page);

  await nav.getByRole("link", { name: "人员账号" }).click();
  await staffReady(page);
  await expect(page).toHaveURL(/\/staff\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: "人员账号" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "e2e_admin", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "新建账号" })).toBeVisible();
  await audit(page);

  await page.getByRole("navigation", { name: "后台导航" }).getByRole("link", { name: "审计日志" }).click();
  await staffReady(page);
  await expect(page).toHaveURL(/\/staff\/audit$/);
  await expect(page.getByRole("heading", { level: 1, name: "审计日志" })).toBeVisible();
  // Every sign-in is recorded, this one included.
  await expect(page.locator("table.data tbody tr").filter({ hasText: "e2e_admin" }).first()).toBeVisible();
  await audit(page);

  await page.getByRole("navigation", { name: "后台导航" }).getByRole("link", { name: "中心设置" }).click();
  await staffReady(page);
  await expect(page).toHaveURL(/\/staff\/center$/);
  await expect(page.getByRole("heading", { level: 1, name: /^中心设置：/ })).toBeVisible();
  await expect(page.getByLabel("咨询电话")).toBeVisible();
  await audit(page);

  await page.getByRole("button", { name: "退出" }).click();
  await expect(page).toHaveURL(/\/staff\/login$/);
  await page.goto("/staff/users");
  await expect(page).toHaveURL(/\/staff\/login$/);
});
