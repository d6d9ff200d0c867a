window.sampleApp = {
  ready: true,
  message: greet("world", 3),
  nested: nested("a"),
  pattern: /a`b\/c/g.source,
};
document.addEventListener("DOMContentLoaded", () => {
  const out = document.getElementById("message");
  if (out) {
    out.textContent = window.sampleApp.message;
  }
});
