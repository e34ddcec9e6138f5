// Writes static/vendor/bootstrap/bootstrap.portal.min.css: Bootstrap's CSS with only the rules
// whose selectors the portal can use (its templates, scripts and Python that emits markup, and
// crispy-bootstrap5's form templates). Run on a machine with Node.js (CI has it) and commit the
// result; `make run` needs no Node. tests/foundation/test_trimmed_css.py fails when a template
// uses a Bootstrap class that the trimmed file lacks: run `make css` and commit again.
//
//   make css     (installs purgecss into a temporary folder, runs this script)
import { writeFileSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PurgeCSS } from "purgecss";

const root = resolve(process.argv[2] || ".");
const crispy = process.argv[3];
const apps = "{core,venues,events,submissions,exhibits,contests,federation,public,shuangchuang}";
const result = await new PurgeCSS().purge({
  content: [
    `${root}/templates/**/*.html`,
    `${root}/${apps}/**/*.{html,py}`,
    `${root}/static/js/**/*.js`,
    ...(crispy ? [`${crispy}/**/*.html`] : []),
  ],
  css: [`${root}/static/vendor/bootstrap/bootstrap.min.css`],
  // Classes Bootstrap's own script adds at run time, and the message tags put together in base.html.
  safelist: {
    standard: [/^(show|showing|hiding|collapsing|fade|active|disabled|was-validated|is-invalid|is-valid)$/,
      /^alert-(info|success|warning|danger|debug)$/],
    greedy: [/^modal-(backdrop|open|static)/, /^offcanvas-backdrop/, /^dropdown-menu-(start|end)/,
      /^bs-(tooltip|popover)-/, /^collapse-horizontal/],
  },
  variables: false,
  keyframes: true,
  fontFace: true,
});
const header = "/* Bootstrap v5.3.9 (https://getbootstrap.com/), MIT licence (LICENSE beside this file). "
  + "Trimmed to the rules the portal uses by shuangchuang/scripts/trim_bootstrap.mjs (PurgeCSS); "
  + "regenerate with `make css`. */\n";
const css = result[0].css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "");
writeFileSync(`${root}/static/vendor/bootstrap/bootstrap.portal.min.css`, header + css);
const before = readFileSync(`${root}/static/vendor/bootstrap/bootstrap.min.css`).length;
console.log(`bootstrap.portal.min.css: ${header.length + css.length} bytes (from ${before})`);
