// The quiz question's front end, loaded by anywidget. Native form controls only, so keyboard use
// and screen readers work as they do on any web form. The kernel validates and records every answer.
// Each builder returns its controls and a `show(answer, exact)` that puts an answer on them; `exact` (for a
// widget whose kernel has gone) shows exactly that answer, or none, never what was typed or clicked since.
let counter = 0;

function make(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function choices(spec, uid, multiple, give) {
  const box = make("div", { class: "hq-choices" });
  const type = multiple ? "checkbox" : "radio";
  for (const opt of spec.options) {
    const id = `${uid}-${opt.id}`;
    const input = make("input", { type, id, name: uid, value: opt.id });
    const label = make("label", { for: id, class: "hq-choice" });
    label.append(input, make("span", {}, opt.text));
    input.addEventListener("change", () => {
      give(multiple ? [...box.querySelectorAll("input:checked")].map((e) => e.value) : input.value);
    });
    box.append(label);
  }
  const show = (answer) => {
    for (const input of box.querySelectorAll("input")) {
      input.checked = multiple ? Array.isArray(answer) && answer.includes(input.value) : answer === input.value;
    }
  };
  return [box, show];
}

function numeric(spec, uid, give) {
  const box = make("div", { class: "hq-numeric" });
  const id = `${uid}-value`;
  const label = make("label", { for: id }, "Your answer");
  const input = make("input", { type: "text", id, inputmode: "decimal", autocomplete: "off",
                                "aria-describedby": `${uid}-unit` });
  const unit = make("span", { id: `${uid}-unit`, class: "hq-unit" }, `in ${spec.unit}`);
  const save = make("button", { type: "button", class: "hq-button" }, "Save answer");
  const commit = () => give(input.value);
  save.addEventListener("click", commit);
  input.addEventListener("keydown", (e) => {
    // Enter alone saves; with Shift, Ctrl or Alt it is Jupyter's "run the cell" (handled by the quiz: render)
    if (e.key === "Enter" && !(e.shiftKey || e.ctrlKey || e.metaKey || e.altKey)) { e.preventDefault(); commit(); }
  });
  box.append(label, input, unit, save);
  const show = (answer, exact) => {
    if (typeof answer === "number") input.value = String(answer);
    else if (exact) input.value = "";
  };
  return [box, show];
}

function ordinal(n) {
  const tens = n % 100, ones = n % 10;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ones === 1 ? "st" : ones === 2 ? "nd" : ones === 3 ? "rd" : "th";
  return `${n}${suffix}`;
}

// An ordering question says only what moved ("Moved up to 2nd of 5."): the focused button already names the
// item, and the list shows the order. Its save line is not read out, unless the save failed.
function ordering(spec, uid, give, announce) {
  const box = make("div", { class: "hq-ordering" });
  const list = make("ol", { class: "hq-order", "aria-label": "Items in your order, first at the top" });
  const text = Object.fromEntries(spec.items.map((i) => [i.id, i.text]));
  let order = spec.items.map((i) => i.id);
  const saveAsIs = make("button", { type: "button", class: "hq-button" }, "Save this order");
  saveAsIs.addEventListener("click", () => give([...order]));
  const move = (id, step) => {
    const from = order.indexOf(id);
    const to = from + step;
    if (to < 0 || to >= order.length || !give.live()) return;
    order.splice(from, 1);
    order.splice(to, 0, id);
    draw();
    announce(`Moved ${step < 0 ? "up" : "down"} to ${ordinal(to + 1)} of ${order.length}.`);
    give([...order]);
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
  const show = (answer, exact) => {
    const shown = Array.isArray(answer) && answer.length === order.length ? answer
      : exact ? spec.items.map((i) => i.id) : order;
    if (shown.join() !== order.join()) {
      order = [...shown];
      draw();
    }
  };
  return [box, show];
}

function matching(spec, uid, give) {
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
      give(answer);
    });
    selects[entry.id] = select;
    row.append(label, select);
    box.append(row);
  }
  const show = (answer) => {
    for (const [left, s] of Object.entries(selects)) s.value = (answer || {})[left] || "";
  };
  return [box, show];
}

