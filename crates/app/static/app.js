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
