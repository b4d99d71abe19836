// The citizen pages' one script: it hydrates the islands and navigates
// between server-rendered pages without reloading.
//
// Islands: when the browser is idle, the wasm is loaded and every
// `<leptos-island>` hydrated (a lazy island first fetches its own chunk);
// then `<html data-hydrated>` is set. Islands are not nested here. Instant
// search and the booking pickers wait for their first use (hydrateOnUse).
//
// Navigation: links and forms are plain HTML and work without this file.
// With it, a click or a submit fetches the next page and swaps in its <body>:
// the wasm already loaded is kept, and only the new page's islands are
// hydrated. Anything unexpected (a network error, a file instead of a page, a
// new deployment) falls back to the browser's own navigation, and a wasm or
// chunk that fails to load leaves the plain HTML working: a flaky connection
// never leaves a dead page.
//
// Leptos ships an island script and an islands router; they are not used
// because the first has no hook for "all islands hydrated", and the second
// never removes attributes when diffing, has no fallback when fetch fails,
// and leaves scroll and focus where the old page had them.
(() => {
  "use strict";
  const root = document.documentElement;
  const me = document.currentScript;

  let wasm = null;
  function hydrateOne(el) {
    el.$$hydrated = true;
    const hydrate = wasm[el.dataset.component];
    return hydrate ? Promise.resolve(hydrate(el)).catch((e) => console.warn(e)) : Promise.resolve();
  }
  // An island inside `data-hydrate="on-use"` (instant search, the booking
  // pickers) is hydrated when the citizen first types or picks in it, or
  // comes back to the tab: its chunks are not worth a slow phone's download
  // before then, and the plain forms work meanwhile. The text typed or the
  // choice made is kept and replayed to the island once it runs.
  function hydrateOnUse(el) {
    el.$$hydrated = true;
    let started = false;
    // Every control touched before the island ran, in the order last touched
    // (an item chosen, then a day: both, or the item would be lost).
    const touched = new Map();
    const track = (ev) => {
      const field = ev.target;
      touched.delete(field);
      touched.set(field, { value: field.value, checked: field.checked });
      start();
    };
    const start = () => {
      if (started) return;
      started = true;
      hydrateOne(el).then(() => {
        el.removeEventListener("input", track, true);
        el.removeEventListener("change", track, true);
        let replayed = false;
        for (const [field, was] of touched) {
          if (!field.isConnected) continue;
          // Hydration sets the controls back to the server's answer.
          field.value = was.value;
          if (field.type === "radio" || field.type === "checkbox") field.checked = was.checked;
          field.dispatchEvent(new Event("input", { bubbles: true }));
          field.dispatchEvent(new Event("change", { bubbles: true }));
          replayed = true;
        }
        if (!replayed && document.visibilityState === "visible") {
          // Woken by a return to the tab: let the island refresh.
          document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
        }
      });
    };
    el.addEventListener("input", track, true);
    el.addEventListener("change", track, true);
    el.$$wake = start;
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    for (const el of document.querySelectorAll("leptos-island")) if (el.$$wake) el.$$wake();
  });
  // Hydrates the islands under `node` not yet hydrated; resolves when done.
  async function hydrateIslands(node) {
    if (!wasm) return;
    const pending = [];
    for (const el of node.querySelectorAll("leptos-island")) {
      if (el.$$hydrated) continue;
      if (el.closest('[data-hydrate="on-use"]')) hydrateOnUse(el);
      else pending.push(hydrateOne(el));
    }
    await Promise.all(pending);
  }

  const idle = window.requestIdleCallback || ((f) => setTimeout(f, 1));
  idle(async () => {
    try {
      const mod = await import(me.dataset.js);
      await mod.default({ module_or_path: me.dataset.wasm });
      mod.hydrate();
      wasm = mod;
      await hydrateIslands(document.body);
      root.setAttribute("data-hydrated", "1");
    } catch (err) {
      // The page keeps working as plain HTML.
      console.warn("islands not loaded", err);
    }
  });

  if (!window.fetch || !window.DOMParser || !history.pushState) return;

  // Paths that are not part of the citizen app: full page loads.
  const OUTSIDE = /^\/(staff|pkg|api|prefs\/|bookings\/[^/]+\/ics)/;
  let current = 0;
  // The page shown, to tell a move within it (#…) from one to another.
  let shown = location.pathname + location.search;

  const sameApp = (url) =>
    url.origin === location.origin && !OUTSIDE.test(url.pathname);

  // The deployment a page belongs to: its hashed stylesheet and wasm names.
  const build = (doc) =>
    [...doc.querySelectorAll('link[rel="stylesheet"], link[rel="modulepreload"]')]
      .map((l) => l.getAttribute("href"))
      .join(" ");
  const myBuild = build(document);

  history.replaceState({ scroll: 0, ...(history.state || {}) }, "");

  function swap(doc) {
    document.title = doc.title;
    for (const name of ["class", "lang", "data-demo"]) {
      const value = doc.documentElement.getAttribute(name);
      if (value === null) root.removeAttribute(name);
      else root.setAttribute(name, value);
    }
    const oldDesc = document.querySelector('meta[name="description"]');
    const newDesc = doc.querySelector('meta[name="description"]');
    if (oldDesc && newDesc) oldDesc.setAttribute("content", newDesc.getAttribute("content"));
    else if (oldDesc) oldDesc.remove();
    else if (newDesc) document.head.append(document.importNode(newDesc, true));
    document.body.replaceChildren(
      ...[...doc.body.childNodes].map((n) => document.importNode(n, true))
    );
  }

  function settle(url, scroll) {
    if (url.hash) {
      const target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
      if (target) {
        target.scrollIntoView();
        return;
      }
    }
    window.scrollTo(0, scroll || 0);
    // As after a page load, a screen reader starts at the new content.
    const focus = document.querySelector("[autofocus]") || document.getElementById("main");
    if (focus) focus.focus({ preventScroll: true });
  }

  async function go(request, { push, scroll, fallback }) {
    const id = ++current;
    // On <body>: ARIA allows no attributes on <html> (axe: aria-allowed-attr).
    document.body.setAttribute("aria-busy", "true");
    try {
      const resp = await fetch(request);
      const type = resp.headers.get("content-type") || "";
      if (!type.startsWith("text/html")) throw new Error("not a page");
      const html = await resp.text();
      if (id !== current) return;
      const doc = new DOMParser().parseFromString(html, "text/html");
      if (build(doc) !== myBuild) throw new Error("new deployment");
      // A post answered without a redirect stays at the page it came from.
      const url = new URL(resp.redirected || request.method === "GET" ? resp.url : location.href);
      url.hash = new URL(request.url).hash;
      if (push) {
        history.replaceState({ ...history.state, scroll: window.scrollY }, "");
        history.pushState({ scroll: 0 }, "", url);
      } else {
        history.replaceState({ scroll: scroll || 0 }, "", url);
      }
      shown = url.pathname + url.search;
      swap(doc);
      settle(url, scroll);
      // The new page's islands (if the wasm is still on its way, they are
      // hydrated when it arrives).
      await hydrateIslands(document.body);
      root.dataset.navigations = String(Number(root.dataset.navigations || 0) + 1);
    } catch (err) {
      if (id === current) fallback();
    } finally {
      if (id === current) document.body.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("click", (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = ev.target.closest && ev.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download")) return;
    if ((a.getAttribute("rel") || "").split(/\s+/).includes("external")) return;
    const url = new URL(a.href);
    if (!sameApp(url)) return;
    // A jump within the page is the browser's.
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
    ev.preventDefault();
    go(new Request(url, { headers: { Accept: "text/html" } }), {
      push: true,
      fallback: () => location.assign(url),
    });
  });

  document.addEventListener("submit", (ev) => {
    if (ev.defaultPrevented) return;
    const form = ev.target;
    const method = (form.getAttribute("method") || "get").toUpperCase();
    const url = new URL(form.action, location.href);
    // Forms post to server functions (/api/…) and /prefs/…, which answer
    // with a redirect to a page; the back office is not part of the app.
    if (form.target || url.origin !== location.origin || /^\/staff/.test(url.pathname)) return;
    const data = new FormData(form, ev.submitter || undefined);
    let request;
    if (method === "GET") {
      url.search = new URLSearchParams(data).toString();
      request = new Request(url, { headers: { Accept: "text/html" } });
    } else if (method === "POST") {
      const multipart = form.enctype === "multipart/form-data";
      request = new Request(url, {
        method: "POST",
        headers: { Accept: "text/html" },
        body: multipart ? data : new URLSearchParams(data),
      });
    } else {
      return;
    }
    ev.preventDefault();
    // One post at a time: a second tap while the first is on its way does
    // nothing, and the button says the first is in progress.
    if (method === "POST") {
      if (form.getAttribute("aria-busy") === "true") return;
      form.setAttribute("aria-busy", "true");
      if (ev.submitter) ev.submitter.textContent = "正在提交…";
    }
    go(request, {
      push: true,
      // Plain submission, which this listener does not see again.
      fallback: () => HTMLFormElement.prototype.submit.call(form),
    });
  });

  window.addEventListener("popstate", (ev) => {
    const url = new URL(location.href);
    if (url.pathname + url.search === shown) return;
    const scroll = ev.state && ev.state.scroll;
    go(new Request(url, { headers: { Accept: "text/html" } }), {
      push: false,
      scroll,
      fallback: () => location.reload(),
    });
  });
})();
