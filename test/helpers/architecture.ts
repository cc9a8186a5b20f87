/**
 * The layering rules of src/ and commands/ as a pure function over file texts (src/README.md has
 * the tier table). Imports are read with the TypeScript parser: `import`, `import type`,
 * `export … from`, `import x = require()`, `require()`, `import()` and `import('x').T` all count the
 * same — a type-only import ties two folders together as much as a value import does, and lazy
 * loading is a start-up choice, not a layering exemption.
 *
 * Rules (each violation names file:line):
 *   R1 tiers       a file imports only its own folder or folders on a lower tier
 *   R2 commands    commands/** import only src/index.ts and src/cli/**
 *   R3 core leaf   src/core/** imports only node: built-ins and CORE_PACKAGES
 *   R4 payload     the function-side handler code imports only dlpack:* virtual modules, node:
 *                  built-ins, packages, other payload files and src/core; other files import it
 *                  only with `import type` (esbuild reaches it by path)
 *   R5 emulator    calling conventions (run inside the runtime host) import only node: built-ins,
 *                  other convention files and, type-only, src/core
 *   R6 loaders     `import(<not a literal>)` only in DYNAMIC_LOADERS
 *   R7 heavy       HEAVY_PACKAGES only through `import()` or `import type` (payload and
 *                  BUILD_SCRIPTS excepted): never loaded at CLI start-up
 *   R8 cycles      no file-level import cycle
 *   R9 readme      every folder under src/ holding .ts files has a README.md
 *   R10 platforms  a platform's id (a folder src/platforms/<id>/ with an index.ts) is written as a
 *                  string literal only in its own folder and in src/platforms/list.ts: elsewhere
 *                  the code reads the platform's data instead of branching on its id
 *   folder         every file lives in a folder of the tier table; a relative import resolves
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

/** Rank of each folder (the first path segment under src/); `api` is src/index.ts. */
export const TIERS: Readonly<Record<string, number>> = {
  core: 0,
  formats: 1,
  platforms: 1,
  runtimes: 2,
  accuracy: 3,
  bundle: 3,
  transforms: 4,
  sim: 4,
  config: 5,
  budgets: 6,
  report: 7,
  init: 7,
  cli: 8,
  api: 9,
  commands: 10,
};

/** npm packages src/core may import (pure, small, no native code). */
export const CORE_PACKAGES: readonly string[] = ['simple-statistics'];

/** Packages that must never load at CLI start-up. */
export const HEAVY_PACKAGES: readonly RegExp[] = [/^onnxruntime-/, /^@tensorflow\//, /^esbuild$/, /^h5wasm$/, /^protobufjs$/, /^yauzl$/, /^tar-stream$/, /^ajv$/];

/** Files that import a module whose name is only known at run time (the user's handler). */
export const DYNAMIC_LOADERS: readonly string[] = ['src/sim/runtime-host.ts', 'src/sim/host-script.ts', 'src/platforms/load-platform.ts'];

/** Build steps run by `npm run build`, never by the CLI: may import heavy packages statically. */
export const BUILD_SCRIPTS: readonly string[] = ['src/cli/build-start-bundle.ts'];

/** Function-side code: bundled into the user's handler by esbuild, never imported by the CLI. */
export const isPayload = (f: string): boolean =>
  f.startsWith('src/bundle/handler-runtime/') || /^src\/bundle\/targets\/[^/]+\.ts$/.test(f) || /^src\/platforms\/[^/]+\/handler\.ts$/.test(f);

/** Emulator-side calling conventions: bundled into the runtime host process. */
export const isConvention = (f: string): boolean =>
  f.startsWith('src/sim/conventions/') || f.startsWith('src/platforms/shared/') || /^src\/platforms\/[^/]+\/convention\.ts$/.test(f);

export type EdgeKind = 'import' | 'import type' | 'export from' | 'export type from' | 'require' | 'import()' | 'import type()' | 'import(?)';

export interface Edge {
  from: string;
  line: number;
  kind: EdgeKind;
  specifier: string;
  /** Repository path of the target for a relative specifier; undefined for packages and built-ins. */
  to?: string;
  /** A relative specifier that names no file of the tree. */
  unresolved?: boolean;
}

export interface Violation {
  rule: string;
  file: string;
  line: number;
  message: string;
  /** Stable key without the line number (for the ratchet list): "from -> to". */
  key: string;
}

const TS_FILE = /\.(ts|mts|cts)$/;
const isTypeOnly = (k: EdgeKind) => k === 'import type' || k === 'export type from' || k === 'import type()';
const BUILTINS = new Set(builtinModules);
const isBuiltin = (s: string) => s.startsWith('node:') || BUILTINS.has(s.split('/')[0]);
const packageName = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]);

/** The folder a file belongs to: `core` for src/core/x.ts, `api` for src/index.ts, `commands`. */
export function folderOf(file: string): string {
  if (file.startsWith('commands/')) return 'commands';
  if (file === 'src/index.ts') return 'api';
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : `(src root: ${parts[1]})`;
}

