// Build step (after tsc): loads the bundled policies with the compiled loader, running every
// check including each rule's examples, and stamps their digest and parsed content as
// verified, so a start with the same files skips the examples pass and the YAML parse
// (src/risk/examples-stamp.ts). A policy that fails its own examples fails the build, with
// the loader's fix-it message. Then it records every other policy file's parsed content by the
// hash of its text, so a start reads JSON instead of parsing YAML (src/policy/parsed-cache.ts).
import { join } from 'node:path';

const { PACKAGE_ROOT } = await import(new URL('../dist/src/package-root.js', import.meta.url).href);
const { loadDetectionPolicy } = await import(new URL('../dist/src/risk/policy-loader.js', import.meta.url).href);
const { recordVerified } = await import(new URL('../dist/src/risk/examples-stamp.js', import.meta.url).href);
const { recordParsedPolicies } = await import(new URL('../dist/src/policy/parsed-cache.js', import.meta.url).href);
const { recordLiterals, saveLiteralRecord } = await import(new URL('../dist/src/risk/literal-memo.js', import.meta.url).href);
const policies = join(PACKAGE_ROOT, 'policies');
const files = {};
// Every rule's required literals are worked out afresh by this build's code and recorded.
recordLiterals();
try {
  loadDetectionPolicy(policies, { checkExamples: 'always', onParsed: (name, data) => (files[name] = data) });
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
recordVerified(policies, files);
saveLiteralRecord();
const parsed = recordParsedPolicies(policies);
if (parsed.skipped.length > 0) process.stdout.write(`policy files left to the YAML parser at start: ${parsed.skipped.join(', ')}\n`);
