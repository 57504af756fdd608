// Live character counter for the answer box: counts characters as Mercado Libre does
// (code points, not UTF-16 units) and warns near the limit. Delegated from the document, so it
// keeps working when live updates replace the composer.
(function () {
  const update = (box) => {
    const counter = document.getElementById("char-counter");
    if (!counter) return;
    const max = Number(box.dataset.max || 2000);
    const n = Array.from(box.value).length;
    counter.textContent = n + " / " + max;
    counter.classList.toggle("over", n > max);
    counter.classList.toggle("near", n > max * 0.9 && n <= max);
  };
  document.addEventListener("input", (e) => {
    if (e.target && e.target.id === "answer-text") update(e.target);
  });
  // An action-guide option may allow fewer characters than the channel: the box follows the
  // chosen option's limit.
  document.addEventListener("change", (e) => {
    const option = e.target;
    if (!option || option.name !== "option_id" || !option.dataset.limit) return;
    const box = document.getElementById("answer-text");
    if (!box) return;
    box.dataset.max = option.dataset.limit;
    box.maxLength = Number(option.dataset.limit);
    update(box);
  });
  const box = document.getElementById("answer-text");
  if (box) update(box);
})();

// Live updates: the server says when the inbox changed; the list and the open thread are
// refreshed in place, and the composer only while it is empty, so a half-written answer is never
// lost.
(function () {
  const list = document.getElementById("conversation-list");
  if (!list || !window.EventSource) return;
  const swap = (doc, selector) => {
    const fresh = doc.querySelector(selector);
    const current = document.querySelector(selector);
    if (fresh && current) current.replaceWith(fresh);
  };
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
      swap(doc, "#conversation-list");
      swap(doc, ".thread .messages");
      // The composer only while nothing is being written in it.
      const box = document.getElementById("answer-text");
      if (!box || box.value === "") swap(doc, "#composer");
    } catch (_) { /* offline for a moment: the next event retries */ }
  });
})();
