// Node module-resolution hook for running @strudel/core 1.2.6 under plain node.
//
// @strudel/core 1.2.6 imports `@kabelsalat/web`, whose package.json `main` points at a
// browser (CommonJS/UMD) build; its ES-module build is `dist/index.mjs`.  This hook sends
// that one import to the .mjs file.  pattern_query.mjs registers it with module.register()
// before importing Strudel; another script can do the same:
//   import { register } from 'node:module'; register('./strudel_hooks.mjs', import.meta.url);
export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@kabelsalat/web') {
    const r = await nextResolve(specifier, context);
    return { ...r, url: r.url.replace(/\/dist\/index\.js$/, '/dist/index.mjs'), format: 'module' };
  }
  return nextResolve(specifier, context);
}
