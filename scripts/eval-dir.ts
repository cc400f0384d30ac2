/**
 * Where ../shared/eval lives. The repo's main checkout sits next to it (/work/main →
 * /work/shared), a git worktree one level deeper (/work/wt/<lane> → /work/shared), so the
 * scripts look upward for the first `shared/eval` instead of assuming one layout.
 * OYSTER_EVAL_DIR overrides the search.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function sharedEvalDir(root: string): string {
  const fromEnv = process.env.OYSTER_EVAL_DIR;
  if (fromEnv) return fromEnv;
  let dir = dirname(root);
  for (let up = 0; up < 4; up++) {
    const candidate = join(dir, 'shared', 'eval');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(root, '..', 'shared', 'eval');
}
