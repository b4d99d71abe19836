import { defineConfig } from "@playwright/test";

// The release server on its own port and its own throwaway SQLite file.
const port = Number(process.env.E2E_PORT ?? 3107);
const baseURL = `http://127.0.0.1:${port}`;
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const browser = {
  viewport: { width: 360, height: 740 },
  launchOptions: {
    executablePath: chromium,
    // The machine's network is closed: keep Chromium from reaching out.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // A fake camera for the desk's QR check-in (public/desk-scan.js).
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
    ],
  },
  locale: "zh-CN",
  baseURL,
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  // Every spec runs twice: hydrated, and with JavaScript disabled.
  projects: [
    { name: "hydrated", use: { ...browser, javaScriptEnabled: true } },
    { name: "no-js", use: { ...browser, javaScriptEnabled: false } },
  ],
  webServer: {
    command: `bash ./serve-for-test.sh ${port}`,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
