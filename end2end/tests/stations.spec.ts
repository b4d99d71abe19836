import { test, expect, staffReady, staffLogin } from "./fixtures";

// 村（社区）便民服务站: kept by admins in the back office (server-rendered,
// no wasm in either project). Each project works on its own station name.

test("village stations: an admin adds, corrects and retires a station; a bad phone is told next to its field; axe-clean", async ({ page, audit }, testInfo) => {
  const tag = testInfo.project.name === "no-js" ? "甲" : "乙";
  const name = `测试${tag}村便民服务站`;
  await staffLogin(page, "e2e_admin", "测试管理员");
  await page.getByRole("navigation", { name: "后台导航" }).getByRole("link", { name: "便民服务站" }).click();
  await staffReady(page);
  await page.goto("/staff/stations?code=qinyuan");
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: "便民服务站：沁园街道便民服务中心" })).toBeVisible();
  await audit(page);

  const fill = async (phone: string) => {
    await page.getByLabel("服务站名称").fill(name);
    await page.getByLabel("所在村（社区）").fill(`测试${tag}村`);
    await page.getByLabel("电话").fill(phone);
    await page.getByRole("button", { name: "保存" }).click();
    await staffReady(page);
  };

  // A phone with words in it: refused, the message next to the field.
  await fill("请打电话");
  await expect(page.getByLabel("电话")).toHaveAccessibleDescription(/电话只能包含数字/);
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);

  await fill("0391-0000000");
  await expect(page.getByRole("status")).toHaveText("服务站已保存。");
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("0391-0000000");
  await audit(page);

  // Citizens find it on the center's page.
  await page.goto("/centers/qinyuan");
  await staffReady(page);
  const listed = page.getByRole("region", { name: "村（社区）便民服务站" }).getByRole("listitem").filter({ hasText: name });
  await expect(listed).toContainText("0391-0000000");
  await expect(listed.getByRole("link", { name: "0391-0000000" })).toHaveAttribute("href", "tel:0391-0000000");
  await page.goto("/staff/stations?code=qinyuan");
  await staffReady(page);

  // Correct it: the form opens with the station's values.
  await row.getByRole("link", { name: new RegExp(`^修改\\s*${name}$`) }).click();
  await staffReady(page);
  await expect(page.getByRole("heading", { name: "修改服务站" })).toBeVisible();
  await expect(page.getByLabel("服务站名称")).toHaveValue(name);
  await page.getByLabel("电话").fill("0391-1111111");
  await page.getByRole("button", { name: "保存" }).click();
  await staffReady(page);
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("0391-1111111");

  // Retired: off the list.
  await page.getByRole("row", { name: new RegExp(name) }).getByRole("button", { name: new RegExp(`^停用\\s*${name}$`) }).click();
  await staffReady(page);
  await expect(page.getByRole("status")).toHaveText("服务站已停用，不再供群众选择。");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
});