// A widget whose kernel has gone is a picture of the old one: nothing given in it could reach the answer
// record. What tells it so, as seen in JupyterLab 4 and Notebook 7 (docs/quiz-widget.md):
// - restart: the kernel's status turns "restarting"; then the widget manager marks every model's comm dead and
//   the model says "comm_live_update" (anywidget passes the event on, not the flag; once a model is made,
//   ipywidgets only ever sets the flag to dead, so the event means dead);
// - shut down, or another kernel chosen: the kernel's connection is disposed of (the models are not told);
// - reopened notebook: a model restored from the notebook's saved widget state has no comm from the start,
//   and its view carries the class "jupyter-widgets-disconnected" when it is rendered.
// `lost(signal)` is called once, with the first signal seen.
function watchKernel(model, el, lost) {
  const undo = [];
  let over = false;
  const stop = () => {
    over = true;
    undo.splice(0).forEach((f) => f());
  };
  const gone = (signal) => {
    if (over) return;
    stop();
    lost(signal);
  };
  const commDead = () => gone("comm");
  model.on("comm_live_update", commDead);
  undo.push(() => model.off("comm_live_update", commDead));
  const kernel = model.widget_manager?.kernel;
  if (kernel?.statusChanged && kernel?.disposed) {
    const onStatus = (_kernel, status) => ["restarting", "autorestarting", "dead"].includes(status) && gone(status);
    const onDisposed = () => gone("disposed");
    kernel.statusChanged.connect(onStatus);
    kernel.disposed.connect(onDisposed);
    undo.push(() => {
      kernel.statusChanged.disconnect(onStatus);
      kernel.disposed.disconnect(onDisposed);
    });
    if (kernel.isDisposed || kernel.status === "dead") gone("dead");
  }
  if (el.classList.contains("jupyter-widgets-disconnected")) gone("no comm");
  return stop;
}

// What a widget whose kernel has gone says. `saved` is what quiz_answers.json held for the question when the
// kernel stopped, as the kernel last wrote or read it: {answer, text}, {} for none, null when not known (a
// model restored from the notebook's saved widget state may be older than the file).
function goneText(saved) {
  const sentence = (text) => (/[.!?]$/.test(text) ? text : `${text}.`);
  const what = saved == null ? ". Running it shows the answer saved in quiz_answers.json."
    : saved.text ? `. Saved when the kernel stopped: ${sentence(saved.text)}`
    : ". No answer to this question was saved.";
  return "\u26a0 Not connected: this question's kernel was restarted or shut down, so nothing chosen here is " +
    `saved. Run this cell again to change your answer${what}`;
}

// Make the quiz's own cell the notebook's active cell, as a click on its prompt does: the keys passed on to the
// notebook then act on this cell, not on the one below it that the last run selected.
function selectCell(form) {
  const prompt = form.closest(".jp-Cell")?.querySelector(".jp-InputPrompt");
  if (!prompt) return;
  for (const type of ["mousedown", "mouseup"]) {
    prompt.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, button: 0 }));
  }
}

