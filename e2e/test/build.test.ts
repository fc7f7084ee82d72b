import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './platform';

jest.setTimeout(180_000);

// scripts/build.mjs on a copy of the repository with two workspaces (common and auth), so the
// real checkout's build output is never touched while other tests run from it.
let copy: string;

function build() {
  const result = spawnSync(process.execPath, [path.join(copy, 'scripts', 'build.mjs')], {
    cwd: copy,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Every file under the workspaces' dist folders with its modification time. */
function outputs(): Map<string, number> {
  const files = new Map<string, number>();
  for (const workspace of ['common', 'auth']) {
    const dist = path.join(copy, workspace, 'dist');
    for (const file of readdirSync(dist, { recursive: true }) as string[]) {
      const full = path.join(dist, file);
      const stat = statSync(full);
      if (stat.isFile()) files.set(path.join(workspace, file), stat.mtimeMs);
    }
  }
  return files;
}

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'ticketing-build-'));
  cpSync(path.join(ROOT, 'scripts'), path.join(copy, 'scripts'), { recursive: true });
  cpSync(path.join(ROOT, 'tsconfig.base.json'), path.join(copy, 'tsconfig.base.json'));
  for (const workspace of ['common', 'auth']) {
    cpSync(path.join(ROOT, workspace), path.join(copy, workspace), {
      recursive: true,
      filter: (source) => !/\/(dist|node_modules|coverage)$/.test(source),
    });
  }
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ ...manifest, workspaces: ['common', 'auth'] }));
  // The installed packages, except that @ticketing/common is the copy's.
  mkdirSync(path.join(copy, 'node_modules', '@ticketing'), { recursive: true });
  for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry !== '@ticketing')
      symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(copy, 'node_modules', entry));
  }
  symlinkSync(path.join(copy, 'common'), path.join(copy, 'node_modules', '@ticketing', 'common'));
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('the build (scripts/build.mjs, as npm start runs it)', () => {
  it('when nothing changed since the last build, then it compiles nothing again', () => {
    expect(build()).toMatchObject({ status: 0 });
    const first = outputs();
    expect(first.has(path.join('auth', 'index.js'))).toBe(true);

    expect(build()).toMatchObject({ status: 0 });

    expect(outputs()).toEqual(first);
  });

  it('when a file of one workspace has a type error, then the build fails with the compiler’s message; once fixed, only that workspace is rebuilt', () => {
    const app = path.join(copy, 'auth', 'src', 'app.ts');
    const source = readFileSync(app, 'utf8');
    const before = outputs();

    writeFileSync(app, `${source}\nexport const broken: number = 'not a number';\n`);
    const failed = build();
    expect(failed.status).toBe(1);
    expect(failed.output).toMatch(
      /auth\/src\/app\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );

    writeFileSync(app, source);
    expect(build()).toMatchObject({ status: 0 });
    const after = outputs();
    const changed = [...after].filter(([file, mtime]) => before.get(file) !== mtime).map(([file]) => file);
    expect(changed).toContain(path.join('auth', 'app.js'));
    expect(changed.filter((file) => file.startsWith('common'))).toEqual([]);
  });
});
