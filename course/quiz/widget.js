// The quiz question's front end, loaded by anywidget. Native form controls only, so keyboard use
// and screen readers work as they do on any web form. The kernel validates and records every answer.
let counter = 0;

function make(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function choices(model, spec, uid, multiple) {
  const box = make("div", { class: "hq-choices" });
  const type = multiple ? "checkbox" : "radio";
  for (const opt of spec.options) {
    const id = `${uid}-${opt.id}`;
    const input = make("input", { type, id, name: uid, value: opt.id });
    const label = make("label", { for: id, class: "hq-choice" });
    label.append(input, make("span", {}, opt.text));
    input.addEventListener("change", () => {
      if (multiple) {
        const ticked = [...box.querySelectorAll("input:checked")].map((e) => e.value);
        model.set("answer", ticked);
      } else {
        model.set("answer", input.value);
      }
      model.save_changes();
    });
    box.append(label);
  }
  const show = () => {
    const answer = model.get("answer");
    for (const input of box.querySelectorAll("input")) {
      input.checked = multiple ? Array.isArray(answer) && answer.includes(input.value) : answer === input.value;
    }
  };
  return [box, show];
}

function numeric(model, spec, uid) {
  const box = make("div", { class: "hq-numeric" });
  const id = `${uid}-value`;
  const label = make("label", { for: id }, "Your answer");
  const input = make("input", { type: "text", id, inputmode: "decimal", autocomplete: "off",
                                "aria-describedby": `${uid}-unit` });
  const unit = make("span", { id: `${uid}-unit`, class: "hq-unit" }, `in ${spec.unit}`);
  const save = make("button", { type: "button", class: "hq-button" }, "Save answer");
  const commit = () => { model.set("answer", input.value); model.save_changes(); };
  save.addEventListener("click", commit);
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); commit(); } });
  box.append(label, input, unit, save);
  const show = () => {
    const answer = model.get("answer");
    if (typeof answer === "number") input.value = String(answer);
  };
  return [box, show];
}

function ordering(model, spec, uid, announce) {
  const box = make("div", { class: "hq-ordering" });
  const list = make("ol", { class: "hq-order", "aria-label": "Items in your order, first at the top" });
  const text = Object.fromEntries(spec.items.map((i) => [i.id, i.text]));
  let order = spec.items.map((i) => i.id);
  const saveAsIs = make("button", { type: "button", class: "hq-button" }, "Save this order");
  saveAsIs.addEventListener("click", () => { model.set("answer", [...order]); model.save_changes(); });
  const move = (id, step) => {
    const from = order.indexOf(id);
    const to = from + step;
    if (to < 0 || to >= order.length) return;
    order.splice(from, 1);
    order.splice(to, 0, id);
    draw();
    announce(`${text[id]}: moved to position ${to + 1} of ${order.length}.`);
    model.set("answer", [...order]);
    model.save_changes();
  };
  const draw = () => {
    // Redrawing must not drop keyboard focus: put it back on the same item's same button.
    const had = list.contains(document.activeElement) ? document.activeElement : null;
    const focusItem = had?.getAttribute("data-item"), focusStep = had?.getAttribute("data-step");
    list.replaceChildren();
    order.forEach((id, n) => {
      const li = make("li", { class: "hq-item" });
      const up = make("button", { type: "button", class: "hq-move", "data-item": id, "data-step": "-1",
                                  "aria-label": `Move up: ${text[id]}` }, "\u2191 Up");
      const down = make("button", { type: "button", class: "hq-move", "data-item": id, "data-step": "1",
                                    "aria-label": `Move down: ${text[id]}` }, "\u2193 Down");
      if (n === 0) up.disabled = true;
      if (n === order.length - 1) down.disabled = true;
      up.addEventListener("click", () => move(id, -1));
      down.addEventListener("click", () => move(id, 1));
      li.append(make("span", { class: "hq-item-text" }, text[id]), up, down);
      list.append(li);
    });
    if (focusItem) {
      const again = list.querySelector(`button[data-item="${focusItem}"][data-step="${focusStep}"]`);
      (again && !again.disabled ? again : list.querySelector(`button[data-item="${focusItem}"]:not([disabled])`))?.focus();
    }
  };
  draw();
  box.append(list, saveAsIs);
  const show = () => {
    const answer = model.get("answer");
    if (Array.isArray(answer) && answer.length === order.length && answer.join() !== order.join()) {
      order = [...answer];
      draw();
    }
  };
  return [box, show];
}