function resolveRelative(from: string, spec: string, files: ReadonlyMap<string, string>): string | undefined {
  const p = posix.normalize(posix.join(posix.dirname(from), spec));
  const candidates = /\.js$/.test(p)
    ? [p.replace(/\.js$/, '.ts'), p.replace(/\.js$/, '.d.ts'), p]
    : /\.mjs$/.test(p)
      ? [p.replace(/\.mjs$/, '.mts'), p]
      : /\.(ts|mts|json)$/.test(p)
        ? [p]
        : [`${p}.ts`, `${p}/index.ts`, p];
  return candidates.find((c) => files.has(c));
}

/** Every import of one file. */
export function importsOf(file: string, text: string, files: ReadonlyMap<string, string>): Edge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const consts = new Map<string, string>();
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && ts.isStringLiteralLike(d.initializer)) consts.set(d.name.text, d.initializer.text);
      }
    }
  }
  const edges: Edge[] = [];
  const add = (node: ts.Node, kind: EdgeKind, specifier: string) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const e: Edge = { from: file, line, kind, specifier };
    if (specifier.startsWith('.')) {
      e.to = resolveRelative(file, specifier, files);
      if (!e.to) e.unresolved = true;
    }
    edges.push(e);
  };
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named?.length && named.every((el) => el.isTypeOnly)));
      add(n, typeOnly ? 'import type' : 'import', n.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      add(n, n.isTypeOnly ? 'export type from' : 'export from', n.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) {
      add(n, n.isTypeOnly ? 'import type' : 'require', n.moduleReference.expression.text);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = n.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) add(n, 'import()', arg.text);
      else if (arg && ts.isIdentifier(arg) && consts.has(arg.text)) add(n, 'import()', consts.get(arg.text)!);
      else add(n, 'import(?)', arg ? arg.getText(sf) : '');
    } else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments.length === 1 && ts.isStringLiteralLike(n.arguments[0])) {
      add(n, 'require', n.arguments[0].text);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n, 'import type()', n.argument.literal.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return edges;
}

/** The platform ids of a tree: folders src/platforms/<id>/ holding an index.ts (shared/ is not a platform). */
export function platformIdsOf(files: ReadonlyMap<string, string>): string[] {
  const ids = new Set<string>();
  for (const f of files.keys()) {
    const m = /^src\/platforms\/([^/]+)\/index\.ts$/.exec(f);
    if (m && m[1] !== 'shared') ids.add(m[1]);
  }
  return [...ids].sort();
}

