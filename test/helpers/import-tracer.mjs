// Loaded with `node --import ./test/helpers/import-tracer.mjs ...`: records every module URL the
// process resolves into the file named by IMPORT_TRACE_FILE (one per line), for the start-up test.
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = process.env.IMPORT_TRACE_FILE;
if (out) {
  register(
    'data:text/javascript,' +
      encodeURIComponent(`
      import { appendFileSync } from 'node:fs';
      const out = ${JSON.stringify(out)};
      export async function resolve(spec, ctx, next) {
        const r = await next(spec, ctx);
        appendFileSync(out, r.url + '\\n');
        return r;
      }`),
  );
  // CommonJS requires do not pass through the ESM hooks: record them too.
  const Module = createRequire(import.meta.url)('node:module');
  const orig = Module._load;
  Module._load = function (request, parent, isMain) {
    appendFileSync(out, 'cjs:' + request + '\n');
    return orig.call(this, request, parent, isMain);
  };
}