function matching(model, spec, uid) {
  const box = make("div", { class: "hq-matching" });
  const selects = {};
  for (const entry of spec.left) {
    const id = `${uid}-${entry.id}`;
    const row = make("div", { class: "hq-match" });
    const label = make("label", { for: id }, entry.text);
    const select = make("select", { id, "data-left": entry.id });
    select.append(make("option", { value: "" }, "\u2014 choose \u2014"));
    for (const r of spec.right) select.append(make("option", { value: r.id }, r.text));
    select.addEventListener("change", () => {
      const answer = {};
      for (const [left, s] of Object.entries(selects)) if (s.value) answer[left] = s.value;
      model.set("answer", answer);
      model.save_changes();
    });
    selects[entry.id] = select;
    row.append(label, select);
    box.append(row);
  }
  const show = () => {
    const answer = model.get("answer") || {};
    for (const [left, s] of Object.entries(selects)) s.value = answer[left] || "";
  };
  return [box, show];
}

function render({ model, el }) {
  const spec = model.get("spec");
  const practice = model.get("mode") === "practice";
  const uid = `hq-${spec.id}-${Date.now().toString(36)}-${counter++}`;
  // data-lm-suppress-shortcuts: JupyterLab's and Notebook 7's own keys (arrows select cells, Space
  // scrolls) must not take the keys that native form controls need.
  const form = make("fieldset", { class: `hq hq-${spec.type}`, "data-question": spec.id, "data-type": spec.type,
                                  "data-lm-suppress-shortcuts": "true" });
  // Keys a form control handles itself stay with it (the attribute above covers JupyterLab's shortcut
  // registry; the notebook's own cell navigation listens for bubbling key events).
  form.addEventListener("keydown", (event) => {
    if (event.target !== form && !event.ctrlKey && !event.metaKey && !(event.shiftKey && event.key === "Enter")) {
      event.stopPropagation();
    }
  });
  const legend = make("legend", { class: "hq-prompt" }, spec.prompt);
  const mode = make("p", { class: "hq-mode" },
    practice ? "Practice question: not graded. Check your answer as often as you like."
             : "Graded question: your answer is saved as you give it; you see whether it is right after grading.");
  const rule = make("p", { class: "hq-rule", id: `${uid}-rule` }, spec.rule);
  form.setAttribute("aria-describedby", `${uid}-rule`);
  const live = make("p", { class: "hq-status", role: "status", "aria-live": "polite" });
  const announce = (message) => { live.textContent = message; };
  const build = { single: () => choices(model, spec, uid, false), multiple: () => choices(model, spec, uid, true),
                  numeric: () => numeric(model, spec, uid), ordering: () => ordering(model, spec, uid, announce),
                  matching: () => matching(model, spec, uid) }[spec.type];
  const [body, show] = build();
  form.append(legend, mode, body, rule);
  const verdict = make("div", { class: "hq-verdict", role: "status", "aria-live": "polite" });
  if (practice) {
    const bar = make("div", { class: "hq-actions" });
    const check = make("button", { type: "button", class: "hq-button hq-check" }, "Check");
    const reveal = make("button", { type: "button", class: "hq-button hq-reveal" }, "Show answer");
    check.addEventListener("click", () => model.send({ event: "check" }));
    reveal.addEventListener("click", () => model.send({ event: "show_key" }));
    bar.append(check, reveal);
    form.append(bar);
  }
  form.append(live, verdict);
  const showStatus = () => { live.textContent = model.get("status"); };
  const showVerdict = () => {
    const v = model.get("verdict") || {};
    verdict.replaceChildren(...(v.lines || []).map((line) => make("p", {}, line)));
    verdict.className = "hq-verdict" + (v.right === true ? " hq-right" : v.right === false ? " hq-wrong" : "");
  };
  model.on("change:answer", show);
  model.on("change:status", showStatus);
  model.on("change:verdict", showVerdict);
  show(); showStatus(); showVerdict();
  el.append(form);
  return () => {
    model.off("change:answer", show);
    model.off("change:status", showStatus);
    model.off("change:verdict", showVerdict);
  };
}

export default { render };
