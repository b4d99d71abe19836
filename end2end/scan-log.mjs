#!/usr/bin/env node
// Fails when a server log holds a full resident ID number or a full mainland
// mobile number: the server must only ever log masked forms (138****1234,
// 4101**********1234). Prints the offending line numbers, never the numbers.
//
//   node scan-log.mjs test-results/server.log   scan a log (exit 1 on a hit)
//   node scan-log.mjs --self-test               check the patterns themselves
//
// No dependencies: runs with a plain node.

import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Colour escapes are dropped first: the scan sees the text a reader sees.
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

// A number counts only as a whole digit run: a 13-digit millisecond timestamp
// or a 19-digit id contains 11 and 18 digits but is neither.
const PATTERNS = [
  // 17 digits and a check character (digit or X).
  { kind: "resident ID number (18 characters)", re: /(?<!\d)\d{17}[\dXx](?!\d)/ },
  // 1, then 3-9, then 9 digits.
  { kind: "mobile number (11 digits)", re: /(?<!\d)1[3-9]\d{9}(?!\d)/ },
  // The same with the country code (+86 13812341234, +8613812341234).
  { kind: "mobile number with +86", re: /\+86[ -]?1[3-9]\d{9}(?!\d)/ },
  // The same written in groups (138 1234 1234, 138-1234-1234).
  { kind: "mobile number (grouped)", re: /(?<!\d)1[3-9]\d[ -]\d{4}[ -]\d{4}(?!\d)/ },
];

/** The hits in `text`: 1-based line numbers and what matched, never the value. */
export function scanText(text) {
  const hits = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(ANSI, "");
    for (const { kind, re } of PATTERNS) {
      if (re.test(line)) hits.push({ line: i + 1, kind });
    }
  });
  return hits;
}

function report(file, hits) {
  return hits.map((h) => `${file}:${h.line}: full ${h.kind}`);
}

function scanFile(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`scan-log: cannot read ${file}: ${e.code ?? e.message}`);
    return 2;
  }
  const hits = scanText(text);
  const lines = text.split(/\r?\n/).length - (text.endsWith("\n") ? 1 : 0);
  if (hits.length === 0) {
    console.log(`scan-log: ${file}: ${lines} lines, no full ID or mobile numbers`);
    return 0;
  }
  for (const msg of report(file, hits)) console.error(msg);
  const where = [...new Set(hits.map((h) => h.line))].join(", ");
  console.error(`scan-log: ${file}: full ID or mobile numbers on line(s) ${where}`);
  return 1;
}

function selfTest() {
  // [line, expected to be caught]
  const samples = [
    ["2025-06-01T08:00:00.123456Z  INFO bianmin: listening addr=127.0.0.1:3107", false],
    ["INFO sms (log sender) to=13812341234 body=\"验证码123456\"", true],
    ["INFO sms (log sender) to=138****1234 body=\"【济源便民服务】验证码123456，5分钟内有效。\"", false],
    ["profile id=11010519491231002X saved", true],
    ["profile id=11010519491231002x saved", true],
    ["profile id=110105194912310021 saved", true],
    ["masked id 4101**********1234 and 1101**********002X", false],
    ["{\"phone\":\"19912345678\"}", true],
    ["at=1718000000000 elapsed_ms=12", false],
    ["trace id 1234567890123456789 (19 digits)", false],
    ["a 12-digit run 138123412345", false],
    ["not a mobile 12345678901", false],
    ["outbox id=42 attempts=3 code=654321", false],
    ["caller +86 13912345678", true],
    ["caller +8613912345678", true],
    ["caller 139-1234-5678", true],
    ["\x1b[2m2025-06-01\x1b[0m \x1b[32mINFO\x1b[0m \x1b[3mto\x1b[0m\x1b[2m=\x1b[0m13712345678", true],
    ["\x1b[3mto\x1b[0m\x1b[2m=\x1b[0m137****5678", false],
  ];
  const text = samples.map(([l]) => l).join("\n") + "\n";
  const expected = samples.flatMap(([, caught], i) => (caught ? [i + 1] : []));
  const failures = [];

  const got = [...new Set(scanText(text).map((h) => h.line))];
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    failures.push(`caught lines ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
  }
  // The report names lines, never the numbers it found.
  const messages = report("x.log", scanText(text)).join("\n");
  for (const secret of ["13812341234", "11010519491231002", "19912345678", "13912345678", "13712345678"]) {
    if (messages.includes(secret)) failures.push(`the report repeats a planted number`);
  }
  // The file path end to end: a clean file passes, a planted one fails.
  const dir = mkdtempSync(join(tmpdir(), "scan-log-"));
  try {
    const clean = join(dir, "clean.log");
    const dirty = join(dir, "dirty.log");
    writeFileSync(clean, samples.filter(([, c]) => !c).map(([l]) => l).join("\n"));
    writeFileSync(dirty, text);
    const quiet = { log: console.log, error: console.error };
    console.log = console.error = () => {};
    let rcClean, rcDirty, rcMissing;
    try {
      rcClean = scanFile(clean);
      rcDirty = scanFile(dirty);
      rcMissing = scanFile(join(dir, "missing.log"));
    } finally {
      Object.assign(console, quiet);
    }
    if (rcClean !== 0) failures.push(`a clean log exits ${rcClean}, expected 0`);
    if (rcDirty !== 1) failures.push(`a log with planted numbers exits ${rcDirty}, expected 1`);
    if (rcMissing !== 2) failures.push(`a missing log exits ${rcMissing}, expected 2`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (failures.length) {
    for (const f of failures) console.error(`scan-log self-test: ${f}`);
    return 1;
  }
  console.log(`scan-log self-test: ok (${expected.length} planted numbers caught, ${samples.length - expected.length} clean lines passed)`);
  return 0;
}

const args = process.argv.slice(2);
if (args[0] === "--self-test") {
  process.exit(selfTest());
} else if (args.length === 1) {
  process.exit(scanFile(args[0]));
} else {
  console.error("usage: node scan-log.mjs LOGFILE | node scan-log.mjs --self-test");
  process.exit(2);
}
