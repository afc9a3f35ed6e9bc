// The search page: asks this language's Pagefind index (the index is picked from <html lang>) and lists the
// results above the list of every action and partner. Without JavaScript the form reloads the page, whose
// list is the way in. Strings come from the page (i18n/), never from here.
const box = document.getElementById("search-results");
const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const status = box.querySelector(".search-status");
const list = box.querySelector(".search-list");
let pagefind = null;
let asked = 0;

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
}

async function search(query) {
  const turn = ++asked;
  query = query.trim();
  if (!query) { status.textContent = ""; list.replaceChildren(); return; }
  try {
    pagefind = pagefind || await import(box.dataset.bundle + "pagefind.js");
    await pagefind.options({ baseUrl: box.dataset.base });
    const found = await pagefind.search(query);
    const results = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
    if (turn !== asked) return;  // a newer query is on its way
    list.replaceChildren(...results.map((data) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = data.url;
      link.textContent = data.meta.title || data.url;
      const excerpt = document.createElement("p");
      excerpt.innerHTML = data.excerpt;  // Pagefind's own escaped text with <mark> around the words found
      item.append(link, excerpt);
      return item;
    }));
    status.textContent = say(results.length ? box.dataset.found : box.dataset.none,
      { count: found.results.length, query: query });
  } catch (error) {
    status.textContent = box.dataset.failed;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
  search(input.value);
});
let timer = 0;
input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => search(input.value), 250); });
const initial = new URLSearchParams(location.search).get("q");
if (initial) { input.value = initial; search(initial); }
