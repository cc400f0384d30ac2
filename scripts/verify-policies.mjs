// Build step (after tsc): loads the bundled policies with the compiled loader, running every
// check including each rule's examples, and stamps their digest and parsed content as
// verified, so a start with the same files skips the examples pass and the YAML parse
// (src/risk/examples-stamp.ts). A policy that fails its own examples fails the build, with
// the loader's fix-it message.
import { join } from 'node:path';

const { PACKAGE_ROOT } = await import(new URL('../dist/src/package-root.js', import.meta.url).href);
const { loadDetectionPolicy } = await import(new URL('../dist/src/risk/policy-loader.js', import.meta.url).href);
const { recordVerified } = await import(new URL('../dist/src/risk/examples-stamp.js', import.meta.url).href);
const policies = join(PACKAGE_ROOT, 'policies');
const files = {};
try {
  loadDetectionPolicy(policies, { checkExamples: 'always', onParsed: (name, data) => (files[name] = data) });
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
recordVerified(policies, files);
