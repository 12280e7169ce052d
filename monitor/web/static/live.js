// vitals: keeps a page current from its event stream (data-events on
// <body>). The page works without this script; it only saves reloads.
(function () {
	"use strict";
	var body = document.body;
	var url = body.getAttribute("data-events");
	if (!url) return;
	var target = body.getAttribute("data-target");
	var live = document.getElementById("live");
	var loaded = Date.now();
	var reloading = false;

	// reloadIn reloads the page after ms, once.
	function reloadIn(ms) {
		if (reloading) return;
		reloading = true;
		setTimeout(function () { location.reload(); }, Math.max(0, ms));
	}

	// since shows each <time> of a row as how long ago it was.
	function since(root) {
		var now = Date.now();
		root.querySelectorAll("td.since time").forEach(function (el) {
			var s = Math.max(0, Math.round((now - Date.parse(el.dateTime)) / 1000));
			var text = s < 60 ? s + "s" : s < 3600 ? Math.floor(s / 60) + "m" :
				s < 86400 ? Math.floor(s / 3600) + "h " + Math.floor(s % 3600 / 60) + "m" :
				Math.floor(s / 86400) + "d " + Math.floor(s % 86400 / 3600) + "h";
			if (!el.title) el.title = el.textContent;
			el.textContent = text + " ago";
		});
	}
	since(document);
	setInterval(function () { since(document); }, 15000);

	if (!window.EventSource) { reloadIn(30000); return; }

	var errors = 0;
	var es = new EventSource(url);
	function state(s) { if (live) live.setAttribute("data-state", s); }
	es.onopen = function () { errors = 0; state("live"); };
	es.onerror = function () {
		state("offline");
		// The browser retries on its own; give up after a few tries, or
		// at once when it will not (the server refused the stream).
		if (++errors >= 3 || es.readyState === EventSource.CLOSED) {
			es.close();
			reloadIn(30000);
		}
	};
	es.addEventListener("reload", function () { reloadIn(0); });
	es.addEventListener("target", function (e) {
		var ev = JSON.parse(e.data);
		if (target) {
			// A target page shows history from the store: reload it,
			// at most every 15 s.
			if (ev.name === target) reloadIn(loaded + 15000 - Date.now());
			return;
		}
		var old = document.getElementById("t-" + ev.name);
		if (!old) { reloadIn(0); return; }
		var t = document.createElement("template");
		t.innerHTML = ev.html;
		var row = t.content.firstElementChild;
		if (!row) return;
		if (row.getAttribute("data-status") !== old.getAttribute("data-status")) row.classList.add("changed");
		old.replaceWith(row);
		since(row);
	});
	es.addEventListener("summary", function (e) {
		var counts = JSON.parse(e.data);
		Object.keys(counts).forEach(function (k) {
			var el = document.querySelector('[data-count="' + k + '"]');
			if (el) el.textContent = counts[k];
		});
	});
})();