/** String literals (and template texts without substitutions) of `text` equal to one of `ids`, with their lines. */
export function platformLiteralsOf(file: string, text: string, ids: readonly string[]): { id: string; line: number }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const wanted = new Set(ids);
  const out: { id: string; line: number }[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteralLike(n) && wanted.has(n.text) && !(n.parent && (ts.isImportDeclaration(n.parent) || ts.isExportDeclaration(n.parent)))) {
      out.push({ id: n.text, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Strongly connected components of size > 1 (Tarjan), each sorted. */
function cycles(adj: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of [...adj.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

/**
 * Checks a tree given as repository path → text (the .ts/.mts/.d.ts files of src/ and commands/,
 * and the README.md files of src/). Returns every violation, sorted by file and line.
 */
export function checkArchitecture(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  const flag = (rule: string, file: string, line: number, message: string, key: string) => out.push({ rule, file, line, message, key });
  const sources = [...files.keys()].filter((f) => TS_FILE.test(f) && (f.startsWith('src/') || f.startsWith('commands/'))).sort();
  const fileGraph = new Map<string, Set<string>>();
  const firstLine = new Map<string, number>();
  const unknownFolders = new Set<string>();

  for (const file of sources) {
    const from = folderOf(file);
    if (!(from in TIERS)) {
      if (!unknownFolders.has(from)) flag('folder', file, 1, `${file}:1 is in folder "${from}", which is not in the tier table (TIERS in test/helpers/architecture.ts, src/README.md)`, `${file} folder`);
      unknownFolders.add(from);
      continue;
    }
    for (const e of importsOf(file, files.get(file)!, files)) {
      const where = `${file}:${e.line}`;
      const typeOnly = isTypeOnly(e.kind);
      if (e.kind === 'import(?)') {
        if (!DYNAMIC_LOADERS.includes(file)) flag('R6 loaders', file, e.line, `${where} imports a module named at run time (import(${e.specifier})): only ${DYNAMIC_LOADERS.join(', ')} may`, `${file} -> import(${e.specifier})`);
        continue;
      }
      if (e.unresolved) {
        flag('folder', file, e.line, `${where} imports "${e.specifier}", which is no file of the tree`, `${file} -> ${e.specifier}`);
        continue;
      }
      if (!e.to) {
        // a package, a built-in or a dlpack:* virtual module
        const pkg = packageName(e.specifier);
        if (from === 'core' && !isBuiltin(e.specifier) && !CORE_PACKAGES.includes(pkg)) {
          flag('R3 core leaf', file, e.line, `${where} imports the package "${pkg}": src/core imports only node: built-ins and ${CORE_PACKAGES.join(', ') || 'no package'}`, `${file} -> ${pkg}`);
        }
        if (isConvention(file) && !isBuiltin(e.specifier)) {
          flag('R5 emulator', file, e.line, `${where} imports "${pkg}": a calling convention runs inside the runtime host and imports only node: built-ins`, `${file} -> ${pkg}`);
        }
        const heavy = HEAVY_PACKAGES.some((re) => re.test(pkg));
        if (heavy && !typeOnly && e.kind !== 'import()' && !isPayload(file) && !BUILD_SCRIPTS.includes(file)) {
          flag('R7 heavy', file, e.line, `${where} loads "${pkg}" with a static ${e.kind}: heavy packages load only through import() (or import type)`, `${file} -> ${pkg}`);
        }
        continue;
      }
      const to = e.to;
      if (!TS_FILE.test(to)) continue; // JSON and other data files
      if (!fileGraph.has(file)) fileGraph.set(file, new Set());
      fileGraph.get(file)!.add(to);
      if (!firstLine.has(`${file} ${to}`)) firstLine.set(`${file} ${to}`, e.line);
      const target = folderOf(to);
      const key = `${file} -> ${to}`;
      const edgeText = `${where} imports ${to}`;
      // R4: the payload is a world of its own
      if (isPayload(file) && !isPayload(to) && target !== 'core') {
        flag('R4 payload', file, e.line, `${edgeText}: handler code bundled into the function imports only dlpack:* modules, node: built-ins, packages, other payload files and src/core`, key);
        continue;
      }
      if (isPayload(to) && !isPayload(file) && !typeOnly) {
        flag('R4 payload', file, e.line, `${edgeText} with a ${e.kind}: handler code is bundled by esbuild from its path; other files import it only with import type`, key);
        continue;
      }
      // R5: conventions run inside the runtime host
      if (isConvention(file) && !isConvention(to) && !(target === 'core' && typeOnly)) {
        flag('R5 emulator', file, e.line, `${edgeText}: a calling convention runs inside the runtime host and imports only node: built-ins, other conventions and (type-only) src/core`, key);
        continue;
      }
      if (!(target in TIERS)) continue; // reported once as an unknown folder
      if (from === 'commands') {
        if (to !== 'src/index.ts' && target !== 'cli' && target !== 'commands') {
          flag('R2 commands', file, e.line, `${edgeText}: commands import only src/index.ts and src/cli/**`, key);
        }
        continue;
      }
      if (from === target) continue;
      const rf = TIERS[from];
      const rt = TIERS[target];
      if (rt > rf) flag('R1 tiers', file, e.line, `${edgeText}: ${from} (tier ${rf}) may not import ${target} (tier ${rt})`, key);
      else if (rt === rf) flag('R1 tiers', file, e.line, `${edgeText}: ${from} and ${target} are both tier ${rf}; folders on one tier do not import each other`, key);
    }
  }

  // R10: platform ids only in their own folder and the list
  const platformIds = platformIdsOf(files);
  for (const file of sources) {
    if (file === 'src/platforms/list.ts') continue;
    const seen = new Set<string>();
    for (const { id, line } of platformLiteralsOf(file, files.get(file)!, platformIds)) {
      if (file.startsWith(`src/platforms/${id}/`) || seen.has(id)) continue;
      seen.add(id);
      flag('R10 platforms', file, line, `${file}:${line} names the platform '${id}': platform ids are written only in src/platforms/${id}/ and src/platforms/list.ts; read the platform's data instead`, `${file} names '${id}'`);
    }
  }

  // R8: file-level cycles
  for (const c of cycles(fileGraph)) {
    const inCycle = new Set(c);
    const start = c[0];
    const next = [...(fileGraph.get(start) ?? [])].filter((t) => inCycle.has(t)).sort()[0];
    const line = firstLine.get(`${start} ${next}`) ?? 1;
    flag('R8 cycles', start, line, `${start}:${line} is in an import cycle: ${c.join(' → ')} → ${start}`, `cycle ${c.join(' ')}`);
  }

  // R9: a README in every folder of src/ that holds TypeScript
  const folders = new Map<string, string>();
  for (const f of sources) if (f.startsWith('src/') && !folders.has(posix.dirname(f))) folders.set(posix.dirname(f), f);
  for (const [dir, first] of [...folders].sort()) {
    if (!files.has(`${dir}/README.md`)) flag('R9 readme', first, 1, `${first}:1 is in ${dir}/, which has no README.md saying what its files are`, `${dir} readme`);
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** One line per violation, as the test prints them. */
export const formatViolation = (v: Violation): string => `${v.rule}: ${v.message}`;
