// dossier review workspace: a little plain JavaScript, no build step.
// Forms work without it; this adds zoom, shortcuts, reveal and lease renewal.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

async function post(url) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: {"X-CSRF-Token": csrfToken(), "Content-Type": "application/json"}, body: "{}",
  });
  return {ok: response.ok, status: response.status, body: await response.json().catch(() => ({}))};
}

function setupZoom() {
  const pages = document.getElementById("pages");
  if (!pages) return;
  let zoom = 1;
  const apply = (z) => { zoom = Math.min(5, Math.max(0.4, z)); pages.style.setProperty("--zoom", zoom); };
  document.querySelectorAll("[data-zoom]").forEach((b) => b.addEventListener("click", () => {
    const f = parseFloat(b.dataset.zoom); apply(f === 0 ? 1 : zoom * f);
  }));
  pages.addEventListener("wheel", (e) => {
    if (!e.ctrlKey) return;
    e.preventDefault(); apply(zoom * (e.deltaY < 0 ? 1.1 : 0.9));
  }, {passive: false});
  document.addEventListener("keydown", (e) => {
    if (e.target.matches("input, select, textarea")) return;
    if (e.key === "+" || e.key === "=") apply(zoom * 1.25);
    if (e.key === "-") apply(zoom * 0.8);
    if (e.key === "0") apply(1);
  });
}

function flaggedInputs() {
  return Array.from(document.querySelectorAll(".field.flagged .edit input"));
}

function focusNextFlagged() {
  const inputs = flaggedInputs();
  if (!inputs.length) return;
  const at = inputs.indexOf(document.activeElement);
  inputs[(at + 1) % inputs.length].focus();
}

function setupShortcuts() {
  document.addEventListener("keydown", (e) => {
    if (!e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === "a" && document.getElementById("approve-form")) {
      e.preventDefault(); document.getElementById("approve-form").requestSubmit();
    } else if (key === "r" && document.getElementById("return-reason")) {
      e.preventDefault(); document.getElementById("return-reason").focus();
    } else if (key === "n") {
      e.preventDefault(); focusNextFlagged();
    }
  });
  const focused = document.querySelector(".edit input[autofocus]");
  if (focused) { focused.focus(); focused.scrollIntoView({block: "center"}); }
}

function setupReveal(itemId) {
  document.querySelectorAll("button.reveal").forEach((button) => button.addEventListener("click", async () => {
    const key = button.dataset.key;
    const result = await post(`/api/items/${itemId}/reveal/${key}`);
    if (!result.ok) { button.textContent = "not allowed"; return; }
    document.getElementById(`shown-${key}`).textContent = result.body.value ?? "—";
    const input = document.getElementById(`in-${key}`);
    if (input && !input.value) input.value = result.body.value ?? "";
    button.remove();
  }));
}

function setupLease(item) {
  if (!item.dataset.mine) return;
  const every = Math.max(15, Math.floor(parseInt(item.dataset.leaseSeconds, 10) / 3)) * 1000;
  const timer = setInterval(async () => {
    const result = await post(`/api/items/${item.dataset.item}/claim`);
    if (!result.ok) {
      clearInterval(timer);
      const lease = document.getElementById("lease");
      if (lease) { lease.textContent = "lease lost: reload the page 已失去处理权，请刷新"; lease.classList.add("other"); }
    }
  }, every);
}

document.addEventListener("DOMContentLoaded", () => {
  setupZoom();
  const item = document.getElementById("item");
  if (!item) return;
  setupShortcuts();
  setupReveal(item.dataset.item);
  setupLease(item);
});
