// Live character counter for the answer box: counts characters as Mercado Libre does
// (code points, not UTF-16 units) and warns before the limit is reached.
(function () {
  const box = document.getElementById("answer-text");
  const counter = document.getElementById("char-counter");
  if (!box || !counter) return;
  const max = Number(box.dataset.max || 2000);
  const update = () => {
    const n = Array.from(box.value).length;
    counter.textContent = n + " / " + max;
    counter.classList.toggle("over", n > max);
    counter.classList.toggle("near", n > max * 0.9 && n <= max);
  };
  box.addEventListener("input", update);
  update();
})();

// Live updates: the server says when the inbox changed; only the conversation list is refreshed,
// so a half-written answer is never lost.
(function () {
  const list = document.getElementById("conversation-list");
  if (!list || !window.EventSource) return;
  let baseline = null;
  const events = new EventSource("/events");
  events.addEventListener("inbox", async (e) => {
    if (baseline === null) {
      baseline = e.data;
      document.body.dataset.live = "on";
      return;
    }
    if (e.data === baseline) return;
    baseline = e.data;
    try {
      const page = await fetch(location.href, { credentials: "same-origin" });
      if (!page.ok) return;
      const doc = new DOMParser().parseFromString(await page.text(), "text/html");
      const fresh = doc.getElementById("conversation-list");
      const current = document.getElementById("conversation-list");
      if (fresh && current) current.replaceWith(fresh);
    } catch (_) { /* offline for a moment: the next event retries */ }
  });
})();
