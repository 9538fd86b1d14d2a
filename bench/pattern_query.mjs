// Strudel side of bench/pattern_query.py: query the 16 patterns of patterns16.json
// (their `js` spelling) in @strudel/core + @strudel/mini 1.2.6 and print timings as JSON.
//
//   node bench/pattern_query.mjs [--repeats R] [--batch K] [--warmup W] [--check-cycles M]
//                                [--windows N] [--tick-repeats T] [--clock cpu|wall]
//                                [--strudel-dir DIR] [--table FILE]
//
// Measures exactly as the Python side does: for each pattern, W warm-up cycles (from cycle
// 100000 on), then R samples, each the time to query K successive fresh cycles c..c+1
// (c = 0, 1, 2, ... never repeated) divided by K; the median sample is the figure.  Then the
// same for all 16 patterns queried together per cycle (one cycle of 16 busy slots), and for
// all 16 over one cycle queried as N successive windows of 1/N cycle, as a live scheduler
// does (median of T cycles).  Times are the process's CPU time (process.cpuUsage, user +
// system) with --clock cpu (the default), wall time (process.hrtime) with --clock wall; the
// all-16 row reports both.
// Onset counts for cycles 0..M-1 are returned for the cross-check.  The JSON result is the
// last line of stdout (Strudel itself logs a line or two when it loads).
import { register } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const opts = {
    repeats: 200, batch: 8, warmup: 50, checkCycles: 16, windows: 100, tickRepeats: 7, clock: 'cpu',
    strudelDir: path.join(here, '.strudel'), table: path.join(here, 'patterns16.json'),
  };
  const names = { '--repeats': 'repeats', '--batch': 'batch', '--warmup': 'warmup',
    '--check-cycles': 'checkCycles', '--windows': 'windows', '--tick-repeats': 'tickRepeats',
    '--strudel-dir': 'strudelDir', '--table': 'table', '--clock': 'clock' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    opts[key] = typeof opts[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// @kabelsalat/web's `main` is a browser build: resolve it to dist/index.mjs.
register('./strudel_hooks.mjs', import.meta.url);

const modules = path.join(opts.strudelDir, 'node_modules');
const corePath = path.join(modules, '@strudel/core/dist/index.mjs');
const miniPath = path.join(modules, '@strudel/mini/dist/index.mjs');
for (const p of [corePath, miniPath]) {
  if (!existsSync(p)) {
    console.error(`missing ${p}: npm install --prefix ${opts.strudelDir} @strudel/core@1.2.6 @strudel/mini@1.2.6`);
    process.exit(2);
  }
}
const core = await import(pathToFileURL(corePath).href);
const miniMod = await import(pathToFileURL(miniPath).href);
miniMod.miniAllStrings(); // strings are mini-notation wherever Strudel reifies, as on strudel.cc
const version = (p) => JSON.parse(readFileSync(path.join(modules, p, 'package.json'), 'utf8')).version;

// Evaluate a JS spelling with every export of core and mini in scope (as the REPL has them).
const scope = { ...core, ...miniMod };
const scopeNames = Object.keys(scope).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
const scopeValues = scopeNames.map((k) => scope[k]);
function evaluate(code) {
  // eslint-disable-next-line no-new-func
  return new Function(...scopeNames, `"use strict"; return (${code});`)(...scopeValues);
}

const table = JSON.parse(readFileSync(opts.table, 'utf8')).patterns;
const pats = table.map((e) => evaluate(e.js));
for (const [i, p] of pats.entries()) {
  if (!(p instanceof core.Pattern)) throw new Error(`${table[i].name}: not a Pattern`);
}

const wallNs = () => process.hrtime.bigint();
const cpuNs = () => {
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
};
const now = opts.clock === 'wall' ? wallNs : cpuNs;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const onsets = (pat, c) => pat.queryArc(c, c + 1).filter((h) => h.hasOnset()).length;

// query cost of one pattern: median over samples of (time for K fresh cycles) / K, in µs
function timePattern(pat) {
  const { repeats, batch, warmup } = opts;
  let sink = 0;
  for (let c = 100000; c < 100000 + warmup; c++) sink += pat.queryArc(c, c + 1).length;
  const samples = [];
  let c = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = now();
    for (let k = 0; k < batch; k++, c++) sink += pat.queryArc(c, c + 1).length;
    samples.push(Number(now() - t0) / 1000 / batch);
  }
  return { us: median(samples), sink };
}

// all 16 per cycle: medians of CPU time and of wall time (measured together)
function timeAll() {
  const { repeats, batch } = opts;
  const cpu = [];
  const wall = [];
  let sink = 0;
  let c = 200000;
  for (let r = 0; r < repeats; r++) {
    const c0 = cpuNs();
    const w0 = wallNs();
    for (let k = 0; k < batch; k++, c++) {
      for (const pat of pats) sink += pat.queryArc(c, c + 1).length;
    }
    const w1 = wallNs();
    const c1 = cpuNs();
    cpu.push(Number(c1 - c0) / 1000 / batch);
    wall.push(Number(w1 - w0) / 1000 / batch);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

// all 16 over one cycle in `windows` successive windows (floats, as Strudel's cyclist passes)
function timeTick() {
  const { windows, tickRepeats } = opts;
  const samples = [];
  let sink = 0;
  for (let r = 0, c = 300000; r < tickRepeats; r++, c++) {
    const t0 = now();
    for (let k = 0; k < windows; k++) {
      const b = c + k / windows;
      const e = c + (k + 1) / windows;
      for (const pat of pats) sink += pat.queryArc(b, e).length;
    }
    samples.push(Number(now() - t0) / 1000);
  }
  return median(samples);
}

const result = {
  engine: 'strudel',
  node: process.version,
  core: version('@strudel/core'),
  mini: version('@strudel/mini'),
  repeats: opts.repeats,
  batch: opts.batch,
  warmup: opts.warmup,
  patterns: [],
};
for (const [i, pat] of pats.entries()) {
  const counts = [];
  for (let c = 0; c < opts.checkCycles; c++) counts.push(onsets(pat, c));
  const { us } = timePattern(pat);
  result.patterns.push({ name: table[i].name, us, onsets: counts });
}
result.sum_us = result.patterns.reduce((a, p) => a + p.us, 0);
const all16 = timeAll();
result.clock = opts.clock;
result.all16_us = opts.clock === 'wall' ? all16.wall : all16.cpu;
result.all16_cpu_us = all16.cpu;
result.all16_wall_us = all16.wall;
result.windows = opts.windows;
result.tick_us = opts.windows > 0 && opts.tickRepeats > 0 ? timeTick() : null;
console.log(JSON.stringify(result));
