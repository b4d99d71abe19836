import { test, expect, ready, staffReady, staffLogin, shanghaiToday } from "./fixtures";

// Both projects edit guides at the same time: each uses its own items, and
// items no other spec looks at (item.spec checks the sample banner of 201 and 130).
const items = {
  hydrated: { publish: { seq: 193, name: "户口迁入" }, draft: 141 },
  "no-js": { publish: { seq: 196, name: "死亡、宣告死亡人员办理户口注销" }, draft: 144 },
} as const;

test("guide edit → publish → citizens see it; history and diff; axe-clean", async ({ page, hydrated, audit }, testInfo) => {
  const { seq, name } = items[testInfo.project.name as keyof typeof items].publish;
  const summary = `E2E（${testInfo.project.name}）：本说明由端到端测试发布，用于核对发布流程。`;

  await staffLogin(page, "e2e_admin", "测试管理员");
  await page.getByRole("navigation", { name: "后台导航" }).getByRole("link", { name: "办事指南" }).click();
  await staffReady(page);
  await expect(page.getByRole("heading", { level: 1, name: "办事指南" })).toBeVisible();
  await page.getByLabel("事项名称或序号").fill(String(seq));
  await page.getByRole("button", { name: "查找" }).click();
  await staffReady(page);
  const row = page.locator("table.data tbody tr").filter({ has: page.getByRole("cell", { name: String(seq), exact: true }) });
  await expect(row).toContainText("第1版");
  await row.getByRole("link", { name, exact: true }).click();
  await staffReady(page);
  await expect(page).toHaveURL(new RegExp(`/staff/guides/${seq}$`));
  await expect(page.getByRole("heading", { level: 1, name: `编辑指南：${name}` })).toBeVisible();

  const before = await page.getByLabel("事项说明").inputValue();
  expect(before).not.toBe("");
  await page.getByLabel("事项说明").fill(summary);
  await page.getByRole("button", { name: "发布" }).click();

  await expect(page).toHaveURL(new RegExp(`/staff/guides/${seq}\\?done=published$`));
  await staffReady(page);
  await expect(page.getByRole("status").filter({ hasText: "已发布，群众页面已更新。" })).toBeVisible();
  await expect(page.getByLabel("事项说明")).toHaveValue(summary);
  await audit(page);

  // History: the sample was 第1版, this is 第2版, and 第1版 links to the diff.
  const history = page.getByRole("region", { name: "历史版本" });
  await expect(history.getByRole("cell", { name: "第2版", exact: true })).toBeVisible();
  await expect(history.getByRole("cell", { name: "第1版（示例）", exact: true })).toBeVisible();
  await history.getByRole("link", { name: "与第2版对比" }).click();
  await staffReady(page);
  await expect(page).toHaveURL(new RegExp(`/staff/guides/${seq}/diff\\?from=1&to=2$`));
  await expect(page.getByRole("heading", { level: 1, name: "第1版 → 第2版" })).toBeVisible();
  await expect(page.locator("ol.diff li.added")).toContainText([`新增：事项说明：${summary}`]);
  await expect(page.locator("ol.diff li.removed")).toContainText([`删除：事项说明：${before}`]);
  await audit(page);

  // The citizen page (hydrated in that project) shows the new version at once.
  await page.goto(`/items/${seq}`);
  await ready(page, hydrated);
  await expect(page.getByText(summary)).toBeVisible();
  await expect(page.getByText(`指南版本 2 · 发布于 ${shanghaiToday()}`)).toBeVisible();
  await expect(page.getByText("示例内容，以窗口告知为准")).toHaveCount(0);
});

test("publishing with a required field emptied: error next to it, text kept as a draft", async ({ page, hydrated }, testInfo) => {
  const seq = items[testInfo.project.name as keyof typeof items].draft;
  const summary = `E2E（${testInfo.project.name}）：未能发布的草稿内容。`;

  await staffLogin(page, "e2e_admin", "测试管理员");
  await page.goto(`/staff/guides/${seq}`);
  await staffReady(page);
  await page.getByLabel("事项说明").fill(summary);
  await page.getByLabel("收费标准").fill("");
  await page.getByRole("button", { name: "发布" }).click();

  await staffReady(page);
  await expect(page.getByLabel("收费标准")).toHaveAccessibleDescription("请填写收费标准（不收费请填“不收费”）");
  await expect(page.getByText("请填写收费标准（不收费请填“不收费”）")).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "未能发布：请按提示修改。已填写的内容已保存为草稿。" })).toBeVisible();
  // What was typed survived the round trip: it is the saved draft.
  await expect(page.getByLabel("事项说明")).toHaveValue(summary);
  await expect(page.getByLabel("收费标准")).toHaveValue("");

  // Reopened later, the editor starts from the draft.
  await page.goto(`/staff/guides/${seq}`);
  await staffReady(page);
  await expect(page.getByText(/正在编辑草稿（.*保存），发布后群众页面才会更新。/)).toBeVisible();
  await expect(page.getByLabel("事项说明")).toHaveValue(summary);
  await expect(page.getByRole("region", { name: "历史版本" }).getByRole("cell", { name: "第2版" })).toHaveCount(0);

  // Citizens still see the published sample.
  await page.goto(`/items/${seq}`);
  await ready(page, hydrated);
  await expect(page.getByText("示例内容，以窗口告知为准")).toBeVisible();
  await expect(page.getByText(summary)).toHaveCount(0);
});
