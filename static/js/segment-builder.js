// Segment builder: edits the JSON definition of nested groups and conditions,
// keeps it in the hidden "definition" field, and asks htmx for a live preview.
(function () {
  "use strict";
  const root = document.getElementById("segment-builder");
  if (!root) return;
  const form = document.getElementById("segment-form");
  const output = document.getElementById("id_definition");
  const options = JSON.parse(document.getElementById("segment-options").textContent);
  const t = JSON.parse(document.getElementById("segment-labels").textContent);
  let definition = JSON.parse(document.getElementById("segment-definition").textContent) || {};
  if (!definition.conditions) definition = { match: "all", conditions: [] };

  const TEXT_OPS = ["eq", "neq", "contains", "not_contains", "starts_with", "ends_with", "is_empty", "is_not_empty"];
  const ORDER_OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "is_empty", "is_not_empty"];
  const NO_VALUE = ["is_empty", "is_not_empty", "is_true", "is_false"];

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "on") Object.entries(v).forEach(([ev, fn]) => node.addEventListener(ev, fn));
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => node.appendChild(c));
    return node;
  }

  function select(values, current, onChange, labels, role) {
    const s = el("select", { class: "form-select form-select-sm", style: "width:auto" });
    if (role) s.dataset.part = role;
    values.forEach((v, i) => {
      const o = el("option", { value: v, text: labels ? labels[i] : v });
      if (String(v) === String(current)) o.selected = true;
      s.appendChild(o);
    });
    s.addEventListener("change", () => onChange(s.value));
    return s;
  }

  function attribute(name) {
    return options.attributes.find((a) => a.name === name);
  }

  function opsFor(cond) {
    if (cond.type === "field") return cond.field === "domain" ? ["eq", "neq"] : TEXT_OPS;
    if (cond.type === "list") return ["in", "not_in"];
    if (cond.type === "created") return ["in_last_days", "older_than_days", "before", "after"];
    if (cond.type === "campaign") return options.campaignOps.map((o) => o[0]);
    if (cond.type === "activity") return ["in_last_days", "not_in_last_days"];
    const a = attribute(cond.name);
    if (!a) return TEXT_OPS;
    if (a.type === "boolean") return ["is_true", "is_false"];
    if (a.type === "number" || a.type === "date") return ORDER_OPS;
    return TEXT_OPS;
  }

  // Operators as words: the list condition's own, the date fields' own, else the common ones.
  function opLabel(cond, op) {
    if (cond.type === "campaign") return (options.campaignOps.find((o) => o[0] === op) || [op, op])[1];
    if (cond.type === "activity") return (options.activityOps.find((o) => o[0] === op) || [op, op])[1];
    if (cond.type === "list") return options.opLabels[op === "in" ? "in_list" : "not_in_list"];
    const a = cond.type === "attribute" ? attribute(cond.name) : null;
    if (a && a.type === "date" && options.dateOpLabels[op]) return options.dateOpLabels[op];
    return options.opLabels[op] || op;
  }

  function fresh(type) {
    if (type === "attribute" && options.attributes.length) {
      const cond = { type, name: options.attributes[0].name, value: "" };
      cond.op = opsFor(cond)[0];
      return cond;
    }
    if (type === "list" && options.lists.length) return { type, list: options.lists[0].id, op: "in", status: "subscribed" };
    if (type === "created") return { type, op: "in_last_days", value: 30 };
    if (type === "campaign" && (options.campaigns || []).length) return { type, campaign: options.campaigns[0].id, op: "opened" };
    if (type === "activity") return { type, action: "opened", op: "in_last_days", value: 30 };
    return { type: "field", field: "email", op: "contains", value: "" };
  }

  function conditionRow(cond, parent, index, path) {
    const row = el("div", { class: "d-flex flex-wrap gap-2 align-items-center mb-2 segment-condition", "data-path": path });
    const types = ["field", "attribute", "list", "created", "campaign", "activity"].filter((k) => (k !== "attribute" || options.attributes.length) && (k !== "list" || options.lists.length)
      && (k !== "campaign" || (options.campaigns || []).length) && (k !== "activity" || options.actions));
    row.appendChild(select(types, cond.type, (v) => { parent.conditions[index] = fresh(v); changed(); }, types.map((k) => t[k]), "type"));
    if (cond.type === "field") row.appendChild(select(options.fields.map((f) => f[0]), cond.field, (v) => { cond.field = v; cond.op = opsFor(cond)[0]; changed(); }, options.fields.map((f) => f[1]), "field"));
    if (cond.type === "attribute") row.appendChild(select(options.attributes.map((a) => a.name), cond.name, (v) => { cond.name = v; cond.op = opsFor(cond)[0]; cond.value = ""; changed(); }, options.attributes.map((a) => a.label), "name"));
    if (cond.type === "list") row.appendChild(select(options.lists.map((l) => l.id), cond.list, (v) => { cond.list = Number(v); changed(); }, options.lists.map((l) => l.name), "list"));
    if (cond.type === "campaign") row.appendChild(select(options.campaigns.map((c) => c.id), cond.campaign, (v) => { cond.campaign = Number(v); changed(); }, options.campaigns.map((c) => c.name), "campaign"));
    if (cond.type === "activity") row.appendChild(select(options.actions.map((a) => a[0]), cond.action, (v) => { cond.action = v; changed(); }, options.actions.map((a) => a[1]), "action"));
    const ops = opsFor(cond);
    row.appendChild(select(ops, cond.op, (v) => { cond.op = v; changed(); }, ops.map((op) => opLabel(cond, op)), "op"));
    if (cond.type === "list" && options.statuses) {
      row.appendChild(select(options.statuses.map((s) => s[0]), cond.status || "subscribed", (v) => { cond.status = v; changed(); }, options.statuses.map((s) => s[1]), "status"));
    }
    if (!NO_VALUE.includes(cond.op) && cond.type !== "list" && cond.type !== "campaign") {
      const a = cond.type === "attribute" ? attribute(cond.name) : null;
      if (a && a.type === "choice" && ["eq", "neq"].includes(cond.op)) {
        // A choice field compares with one of its options: offer them, not a blank box.
        row.appendChild(select(["", ...a.choices], cond.value || "", (v) => { cond.value = v; sync(); }, [t.choose, ...a.choices], "value"));
      } else {
        const input = el("input", { class: "form-control form-control-sm", style: "width:14rem", value: cond.value === undefined ? "" : cond.value, "data-part": "value",
          type: (a && a.type === "date") || ["before", "after"].includes(cond.op) ? "date" : (a && a.type === "number") || cond.type === "created" || cond.type === "activity" ? "number" : "text" });
        if (input.type === "number") input.step = "any";
        input.addEventListener("input", () => { cond.value = input.type === "number" && input.value !== "" ? Number(input.value) : input.value; sync(); });
        row.appendChild(input);
      }
    }
    row.appendChild(el("button", { type: "button", class: "btn btn-sm btn-link text-danger", text: t.remove, on: { click: () => { parent.conditions.splice(index, 1); changed(); } } }));
    return row;
  }

  function group(node, parent, index, depth, path) {
    const box = el("div", { class: "border rounded p-2 mb-2 segment-group" + (depth ? " ms-3" : ""), "data-path": path });
    const head = el("div", { class: "d-flex gap-2 align-items-center mb-2" });
    head.appendChild(select(["all", "any"], node.match || "all", (v) => { node.match = v; changed(); }, [t.all, t.any]));
    head.appendChild(el("button", { type: "button", class: "btn btn-sm btn-outline-secondary", text: t.addCondition, on: { click: () => { node.conditions.push(fresh("field")); changed(); } } }));
    if (depth < 4) head.appendChild(el("button", { type: "button", class: "btn btn-sm btn-outline-secondary", text: t.addGroup, on: { click: () => { node.conditions.push({ match: "any", conditions: [] }); changed(); } } }));
    if (parent) head.appendChild(el("button", { type: "button", class: "btn btn-sm btn-link text-danger", text: t.remove, on: { click: () => { parent.conditions.splice(index, 1); changed(); } } }));
    box.appendChild(head);
    const prefix = path ? path + "." : "";
    node.conditions.forEach((child, i) => {
      const childPath = prefix + "conditions[" + i + "]";
      box.appendChild(child.conditions ? group(child, node, i, depth + 1, childPath) : conditionRow(child, node, i, childPath));
    });
    if (depth && !node.conditions.length) box.appendChild(el("div", { class: "small text-body-secondary segment-empty", text: t.emptyGroup }));
    return box;
  }

  // Each message goes to the condition (or group) its path names, at the faulty part.
  function showErrors(errors) {
    root.querySelectorAll(".segment-error").forEach((n) => n.remove());
    root.querySelectorAll(".is-invalid").forEach((n) => n.classList.remove("is-invalid"));
    Object.entries(errors || {}).forEach(([path, message]) => {
      let target = null;
      let rest = path === "definition" ? "" : path;
      let part = "";
      while (!target) {
        target = root.querySelector('[data-path="' + CSS.escape(rest) + '"]');
        if (target || !rest) break;
        const cut = rest.lastIndexOf(".");
        part = rest.slice(cut + 1).replace(/\[\d+\]$/, "");
        rest = cut < 0 ? "" : rest.slice(0, cut);
      }
      target = target || root.firstElementChild;
      if (!target) return;
      const field = part && target.querySelector(':scope > [data-part="' + part + '"]');
      if (field) field.classList.add("is-invalid");
      const note = el("div", { class: "segment-error invalid-feedback d-block w-100 mt-0", text: message });
      if (target.classList.contains("segment-group")) target.firstElementChild.after(note);
      else target.appendChild(note);
    });
  }

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id !== "segment-preview") return;
    const node = document.getElementById("segment-errors");
    showErrors(node ? JSON.parse(node.textContent) : {});
  });

  function sync() {
    output.value = JSON.stringify(definition);
    if (window.htmx) htmx.trigger(form, "definition-changed");
  }

  function changed() {
    root.replaceChildren(group(definition, null, 0, 0, ""));
    sync();
  }

  output.value = JSON.stringify(definition);
  root.replaceChildren(group(definition, null, 0, 0, ""));
  const saved = document.getElementById("segment-saved-errors");
  if (saved) showErrors(JSON.parse(saved.textContent));
})();
