#!/usr/bin/env node
// Checks that every published package (packages/*, not private) is publishable on its own:
// 1. publint — package.json exports/files/types are consistent with what the tarball contains;
// 2. are-the-types-wrong — TypeScript resolves the types of every entry point under node16/ESM and bundlers;
// 3. the packed tarball contains every file its built code imports, and every bare import is a declared
//    dependency (or a Node builtin), so a consumer's install can run it.
// Run after a build: `node scripts/check-packages.mjs [package-dir…]`. Exits 1 on the first problem set.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { init, parse } from 'es-module-lexer';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const requested = process.argv.slice(2);
const dirs = (
  requested.length ? requested : readdirSync(join(root, 'packages')).map((d) => join('packages', d))
)
  .map((d) => join(root, d))
  .filter((d) => {
    const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8'));
    return !pkg.private && pkg.scripts?.build;
  });

await init;
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
let failures = 0;

for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const problems = [];

  const lint = await publint({ pkgDir: dir, pack: 'pnpm', level: 'warning', strict: true });
  for (const message of lint.messages) problems.push(`publint: ${formatMessage(message, lint.pkg)}`);

  const scratch = mkdtempSync(join(tmpdir(), 'nosana-pack-'));
  try {
    execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: dir, stdio: 'ignore' });
    const tarball = join(
      scratch,
      readdirSync(scratch).find((f) => f.endsWith('.tgz')),
    );

    const attw = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tarball))));
    // ESM-only packages: CommonJS `require` resolutions are expected to fail (documented: Node ≥ 20.19 ESM).
    for (const problem of attw.types === false ? [{ kind: 'NoTypes' }] : attw.problems) {
      if (problem.resolutionKind === 'node10' || problem.resolutionKind === 'node16-cjs') continue;
      if (problem.kind === 'CJSResolvesToESM') continue;
      problems.push(`attw: ${problem.kind} (${problem.entrypoint ?? ''} ${problem.resolutionKind ?? ''})`);
    }

    execFileSync('tar', ['-xzf', tarball, '-C', scratch]);
    const packed = join(scratch, 'package');
    const files = new Set(walk(packed).map((f) => relative(packed, f)));
    const declared = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
    ]);
    for (const file of files) {
      if (!/\.(m?js)$/.test(file) || (!file.startsWith('dist/') && !file.startsWith('bin/'))) continue;
      const [imports] = parse(readFileSync(join(packed, file), 'utf8'));
      for (const { n: specifier } of imports) {
        if (!specifier) continue;
        if (specifier.startsWith('.')) {
          const target = normalize(join(dirname(file), specifier));
          if (!files.has(target)) problems.push(`${file} imports ${specifier}, which is not in the tarball`);
        } else if (!builtins.has(specifier)) {
          const name = specifier.startsWith('@')
            ? specifier.split('/').slice(0, 2).join('/')
            : specifier.split('/')[0];
          if (!declared.has(name))
            problems.push(`${file} imports ${specifier}, but ${name} is not a dependency`);
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  if (problems.length) {
    failures++;
    console.error(`✖ ${pkg.name}\n${problems.map((p) => `  ${p}`).join('\n')}`);
  } else {
    console.log(`✔ ${pkg.name}: publint, types and tarball imports OK`);
  }
}
process.exit(failures ? 1 : 0);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
