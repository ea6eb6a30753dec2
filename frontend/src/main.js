import "bootstrap/dist/css/bootstrap.min.css";
import "./styles.css";
import htmx from "htmx.org";

window.htmx = htmx;

// Every htmx request carries the page's CSRF token, like the forms do.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});