function render({ model, el }) {
  const spec = model.get("spec");
  const practice = model.get("mode") === "practice";
  const uid = `hq-${spec.id}-${Date.now().toString(36)}-${counter++}`;
  // data-lm-suppress-shortcuts: JupyterLab's and Notebook 7's own keys (arrows select cells, Space
  // scrolls) must not take the keys that native form controls need.
  const form = make("fieldset", { id: uid, class: `hq hq-${spec.type}`, "data-question": spec.id,
                                  "data-type": spec.type, "data-lm-suppress-shortcuts": "true" });
  // Keys a form control handles itself stay with it (the attribute above covers JupyterLab's shortcut
  // registry; the notebook's own cell navigation listens for bubbling key events).
  form.addEventListener("keydown", (event) => {
    const notebook = form.closest(".jp-Notebook");
    if (event.key === "Enter" && (event.shiftKey || event.ctrlKey || event.metaKey || event.altKey)) {
      // Jupyter's "run the cell" keys run the cell wherever focus is in the quiz, and never press the focused
      // button (Shift+Enter on "Move up" would change a graded answer). The shortcuts are suppressed inside the
      // quiz, so the notebook gets focus and the same keys (docs/accessibility.md, "Keys").
      event.preventDefault();
      event.stopPropagation();
      if (notebook) {
        // The key goes to the quiz's own cell, focused in command mode: JupyterLab's Ctrl+Enter and Alt+Enter
        // bindings ask for a focused element inside the notebook; Shift+Enter's asks for the notebook panel.
        selectCell(form);
        const cell = form.closest(".jp-Cell");
        const target = cell && cell.hasAttribute("tabindex") ? cell : notebook;
        target.focus();
        target.dispatchEvent(new KeyboardEvent("keydown", {
          key: "Enter", code: "Enter", keyCode: 13, which: 13, bubbles: true, cancelable: true,
          shiftKey: event.shiftKey, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey }));
      }
      return;
    }
    if (event.key === "Escape" && notebook) {  // leave the quiz for command mode: j, k, a, b work again
      event.preventDefault();
      event.stopPropagation();
      selectCell(form);
      notebook.focus();
      return;
    }
    if (event.target !== form && !event.ctrlKey && !event.metaKey) {
      event.stopPropagation();
    }
  });
  const legend = make("legend", { class: "hq-prompt" }, spec.prompt);
  const mode = make("p", { class: "hq-mode" },
    practice ? "Practice question: not graded. Check your answer as often as you like."
             : "Graded question: your answer is saved as you give it; you see whether it is right after grading.");
  const rule = make("p", { class: "hq-rule", id: `${uid}-rule` }, spec.rule);
  form.setAttribute("aria-describedby", `${uid}-rule`);
  const ordered = spec.type === "ordering";
  const live = make("p", ordered ? { class: "hq-status" } : { class: "hq-status", role: "status", "aria-live": "polite" });
  const moved = make("p", { class: "hq-moved", role: "status", "aria-live": "polite" });
  const announce = (message) => { moved.textContent = message; };
  // Says at once when the kernel has gone; empty (and not shown) while the widget is live.
  const notice = make("p", { class: "hq-gone", role: "status", "aria-live": "polite", id: `${uid}-gone` });
  let connected = true;
  const give = (answer) => {
    if (!connected) return;
    model.set("answer", answer);
    model.save_changes();
  };
  give.live = () => connected;
  const build = { single: () => choices(spec, uid, false, give), multiple: () => choices(spec, uid, true, give),
                  numeric: () => numeric(spec, uid, give), ordering: () => ordering(spec, uid, give, announce),
                  matching: () => matching(spec, uid, give) }[spec.type];
  const [body, show] = build();
  form.append(legend, notice, mode, body, rule);
  const verdict = make("div", { class: "hq-verdict", role: "status", "aria-live": "polite" });
  if (practice) {
    const bar = make("div", { class: "hq-actions" });
    const check = make("button", { type: "button", class: "hq-button hq-check" }, "Check");
    const reveal = make("button", { type: "button", class: "hq-button hq-reveal" }, "Show answer");
    check.addEventListener("click", () => connected && model.send({ event: "check" }));
    reveal.addEventListener("click", () => connected && model.send({ event: "show_key" }));
    bar.append(check, reveal);
    form.append(bar);
  }
  form.append(live, moved, verdict);
  const showStatus = () => {
    const status = model.get("status");
    live.textContent = status;
    if (ordered && /^[\u2718\u26a0]/.test(status)) announce(status);  // a save that failed is always read out
  };
  // What the record holds, for tests to read (two saves of an order within a second leave the status unchanged).
  const showSaved = () => { form.dataset.saved = JSON.stringify(model.get("saved")?.answer ?? null); };
  const showVerdict = () => {
    const v = model.get("verdict") || {};
    verdict.replaceChildren(...(v.lines || []).map((line) => make("p", {}, line)));
    verdict.className = "hq-verdict" + (v.right === true ? " hq-right" : v.right === false ? " hq-wrong" : "");
  };
  const showAnswer = () => connected && show(model.get("answer"), false);
  // The kernel has gone: show the answer last known to be in quiz_answers.json (not what was clicked since),
  // say so, and take no more answers (disabled controls, which a screen reader announces as such).
  const disconnect = (signal) => {
    connected = false;
    form.setAttribute("data-disconnected-by", signal);  // which signal came first (docs/quiz-widget.md)
    // A model restored from the notebook's saved widget state may be older than quiz_answers.json: it claims
    // no saved answer at all.
    const known = signal !== "no comm";
    const saved = known ? model.get("saved") : null;
    show(saved && "answer" in saved ? saved.answer : null, true);
    if (!known) {
      live.textContent = "";
      verdict.replaceChildren();
    }
    const hadFocus = form.contains(document.activeElement);
    for (const control of form.querySelectorAll("input, select, button")) control.disabled = true;
    form.classList.add("hq-disconnected");
    form.setAttribute("data-connected", "false");
    notice.textContent = goneText(saved);
    if (hadFocus) {
      notice.tabIndex = -1;  // focus is not dropped on the page: it moves to the message
      notice.focus();
    }
  };
  model.on("change:answer", showAnswer);
  model.on("change:status", showStatus);
  model.on("change:verdict", showVerdict);
  model.on("change:saved", showSaved);
  showAnswer(); showStatus(); showVerdict(); showSaved();
  form.setAttribute("data-connected", "true");
  el.append(form);
  const unwatch = watchKernel(model, el, disconnect);
  return () => {
    unwatch();
    model.off("change:answer", showAnswer);
    model.off("change:status", showStatus);
    model.off("change:verdict", showVerdict);
    model.off("change:saved", showSaved);
  };
}

export default { render };
