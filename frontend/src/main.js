// The script every page loads: styles, htmx, and the chart islands when a page has one.
import "bootstrap/dist/css/bootstrap.min.css";
import "./styles.css";
import htmx from "htmx.org";

// The Content Security Policy forbids inline styles and eval: htmx must not inject its indicator <style>
// (styles.css carries those rules) nor evaluate hx-on / js: attributes.
htmx.config.includeIndicatorStyles = false;
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
// A 422 answer carries the form again with its errors, so it is swapped in like a success;
// other errors keep the page as it is and show a notice.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "422", swap: true },
  { code: "[45]..", swap: false, error: true },
];
// htmx would keep copies of visited pages in localStorage, where they outlive logging out on a shared
// office computer. Keep none: back and forward load the page from the server again.
htmx.config.historyCacheSize = 0;
htmx.config.refreshOnHistoryMiss = true;
window.htmx = htmx;

// Every htmx request carries the page's CSRF token, like the forms do.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});

// A failed partial update says so in the page's live region instead of failing silently.
function showRequestError() {
  const region = document.getElementById("kc-live-error");
  if (region) region.hidden = false;
}
document.addEventListener("htmx:responseError", showRequestError);
document.addEventListener("htmx:sendError", showRequestError);
document.addEventListener("htmx:beforeRequest", () => {
  const region = document.getElementById("kc-live-error");
  if (region) region.hidden = true;
});

// A checklist's summary names what is ticked (without JavaScript it shows what was saved).
document.addEventListener("change", (event) => {
  const list = event.target.closest(".kc-checklist");
  if (!list) return;
  const ticked = [...list.querySelectorAll("input:checked")].map((box) => box.nextElementSibling.textContent.trim());
  const summary = list.querySelector("summary");
  list.querySelector(".kc-checklist-value").textContent = ticked.join(", ") || summary.dataset.placeholder;
});

// Chart code is fetched only when the page (or a swapped fragment) holds a chart island.
htmx.onLoad((root) => {
  const islands = root.querySelectorAll ? root.querySelectorAll("figure[data-chart]") : [];
  if (islands.length === 0) return;
  import("./charts.js").then(({ mount }) => islands.forEach(mount));
});
