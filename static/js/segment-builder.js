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

  function select(values, current, onChange, labels) {
    const s = el("select", { class: "form-select form-select-sm", style: "width:auto" });
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

  function fresh(type) {
    if (type === "attribute" && options.attributes.length) return { type, name: options.attributes[0].name, op: "eq", value: "" };
    if (type === "list" && options.lists.length) return { type, list: options.lists[0].id, op: "in", status: "subscribed" };
    if (type === "created") return { type, op: "in_last_days", value: 30 };
    if (type === "campaign" && (options.campaigns || []).length) return { type, campaign: options.campaigns[0].id, op: "opened" };
    if (type === "activity") return { type, action: "opened", op: "in_last_days", value: 30 };
    return { type: "field", field: "email", op: "contains", value: "" };
  }

  function conditionRow(cond, parent, index) {
    const row = el("div", { class: "d-flex flex-wrap gap-2 align-items-center mb-2 segment-condition" });
    const types = ["field", "attribute", "list", "created", "campaign", "activity"].filter((k) => (k !== "attribute" || options.attributes.length) && (k !== "list" || options.lists.length)
      && (k !== "campaign" || (options.campaigns || []).length) && (k !== "activity" || options.actions));
    row.appendChild(select(types, cond.type, (v) => { parent.conditions[index] = fresh(v); changed(); }, types.map((k) => t[k])));
    if (cond.type === "field") row.appendChild(select(options.fields, cond.field, (v) => { cond.field = v; cond.op = opsFor(cond)[0]; changed(); }));
    if (cond.type === "attribute") row.appendChild(select(options.attributes.map((a) => a.name), cond.name, (v) => { cond.name = v; cond.op = opsFor(cond)[0]; changed(); }, options.attributes.map((a) => a.label)));
    if (cond.type === "list") row.appendChild(select(options.lists.map((l) => l.id), cond.list, (v) => { cond.list = Number(v); changed(); }, options.lists.map((l) => l.name)));
    if (cond.type === "campaign") row.appendChild(select(options.campaigns.map((c) => c.id), cond.campaign, (v) => { cond.campaign = Number(v); changed(); }, options.campaigns.map((c) => c.name)));
    if (cond.type === "activity") row.appendChild(select(options.actions.map((a) => a[0]), cond.action, (v) => { cond.action = v; changed(); }, options.actions.map((a) => a[1])));
    const opLabels = cond.type === "campaign" ? options.campaignOps.map((o) => o[1]) : cond.type === "activity" ? options.activityOps.map((o) => o[1]) : null;
    row.appendChild(select(opsFor(cond), cond.op, (v) => { cond.op = v; changed(); }, opLabels));
    if (cond.type === "list" && options.statuses) {
      row.appendChild(select(options.statuses.map((s) => s[0]), cond.status || "subscribed", (v) => { cond.status = v; changed(); }, options.statuses.map((s) => s[1])));
    }
    if (!NO_VALUE.includes(cond.op) && cond.type !== "list" && cond.type !== "campaign") {
      const a = cond.type === "attribute" ? attribute(cond.name) : null;
      const input = el("input", { class: "form-control form-control-sm", style: "width:14rem", value: cond.value === undefined ? "" : cond.value,
        type: (a && a.type === "date") || ["before", "after"].includes(cond.op) ? "date" : (a && a.type === "number") || cond.type === "created" || cond.type === "activity" ? "number" : "text" });
      input.addEventListener("input", () => { cond.value = input.type === "number" && input.value !== "" ? Number(input.value) : input.value; sync(); });
      row.appendChild(input);
    }
    row.appendChild(el("button", { type: "button", class: "btn btn-sm btn-link text-danger", text: t.remove, on: { click: () => { parent.conditions.splice(index, 1); changed(); } } }));
    return row;
  }

  function group(node, parent, index, depth) {
    const box = el("div", { class: "border rounded p-2 mb-2 segment-group" + (depth ? " ms-3" : "") });
    const head = el("div", { class: "d-flex gap-2 align-items-center mb-2" });
    head.appendChild(select(["all", "any"], node.match || "all", (v) => { node.match = v; changed(); }, [t.all, t.any]));
    head.appendChild(el("button", { type: "button", class: "btn btn-sm btn-outline-secondary", text: t.addCondition, on: { click: () => { node.conditions.push(fresh("field")); changed(); } } }));
    if (depth < 4) head.appendChild(el("button", { type: "button", class: "btn btn-sm btn-outline-secondary", text: t.addGroup, on: { click: () => { node.conditions.push({ match: "any", conditions: [fresh("field")] }); changed(); } } }));
    if (parent) head.appendChild(el("button", { type: "button", class: "btn btn-sm btn-link text-danger", text: t.remove, on: { click: () => { parent.conditions.splice(index, 1); changed(); } } }));
    box.appendChild(head);
    node.conditions.forEach((child, i) => box.appendChild(child.conditions ? group(child, node, i, depth + 1) : conditionRow(child, node, i)));
    return box;
  }

  function sync() {
    output.value = JSON.stringify(definition);
    if (window.htmx) htmx.trigger(form, "definition-changed");
  }

  function changed() {
    root.replaceChildren(group(definition, null, 0, 0));
    sync();
  }

  output.value = JSON.stringify(definition);
  root.replaceChildren(group(definition, null, 0, 0));
})();
