// livesamp stage: draws what the server sends over Server-Sent Events (/events).
// Everything shown is set with textContent: code and provenance are text, never markup.
"use strict";
(() => {
  const params = new URLSearchParams(location.search);
  if (params.get("transparent") === "1") document.documentElement.classList.add("transparent");

  const $ = (id) => document.getElementById(id);
  const slotsEl = $("slots"), cardsEl = $("cards"), consoleEl = $("console");
  const connEl = $("conn"), clockEl = $("clock"), viz = $("viz"), masterEl = $("master").firstElementChild;
  const MAX_CARDS = 4, KEEP = 4000;

  // what tests (and the curious) can read: message counts, latencies (s), lit atoms
  const S = window.__stage = { msgs: {}, bytes: 0, lat: [], arrive: [], lit: [], cardsShown: [],
                               connected: false, opened: 0, frames: 0 };
  const keep = (arr, x) => { arr.push(x); if (arr.length > KEEP) arr.splice(0, arr.length - KEEP); };

  let slots = new Map();        // label -> {v, row, atoms: [span], meter, shownLevel}
  const cards = new Map();      // key -> card data
  let offsets = [];             // receipt - send (ms), for the server-to-page clock offset

  // -- slots ------------------------------------------------------------------------------
  function buildCode(pre, code, atoms) {
    const spans = [];
    let pos = 0;
    atoms.forEach(([a, b], i) => {
      if (a < pos || b <= a || b > code.length) { spans[i] = null; return; }
      if (a > pos) pre.appendChild(document.createTextNode(code.slice(pos, a)));
      const span = document.createElement("span");
      span.className = "atom";
      span.textContent = code.slice(a, b);
      pre.appendChild(span);
      spans[i] = span;
      pos = b;
    });
    if (pos < code.length) pre.appendChild(document.createTextNode(code.slice(pos)));
    if (!code) pre.textContent = "(a pattern)";
    return spans;
  }

  function renderSlots(list) {
    const next = new Map();
    slotsEl.textContent = "";
    if (!list.length) {
      const p = document.createElement("p");
      p.className = "quiet";
      p.textContent = "nothing is playing";
      slotsEl.appendChild(p);
    }
    for (const d of list) {
      let s = slots.get(d.slot);
      if (!s || s.v !== d.v) {
        const row = document.createElement("div");
        row.className = "slot";
        row.dataset.slot = d.slot;
        const label = document.createElement("div");
        label.className = "label";
        label.textContent = d.slot;
        const meter = document.createElement("div");
        meter.className = "meter";
        const bar = document.createElement("i");
        meter.appendChild(bar);
        label.appendChild(meter);
        const pre = document.createElement("pre");
        pre.className = "code";
        const atoms = buildCode(pre, d.code, d.atoms);
        row.append(label, pre);
        s = { v: d.v, row, atoms, meter: bar };
      }
      s.row.classList.toggle("muted", d.muted);
      s.row.classList.toggle("inaudible", !d.muted && !d.audible);
      slotsEl.appendChild(s.row);
      next.set(d.slot, s);
    }
    slots = next;
    lastList = list;
    fitCode();
  }

  // the largest type with which every slot's code fits: its longest line across, all rows down
  let lastList = [];
  function fitCode() {
    const rows = Math.max(1, lastList.reduce((n, d) => n + (d.code.match(/\n/g) || []).length + 1, 0));
    const longest = Math.max(12, ...lastList.flatMap((d) => d.code.split("\n").map((l) => l.length)));
    const byHeight = slotsEl.clientHeight / (rows * 1.3 + lastList.length * 0.35);
    const byWidth = slotsEl.clientWidth / (longest * 0.61 + 3.2);   // monospace advance ~0.6 em
    const px = Math.max(14, Math.min(46, byHeight, byWidth));
    document.documentElement.style.setProperty("--code-size", px.toFixed(1) + "px");
  }
  addEventListener("resize", fitCode);

  // -- hits: light atoms when they are heard -------------------------------------------------
  function serverOffset() {   // page clock minus server clock, transit-free estimate (ms)
    let m = Infinity;
    for (const o of offsets) m = Math.min(m, o);
    return m === Infinity ? 0 : m;
  }

  function onHits(d, received) {
    for (const [k, c] of Object.entries(d.cards || {})) cards.set(k, c);
    for (const h of d.hits) {
      offsets.push(received - (h.at * 1000 - h.in));
      if (offsets.length > 64) offsets.shift();
    }
    const off = serverOffset();
    for (const h of d.hits) {
      keep(S.arrive, received / 1000 - h.at);
      due.push([h.at * 1000 + off, h, off]);
    }
    queueFrame();
  }

  // Changes are made in animation frames, all of a frame's at once (one style and layout pass
  // per frame however busy the slots): a hit lights in the frame nearest its output time.
  const due = [];               // [page time (ms) it is heard, hit, offset]
  const lit = new Set();        // atom spans lit now (span._off: when to put them out)
  let frameQueued = false;
  const queueFrame = () => { if (!frameQueued) { frameQueued = true; requestAnimationFrame(frame); } };

  function frame() {
    frameQueued = false;
    S.frames++;
    const now = Date.now();
    let k = 0;
    for (const item of due) {
      if (item[0] <= now + 8) light(item[1], item[2], now);
      else due[k++] = item;
    }
    due.length = k;
    for (const el of lit) {
      if (el._off <= now) { el.classList.remove(el._cls); lit.delete(el); }
    }
    if (due.length || lit.size) queueFrame();
  }

  function light(h, off, now) {
    keep(S.lat, (now - off) / 1000 - h.at);
    const s = slots.get(h.s);
    if (s && s.v === h.v && h.a) {
      const hold = Math.min(1500, Math.max(80, 0.92 * (h.d || 120)));
      for (const i of h.a) {
        const span = s.atoms[i];
        if (!span) continue;
        if (!lit.has(span)) span.classList.add("on");
        span._cls = "on";
        span._off = now + hold;
        lit.add(span);
      }
      keep(S.lit, [h.s, h.v, h.a.join(","), h.at, now / 1000, h.c]);
    }
    if (h.k) showCard(h.k, now);
  }

  // -- provenance cards ------------------------------------------------------------------------
  const LABELS = [["recipe", "how"], ["recorded_at", "when"], ["place", "where"], ["author", "by"],
                  ["device", "on"], ["licence", "licence"], ["notes", "notes"]];

  function cardElement(c) {
    const el = document.createElement("article");
    el.className = "card";
    el.dataset.key = c.k;
    const name = document.createElement("div");
    name.className = "name";
    name.textContent = c.name;
    const small = document.createElement("small");
    small.textContent = c.n ? " :" + c.n : "";
    name.appendChild(small);
    const made = document.createElement("div");
    made.className = "made";
    made.textContent = c.made || "";
    const dl = document.createElement("dl");
    for (const [field, label] of LABELS) {
      if (!c[field]) continue;
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = label;
      dd.textContent = c[field];
      dl.append(dt, dd);
    }
    el.append(name, made, dl);
    return el;
  }

  // A card stays up at least DWELL ms, so with many sounds the cards take turns (the one played
  // least recently goes) instead of flickering; a sound whose turn has not come shows later.
  const DWELL = 3000;
  const shownCards = new Map();   // key -> card element on screen
  let cardRoom = MAX_CARDS;        // how many fit (learnt when one did not: no layout reads per hit)
  addEventListener("resize", () => { cardRoom = MAX_CARDS; });

  function showCard(k, now) {
    const ping = now !== undefined;
    now = ping ? now : Date.now();
    let el = shownCards.get(k);
    if (!el) {
      const c = cards.get(k);
      if (!c) return;
      if (shownCards.size >= cardRoom) {
        let old = null;
        for (const e of shownCards.values()) {
          if (now - e._since >= DWELL && (!old || e._played < old._played)) old = e;
        }
        if (!old) return;
        old.remove();
        shownCards.delete(old.dataset.key);
      }
      el = cardElement(c);
      el._since = now;
      cardsEl.prepend(el);
      shownCards.set(k, el);
      while (shownCards.size > 1 && cardsEl.scrollHeight > cardsEl.clientHeight + 2) {
        const last = cardsEl.lastElementChild;
        last.remove();
        shownCards.delete(last.dataset.key);
        cardRoom = shownCards.size;
      }
      keep(S.cardsShown, [k, c.name, now / 1000]);
    }
    el._played = now;
    if (!ping) return;
    if (!lit.has(el)) el.classList.add("ping");
    el._cls = "ping";
    el._off = now + 120;
    lit.add(el);
  }

  // -- console -------------------------------------------------------------------------------
  function addConsole(e) {
    const line = document.createElement("div");
    line.className = "line" + (e.ok ? "" : " error");
    line.textContent = e.text;
    if (e.error) {
      const why = document.createElement("span");
      why.className = "why";
      why.textContent = e.error.split("\n")[0];
      line.appendChild(why);
      setTimeout(() => line.classList.add("old"), 8000);
    }
    consoleEl.appendChild(line);
    while (consoleEl.children.length > 5) consoleEl.firstElementChild.remove();
  }

  // -- meters and the master scope: drawn when meter data comes (20 Hz), not every frame ---------
  const shown = { spec: [], peak: -60 };
  const frac = (db) => Math.max(0, Math.min(1, (db + 60) / 60));
  const ctx = viz.getContext("2d");

  function onMeters(d) {
    const clock = `cycle ${Math.floor(d.cyc)} · ${d.cps.toFixed(3)} cps`;
    if (clockEl.textContent !== clock) clockEl.textContent = clock;
    for (const [label, s] of slots) {
      const level = Math.max(d.lv[label] ?? -60, (s.shownLevel ?? -60) - 4);   // falls 80 dB/s
      if (level !== s.shownLevel) {
        s.shownLevel = level;
        s.meter.style.transform = `scaleX(${frac(level).toFixed(3)})`;
      }
    }
    if (d.m) drawScope(d.m);
  }

  function drawScope(m) {
    const w = viz.clientWidth, h = viz.clientHeight;
    if (viz.width !== w || viz.height !== h) { viz.width = w; viz.height = h; }
    ctx.clearRect(0, 0, w, h);
    const n = m.spec.length, bw = w / n;
    ctx.fillStyle = "rgba(111, 195, 223, 0.28)";
    for (let i = 0; i < n; i++) {
      shown.spec[i] = Math.max(m.spec[i], (shown.spec[i] ?? -60) - 5);
      const bh = frac(shown.spec[i]) * h;
      ctx.fillRect(i * bw + 1, h - bh, bw - 2, bh);
    }
    ctx.strokeStyle = "#e8e6e1";
    ctx.lineWidth = 2;
    ctx.beginPath();
    m.wave.forEach((v, i) => {
      const x = i / (m.wave.length - 1) * w, y = h / 2 - v / 100 * (h / 2 - 2);
      i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    });
    ctx.stroke();
    shown.peak = Math.max(m.peak, shown.peak - 3);
    masterEl.style.transform = `scaleY(${frac(shown.peak).toFixed(3)})`;
  }


  // -- the stream -------------------------------------------------------------------------------
  function count(type, ev) {
    S.msgs[type] = (S.msgs[type] || 0) + 1;
    S.bytes += ev.data.length;
  }

  function connect() {
    const es = new EventSource("events");
    es.onopen = () => { S.connected = true; S.opened++; connEl.textContent = "live"; connEl.className = "conn live"; };
    es.onerror = () => { S.connected = false; connEl.textContent = "reconnecting…"; connEl.className = "conn"; };
    es.addEventListener("state", (ev) => {
      count("state", ev);
      const d = JSON.parse(ev.data);
      offsets = [];
      slots = new Map();
      renderSlots(d.slots);
      consoleEl.textContent = "";
      d.console.forEach(addConsole);
      cardsEl.textContent = "";
      shownCards.clear();
      for (const c of d.cards) cards.set(c.k, c);
      d.cards.slice(-MAX_CARDS).forEach((c) => showCard(c.k));
    });
    es.addEventListener("slots", (ev) => { count("slots", ev); renderSlots(JSON.parse(ev.data)); });
    es.addEventListener("hits", (ev) => { count("hits", ev); onHits(JSON.parse(ev.data), Date.now()); });
    es.addEventListener("console", (ev) => { count("console", ev); addConsole(JSON.parse(ev.data)); });
    es.addEventListener("meters", (ev) => { count("meters", ev); onMeters(JSON.parse(ev.data)); });
  }
  connect();
})();
