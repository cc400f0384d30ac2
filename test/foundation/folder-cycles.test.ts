/**
 * Folders depend on each other in one direction only. A cycle between folders (store imports
 * crisis while crisis imports store) means neither can be read, tested or replaced on its
 * own, so every relative import in src/ and adapters/ is folded into a folder graph and the
 * graph must have no cycle. A folder's subfolders belong to it (src/store/sqlite/ is part of
 * src/store/). Files directly in src/ (ports, messages, errors, engine, main) are each their own
 * node: they are the core's shared vocabulary, not a folder.
 */
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sourceImports } from '../helpers/source-imports.js';

/**
 * The graph node a file belongs to: its top folder (src/store/ holds src/store/sqlite/ too, as a
 * part holds its own parts), or the file itself when it sits directly in src/.
 */
function nodeOf(file: string): string {
  const [top, second, third] = file.split('/');
  return third === undefined && top === 'src' ? file : `${top}/${second}/`;
}

type Graph = Map<string, Map<string, string>>;

function folderGraph(): Graph {
  const graph: Graph = new Map();
  for (const { file, imports } of sourceImports()) {
    const from = nodeOf(file);
    for (const spec of imports.filter((i) => i.startsWith('.'))) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), spec.replace(/\.js$/, '.ts')));
      const to = nodeOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      // Keep one example import per edge so a failure names the file to fix.
      if (!edges.has(to)) edges.set(to, `${file} -> ${spec}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Every cycle found by depth-first search, each reported with the imports that close it. */
function findCycles(graph: Graph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const loop = path.slice(path.indexOf(next));
        cycles.push(loop.map((n, i) => graph.get(n)!.get(loop[i + 1] ?? next)!));
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('folder dependencies', () => {
  it('reads a graph with the core folders in it', () => {
    const nodes = [...folderGraph().keys()];
    expect(nodes).toEqual(expect.arrayContaining(['src/crisis/', 'src/store/', 'src/engine.ts', 'adapters/discord/']));
  });

  it('reports a cycle between two folders with the imports that close it', () => {
    const graph: Graph = new Map([
      ['src/a/', new Map([['src/b/', 'src/a/x.ts -> ../b/y.js']])],
      ['src/b/', new Map([['src/a/', 'src/b/y.ts -> ../a/x.js']])],
    ]);
    expect(findCycles(graph)).toEqual([['src/a/x.ts -> ../b/y.js', 'src/b/y.ts -> ../a/x.js']]);
  });

  it('has no cycle between folders', () => {
    expect(findCycles(folderGraph())).toEqual([]);
  });
});
