#!/usr/bin/env node
// What KaTeX accepts, as data for lint rule MB302 (mlbank/tex_check.py): every command, environment,
// delimiter and character KaTeX renders, with the arguments each command takes, found by asking
// KaTeX itself. Candidates come from KaTeX's own bundle (every "\name" string literal in its function,
// symbol and macro tables, every environment name); each is kept only when
// katex.renderToString(tex, {throwOnError: true}) accepts it, and its arguments are found by probing
// (how many groups it needs, and whether each is math, text, a size, a colour or a delimiter).
//
// Regenerate (node 20+), for the KaTeX version the file names (its "katex" key), or a newer one:
//   dir=~/.cache/mlbank-tests/node && mkdir -p $dir && (cd $dir && npm install katex@0.19.1)
//   node scripts/katex_commands.mjs --katex $dir/node_modules/katex > mlbank/data/katex.json
// tests/test_katex_real.py installs the version the file names, runs this script and compares the
// output with the committed file, so a stale file fails CI. The output is deterministic.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

// mlbank's policy on top of KaTeX's: commands KaTeX renders only with its `trust` option (links,
// images, raw HTML attributes) must not reach published pages, and definitions are refused because
// engines scope them differently (KaTeX forgets them after each formula, MathJax keeps them for the
// whole page), so the same bank would render differently, and the checker could not see through them.
const DEFINITIONS = [
  "\\def", "\\gdef", "\\edef", "\\xdef", "\\let", "\\futurelet", "\\global", "\\long",
  "\\newcommand", "\\renewcommand", "\\providecommand",
];
// TeX programming rather than mathematics, refused for the same reason (the checker does not run
// macros): expansion control, debugging output, and KaTeX's internal \...@... commands.
const PROGRAMMING = ["\\expandafter", "\\noexpand", "\\show", "\\message", "\\errmessage"];
// Commands the checker treats as syntax rather than as commands with arguments; each is probed
// below in the context where it belongs.
const STRUCTURAL = {
  "\\left": "\\left( a \\right)",
  "\\right": "\\left( a \\right)",
  "\\middle": "\\left( a \\middle| b \\right)",
  "\\begin": "\\begin{matrix} a \\end{matrix}",
  "\\end": "\\begin{matrix} a \\end{matrix}",
  "\\hline": "\\begin{array}{c} \\hline a \\end{array}",
  "\\hdashline": "\\begin{array}{c} \\hdashline a \\end{array}",
  "\\limits": "\\sum\\limits_a",
  "\\nolimits": "\\sum\\nolimits_a",
  "\\begingroup": "\\begingroup a \\endgroup",
  "\\endgroup": "\\begingroup a \\endgroup",
  "\\verb": "\\verb|a|",
  "\\(": "\\(a\\)",
  "\\char": "\\char\"41",
  "\\cr": "\\begin{matrix} a \\cr b \\end{matrix}",
  "\\)": "\\(a\\)",
};
const MAX_ARGS = 6;
const MAX_COLUMNS = 12;
const TRUST_MARKER = "mlbank: needs trust: ";

function main(argv) {
  const at = argv.indexOf("--katex");
  let katex, bundle;
  try {
    const root = at >= 0 ? path.resolve(argv[at + 1]) : path.dirname(createRequire(import.meta.url).resolve("katex/package.json"));
    katex = createRequire(path.join(root, "package.json"))(root);
    bundle = readFileSync(path.join(root, "dist", "katex.js"), "utf8");
  } catch (error) {
    process.stderr.write(`cannot load KaTeX (${error.message}): pass --katex DIR/node_modules/katex\n`);
    process.exit(2);
  }
  // \message and \errmessage print through console.log: keep them out of the data.
  const quiet = Object.fromEntries(["log", "info", "warn", "error"].map((k) => [k, console[k]]));
  for (const k of Object.keys(quiet)) console[k] = () => {};
  const data = generate(katex, bundle);
  Object.assign(console, quiet);
  const count = Object.keys(data.commands).length;
  if (count < 500 || Object.keys(data.environments).length < 10) {
    process.stderr.write(`found only ${count} commands in KaTeX ${katex.version}: has its bundle changed shape?\n`);
    process.exit(1);
  }
  process.stdout.write(layout(data));
}

