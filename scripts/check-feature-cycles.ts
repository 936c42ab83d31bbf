// Fails when two feature folders of the server import each other, directly or around a
// longer loop (server/src/a → b → a). dependency-cruiser parses and resolves the imports;
// the folder graph and its cycles are computed here, because a cycle between folders can
// pass through files that are not themselves in a module-level cycle. Run by `npm run lint`;
// proven by scripts/check-boundaries.test.ts. See docs/architecture.md, "A feature's shape".
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';

/** Folders under server/src that are plumbing every feature may use, not features. */
const SHARED_FOLDERS = new Set(['core', 'db', 'events', 'http', 'observability', 'testing']);

export interface FeatureCycle {
  folders: string[];
  /** One import per step of the loop, `from → to`. */
  imports: string[];
}

/** Top-level folders of `root` (e.g. server/src) that import each other in a loop; tests are left out. */
export async function featureCycles(root: string): Promise<FeatureCycle[]> {
  const result = await cruise([root], { tsPreCompilationDeps: true, exclude: { path: ['\\.test\\.ts$', 'node_modules'] } });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a result');
  const rootPrefix = `${path.relative(process.cwd(), root).split(path.sep).join('/')}/`;
  const folderOf = (file: string): string | null => {
    if (!file.startsWith(rootPrefix)) return null;
    const rest = file.slice(rootPrefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) return null;
    const folder = rest.slice(0, slash);
    return SHARED_FOLDERS.has(folder) ? null : folder;
  };

  const edges = new Map<string, Map<string, string>>();
  for (const module of result.output.modules) {
    const from = folderOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved);
      if (!to || to === from) continue;
      const targets = edges.get(from) ?? new Map<string, string>();
      if (!targets.has(to)) targets.set(to, `${module.source} → ${dependency.resolved}`);
      edges.set(from, targets);
    }
  }
  return stronglyConnected(edges).map((folders) => ({
    folders,
    imports: folders.flatMap((from) => [...(edges.get(from) ?? [])].filter(([to]) => folders.includes(to)).map(([, example]) => example)),
  }));
}

/** Tarjan's algorithm: the groups of folders that reach each other, larger than one. */
function stronglyConnected(edges: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return groups;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cycles = await featureCycles(process.argv[2] ?? 'server/src');
  for (const cycle of cycles) console.error(`feature cycle: ${cycle.folders.join(' ↔ ')}\n  ${cycle.imports.join('\n  ')}`);
  if (cycles.length > 0) {
    console.error('Feature folders must not import each other in a loop: lend the other side an interface instead (docs/architecture.md).');
    process.exit(1);
  }
  console.log('feature cycles: none');
}
