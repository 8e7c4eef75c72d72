/* Sammen day list, offline-first: deliveries go to an IndexedDB queue with client-generated
   ids and are sent to the sync endpoint when there is a network; every item gets an answer
   (accepted / duplicate / conflict / refused). Conflicts and refusals stay on the phone and are
   shown on the visit until the person has read them — never overwritten silently. */
(function () {
  "use strict";
  var DB = "sammen-visits", STORE = "queue";
  var root = document.getElementById("day-list");
  var bar = document.getElementById("offline-status");
  if (!root || !bar) { return; }
  var syncUrl = root.dataset.syncUrl;
  var flushing = false;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), out;
        out = fn(store);
        t.oncomplete = function () { db.close(); resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function del(id) { return tx("readwrite", function (s) { s.delete(id); }); }

  function csrf() {
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function row(visitId) { return document.getElementById("besoeg-" + visitId); }

  function showRow(item) {
    var li = row(item.visit_id);
    if (!li) { return; }
    var label = li.querySelector("[data-status-label]");
    li.querySelectorAll("form[data-deliver], details.visit__more").forEach(function (el) { el.hidden = true; });
    var msg = li.querySelector(".visit__sync");
    if (!msg) { msg = document.createElement("p"); msg.className = "visit__sync"; li.appendChild(msg); }
    msg.setAttribute("role", item.state === "pending" ? "status" : "alert");
    if (item.state === "pending") {
      label.textContent = "Venter på at blive sendt";
      msg.textContent = "Gemt på telefonen – sendes, når der er net.";
    } else {
      label.textContent = bar.dataset.conflictText;
      msg.className = "visit__sync field__error";
      msg.textContent = item.reason + " ";
      var ok = document.createElement("button");
      ok.type = "button"; ok.className = "btn btn--small btn--secondary"; ok.textContent = "OK";
      ok.addEventListener("click", function () { del(item.client_id).then(function () { location.reload(); }); });
      msg.appendChild(ok);
    }
  }
  function markDone(visitId, outcome) {
    var li = row(visitId);
    if (!li) { return; }
    li.dataset.status = outcome;
    li.querySelector("[data-status-label]").textContent =
      outcome === "not_delivered" ? "Ikke leveret" : outcome === "partly" ? "Delvist leveret" : "Leveret";
    li.querySelectorAll("form[data-deliver], details.visit__more").forEach(function (el) { el.hidden = true; });
    var msg = li.querySelector(".visit__sync");
    if (msg) { msg.remove(); }
  }

  function indicator(items) {
    var pending = items.filter(function (i) { return i.state === "pending"; }).length;
    var parts = [];
    if (!navigator.onLine) { parts.push(bar.dataset.offlineText); }
    if (pending) { parts.push(pending + " " + bar.dataset.pendingText); }
    bar.textContent = parts.join(" · ");
    bar.hidden = parts.length === 0;
    bar.dataset.pending = String(pending);
    bar.classList.toggle("offline-bar--offline", !navigator.onLine);
  }
  function refresh() { return all().then(function (items) { items.forEach(showRow); indicator(items); return items; }); }

  function flush() {
    if (flushing || !navigator.onLine) { return refresh(); }
    flushing = true;
    return all().then(function (items) {
      var pending = items.filter(function (i) { return i.state === "pending"; });
      if (!pending.length) { return items; }
      return fetch(syncUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ items: pending.map(function (i) { return i.payload; }) })
      }).then(function (resp) {
        if (!resp.ok) { throw new Error("sync " + resp.status); }
        return resp.json();
      }).then(function (body) {
        var byId = {};
        pending.forEach(function (i) { byId[i.client_id] = i; });
        return Promise.all(body.results.map(function (res) {
          var item = byId[res.client_id];
          if (!item) { return null; }
          if (res.result === "accepted" || res.result === "duplicate") {
            markDone(item.visit_id, item.payload.outcome);
            return del(item.client_id);
          }
          item.state = res.result; item.reason = res.reason;
          return put(item);
        }));
      }).catch(function () { /* no answer (network gone, response lost): retried later, same ids */ });
    }).then(function () { flushing = false; return refresh(); }, function () { flushing = false; });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  document.querySelectorAll("form[data-deliver]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var li = form.closest("[data-visit]");
      var data = new FormData(form), now = new Date().toISOString(), missing = {};
      data.forEach(function (v, k) { if (k.indexOf("missing-") === 0 && v) { missing[k.slice(8)] = v; } });
      var outcome = String(data.get("outcome") || "delivered");
      if (outcome === "delivered" && Object.keys(missing).length) { outcome = "partly"; }
      var item = {
        client_id: String(data.get("client_id") || uuid()), visit_id: li.dataset.visit, state: "pending",
        payload: {
          client_id: String(data.get("client_id") || uuid()), visit_id: li.dataset.visit, outcome: outcome,
          reason_code: String(data.get("reason_code") || ""), note: String(data.get("note") || ""),
          not_delivered: missing, started_at: now, ended_at: now, recorded_at: now, offline: !navigator.onLine
        }
      };
      item.payload.client_id = item.client_id;
      put(item).then(function () { showRow(item); return flush(); });
    });
  });

  function wipe() {
    var done = [new Promise(function (resolve) { var r = indexedDB.deleteDatabase(DB); r.onsuccess = r.onerror = r.onblocked = function () { resolve(); }; })];
    if (window.caches) { done.push(caches.keys().then(function (ks) { return Promise.all(ks.map(function (k) { return caches.delete(k); })); })); }
    return Promise.all(done);
  }
  document.querySelectorAll("form[action$='/log-ud/']").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var pending = Number(bar.dataset.pending || "0");
      if (pending && !window.confirm(pending + " registreringer er ikke sendt endnu og slettes, hvis du logger ud. Log ud alligevel?")) {
        ev.preventDefault(); return;
      }
      ev.preventDefault();
      wipe().then(function () { form.submit(); });
    });
  });

  if (Date.parse(root.dataset.expires) < Date.now() && window.caches) {
    caches.delete("sammen-day");
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* works without */ });
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", refresh);
  window.sammenVisits = { flush: flush, pending: function () { return all(); }, wipe: wipe };
  flush();
})();