// The data with one entry per line (a command, an environment), so a regeneration diffs legibly.
function layout(data) {
  const lines = Object.entries(data).map(([key, value]) => {
    const isTable = value && typeof value === "object" && !Array.isArray(value);
    const body = isTable
      ? `{\n${Object.entries(value).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n")}\n }`
      : JSON.stringify(value);
    return ` ${JSON.stringify(key)}: ${body}`;
  });
  return `{\n${lines.join(",\n")}\n}\n`;
}

// One verdict: null when KaTeX renders `tex`, else {message, position} of its ParseError.
function makeRender(katex) {
  const settings = (display, maxExpand) => ({
    throwOnError: true,
    displayMode: display,
    strict: "ignore", // KaTeX's default ("warn") accepts the same input and logs; nothing more
    maxExpand,
    trust: (context) => {
      throw new katex.ParseError(TRUST_MARKER + context.command);
    },
  });
  return (tex, display = false, maxExpand = 1000) => {
    try {
      katex.renderToString(tex, settings(display, maxExpand));
      return null;
    } catch (error) {
      return { message: String(error.rawMessage ?? error.message), position: error.position ?? -1 };
    }
  };
}

// Every control sequence named by a string literal in KaTeX's bundle: its symbol, function and
// macro tables are all written as literals such as "\\frac".
function candidates(bundle) {
  const found = new Set();
  // In the bundle's source, "\\frac" is a quote, two backslashes, the name and the same quote.
  for (const match of bundle.matchAll(/(["'])\\\\([A-Za-z@]+|\\\\|(?!\1)[^A-Za-z@\\\n\r\t])\1/g)) {
    found.add("\\" + (match[2] === "\\\\" ? "\\" : match[2]));
  }
  return [...found].sort();
}

function environmentNames(bundle) {
  const names = new Set();
  for (const match of bundle.matchAll(/defineEnvironment\(\{\s*type:\s*"[^"]*",\s*names:\s*\[([^\]]*)\]/g)) {
    for (const name of match[1].matchAll(/"([^"]+)"/g)) {
      names.add(name[1]);
    }
  }
  return [...names].sort();
}

// Contexts a command is tried in: inline math, display math, and text inside \text{...}.
const MODES = {
  m: { wrap: (s) => s, display: false },
  d: { wrap: (s) => s, display: true },
  t: { wrap: (s) => `\\text{${s}}`, display: false },
};

// Argument fillers, in the order tried: what a probe writes where a command wants an argument.
const FILLERS = ["{a}", "{1em}", "{}", "{c}", "{1}", "(", "{red}"];

function probeCommand(render, name) {
  const modes = {};
  for (const [mode, how] of Object.entries(MODES)) {
    const args = arity(render, name, how);
    if (args !== null) {
      modes[mode] = args;
    }
  }
  return modes;
}

// The fillers `name` needs in this context, or null when no filling makes KaTeX accept it. A
// filler that leaves KaTeX asking for more (its error points at the end of the input) is right.
function arity(render, name, how) {
  const args = [];
  for (let n = 0; n <= MAX_ARGS; n++) {
    const source = name + args.join("");
    if (render(how.wrap(source), how.display) === null) {
      return args;
    }
    if (n === MAX_ARGS) {
      break;
    }
    const next = FILLERS.find((filler) => {
      const tex = how.wrap(source + filler);
      const error = render(tex, how.display);
      return error === null || wantsMore(error, tex, how);
    });
    if (next === undefined) {
      return null;
    }
    args.push(next);
  }
  return null;
}

function wantsMore(error, tex, how) {
  const end = how.wrap("").length === 0 ? tex.length : tex.length - 1; // the closing brace of \text{
  return error.position >= end;
}

// What kind of argument each position takes, by trying telling contents there.
function argumentKinds(render, name, args, how) {
  return args.map((_, i) => {
    const ok = (filler) => render(how.wrap(name + args.slice(0, i).join("") + filler + args.slice(i + 1).join("")), how.display) === null;
    if (ok("{\\mlbankUndefined}")) return "raw";
    if (ok("{x^{2}}") && ok("{\\alpha}")) return "math";
    if (ok("{a b}") && !ok("{x^{2}}")) return "text";
    if (ok("{1em}") && !ok("{a}")) return ok("{}") ? "size_or_empty" : "size";
    if (ok("{red}") && !ok("{1em}")) return "color";
    if (ok("(") && !ok("{a}")) return ok("{(}") ? "delimiter" : "bare_delimiter"; // \big{(} is fine
    return "other";
  });
}

// The rest of what the checker needs to know of a command, probed where it lives (math if it can).
function details(render, name, modes) {
  const [mode, args] = Object.entries(modes)[0];
  const how = MODES[mode];
  const entry = { modes: Object.keys(modes).join("") };
  const tail = args.join("");
  const ok = (tex) => render(how.wrap(tex), how.display) === null;
  const kinds = argumentKinds(render, name, args, how);
  if (kinds.length) entry.args = kinds;
  // An optional [..] first: it is one when an unclosed `[` leaves KaTeX looking for the `]`.
  if ((ok(`${name}[1em]${tail}`) || ok(`${name}[a]${tail}`)) && !ok(`${name}[${tail}`)) {
    entry.optional = ok(`${name}[x^{2}]${tail}`) ? "math" : ok(`${name}[1em]${tail}`) && !ok(`${name}[a]${tail}`) ? "size" : "other";
  }
  if (args.length && ok(`${name}*${tail}`) && !ok(`${name}*${args.slice(0, -1).join("")}`)) {
    entry.star = true;
  }
  if (mode !== "t" && modes.t !== undefined) {
    const kinds = argumentKinds(render, name, modes.t, MODES.t);
    if (kinds.join() !== (entry.args ?? []).join()) entry.text_args = kinds;
  }
  if (mode !== "t") {
    const math = (tex) => render(tex, how.display) === null;
    // A command as the whole operand of ^ or _: KaTeX allows only a few that take arguments.
    const bare = math(`x^${name}${tail}`);
    if (bare !== (args.length === 0)) entry.bare_operand = bare;
    // Takes the rest of its group as its body (\color, \displaystyle) or is no atom at all
    // (\relax): a script after it starts a new atom instead of attaching to it.
    if (math(`${name}${tail}\u00b2^2`)) entry.ends_atom = true;
    // Expands to nothing (\relax, \DOTSB): KaTeX skips it and takes the operand after it.
    if (!bare && math(`x^${name}${tail}{a}`)) entry.transparent = true;
    if (args.length && math(`${name}\\frac12${args.slice(1).join("")}`)) entry.primitive = true;
    if (math(`${name}${tail}\\limits`)) entry.operator = true;
    const once = `a${name}${tail} b`;
    if (math(once) && render(`${once}${name}${tail} c`, how.display)?.message.includes("infix")) entry.infix = true;
    const cost = expansions(render, `${name}${tail}`, how.display);
    if (cost > 0) entry.expansions = cost;
  }
  return entry;
}

// How many macro expansions KaTeX spends on one use (it refuses a formula past maxExpand, 1000).
function expansions(render, tex, display) {
  for (let limit = 0; limit <= 64; limit++) {
    if (render(tex, display, limit) === null) return limit;
  }
  return 64;
}

function probeEnvironment(render, name) {
  const tex = (args, body) => `\\begin{${name}}${args}${body}\\end{${name}}`;
  for (const display of [false, true]) {
    // Environments take at most one argument in KaTeX: a column spec or a column count.
    const args = ["", "{c}", "{1}"].find((a) => render(tex(a, "a"), display) === null);
    if (args === undefined) continue;
    const ok = (a, body = "a") => render(tex(a, body), display) === null;
    const entry = {};
    if (args === "{c}" && !ok("{a}")) {
      entry.args = ["columns"];
      entry.column_letters = [..."lcr|:"].filter((c) => ok(`{${c}}`)).join("");
      if (!ok("{cc}")) entry.spec_columns = 1;
    } else if (args === "{1}" && !ok("{a}")) {
      entry.args = ["count"]; // pairs of columns, as {alignat}{2}
    } else if (args) {
      entry.args = ["other"];
    }
    // The starred matrices take an optional column alignment: [l], [c] or [r].
    if (ok(`${args}[c]`) && !ok(`${args}[x]`)) entry.optional = "alignment";
    if (display) entry.display_only = true;
    let columns = 1;
    while (columns < MAX_COLUMNS && ok(args, Array(columns + 1).fill("a").join("&"))) columns++;
    if (columns < MAX_COLUMNS && args !== "{1}") entry.max_columns = columns; // {alignat}{n}: 2n
    return entry;
  }
  return null;
}

function generate(katex, bundle) {
  const render = makeRender(katex);
  const commands = {};
  const refused = {};
  const contextual = {};
  for (const name of candidates(bundle)) {
    if (DEFINITIONS.includes(name)) {
      refused[name] = "definition";
      continue;
    }
    if (PROGRAMMING.includes(name) || name.includes("@")) {
      refused[name] = "programming";
      continue;
    }
    if (name in STRUCTURAL) {
      const probe = STRUCTURAL[name];
      const modes = (render(probe) === null ? "m" : "") + (render(`\\text{${probe}}`) === null ? "t" : "");
      if (modes) contextual[name] = modes;
      continue;
    }
    const modes = probeCommand(render, name);
    const trusted = Object.keys(modes).length === 0 && needsTrust(render, name);
    if (trusted) {
      refused[name] = "trust";
      continue;
    }
    if (Object.keys(modes).length === 0) continue;
    commands[name] = details(render, name, modes);
  }
  const environments = {};
  for (const name of environmentNames(bundle)) {
    const entry = probeEnvironment(render, name);
    if (entry !== null) environments[name] = entry;
  }
  return {
    katex: katex.version,
    generated_by: "scripts/katex_commands.mjs (see its header to regenerate)",
    commands,
    structural: Object.fromEntries(Object.entries(contextual).sort()),
    refused,
    environments,
    delimiters: delimiters(render, Object.keys(commands).filter((name) => !commands[name].args)),
    units: units(render),
    characters: characters(render),
  };
}

// The units a size may use (\kern{1em}): every two-letter unit KaTeX accepts.
function units(render) {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const all = [...letters].flatMap((a) => [...letters].map((b) => a + b));
  return all.filter((unit) => render(`\\kern{1${unit}}`) === null);
}

// A command KaTeX renders only with trust (links, images, HTML attributes): our trust hook throws.
function needsTrust(render, name) {
  for (const args of ["{a}", "{a}{a}", "{a=b}{a}", "{a}{a}{a}"]) {
    const error = render(`${name}${args}`);
    if (error?.message.includes(TRUST_MARKER)) return true;
  }
  return false;
}

function delimiters(render, names) {
  const found = [];
  const ascii = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i));
  const unicode = Array.from({ length: 0x2bff - 0x2000 }, (_, i) => String.fromCharCode(0x2000 + i));
  for (const d of [...ascii, ...unicode, ...names]) {
    const spaced = /^\\[A-Za-z@]+$/.test(d) ? `${d} ` : d;
    if (render(`\\left${spaced}a\\right.`) === null) found.push(d);
  }
  return found.sort();
}

// Characters, by where KaTeX takes them as symbols: printable ASCII in math and in text; the
// Unicode super- and subscripts (x² is x^2 to KaTeX); and the combining accents KaTeX can put on
// a letter (written as U+XXXX, as they are invisible on their own).
const codePoint = (c) => `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

function characters(render) {
  const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
  const keep = (test) => ascii.filter(test).join("");
  const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
  const scriptish = [...range(0x00b2, 0x00b9), ...range(0x1d2c, 0x1dbf), ...range(0x2070, 0x209f), "\u2c7c"];
  const marks = range(0x0300, 0x036f);
  return {
    // As the operand of ^: `a${c}` would also pass for a space, a prime or a comment.
    math: keep((c) => render(`x^${c}`) === null),
    text: keep((c) => render(`\\text{a${c}}`) === null),
    superscripts: scriptish.filter((c) => render(`x${c}^a`)?.message.startsWith("Double superscript")).join(""),
    subscripts: scriptish.filter((c) => render(`x${c}_a`)?.message.startsWith("Double subscript")).join(""),
    math_marks: marks.filter((c) => render(`a${c}`) === null).map(codePoint),
    text_marks: marks.filter((c) => render(`\\text{a${c}}`) === null).map(codePoint),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
