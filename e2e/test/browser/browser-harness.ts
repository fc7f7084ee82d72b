/**
 * The harness of the browser tests: one platform (started as `npm start` starts it) and one
 * Chromium per test file, a fresh browser context per visitor, and per test:
 * - every request any page makes is checked against the platform's origin (nothing may leave);
 * - console errors and uncaught page errors fail the test unless it expected them;
 * - screenshots of the steps (E2E_SCREENSHOTS=1), of every open page on failure (always), and of
 *   the pages the README shows (E2E_DOCS=1, into docs/screenshots).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createApi } from '../api';
import { type Platform, ROOT, startPlatform } from '../platform';

/** Debian's Chromium; never one downloaded by `playwright install`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Chromium's flags for every browser test (Playwright's and Lighthouse's): headless, offline-quiet. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Every page is rendered at this size, so step and docs screenshots look alike. */
export const VIEWPORT = { width: 1280, height: 800 } as const;
/** How long a locator waits for its outcome: generous for a loaded CI machine, far below jest's limit. */
const ACTION_TIMEOUT_MS = 15_000;
/** The platform is up in ~15 s on an idle machine; a busy CI runner can take several times that. */
const PLATFORM_START_MS = 150_000;

const ARTIFACTS_DIR = path.join(ROOT, 'e2e', 'artifacts');
const DOCS_DIR = path.join(ROOT, 'docs', 'screenshots');
const STEP_SCREENSHOTS = process.env.E2E_SCREENSHOTS === '1';
const DOCS_SCREENSHOTS = process.env.E2E_DOCS === '1';

export const JWT_KEY = 'e2e-browser-signing-key-0123456789abcdef';

export interface BrowserTest {
  /** A new visitor: a browser context of its own (own cookies), with one page on the platform. */
  visitor(name: string): Promise<Page>;
  /** Screenshot of a step, to e2e/artifacts/<test>/<nn>-<name>.png, when E2E_SCREENSHOTS=1. */
  step(page: Page, name: string): Promise<void>;
  /** Screenshot for the README, to docs/screenshots/<name>.png, when E2E_DOCS=1. */
  doc(page: Page, name: string): Promise<void>;
  /**
   * This test provokes a failed request on purpose (a declined card, a refused purchase): Chromium
   * logs "Failed to load resource … status of <status>" for it, which is then not an error.
   */
  expectFailedRequest(status: number, pathPrefix: string): void;
  /**
   * Takes the visitor's network away (or gives it back). While it is away, requests the page
   * makes on its own (Next's prefetches of the header's links) fail with
   * net::ERR_INTERNET_DISCONNECTED, as in any browser offline: those are not errors of the app.
   */
  setOffline(page: Page, offline: boolean): Promise<void>;
}

interface ConsoleProblem {
  visitor: string;
  page: string;
  text: string;
  source: string;
}

/** "A buyer pays — and the order is paid!" → "a-buyer-pays-and-the-order-is-paid", cut at a word within 80 characters. */
function slug(text: string): string {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? ['unnamed'];
  let out = words[0]!.slice(0, 80);
  for (const word of words.slice(1)) {
    if (out.length + 1 + word.length > 80) break;
    out += `-${word}`;
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Network-free URLs a page may use without anything leaving the machine. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

class BrowserTestRun implements BrowserTest {
  private readonly contexts: BrowserContext[] = [];
  private readonly pages = new Map<string, Page>();
  private readonly foreignRequests: string[] = [];
  private readonly consoleProblems: ConsoleProblem[] = [];
  private readonly allowedFailures: { status: number; pathPrefix: string }[] = [];
  /** Visitors whose network the test took away at some point (see setOffline). */
  private readonly wentOffline = new Set<string>();
  private steps = 0;
  readonly dir: string;

  constructor(
    private readonly browser: Browser,
    private readonly origin: string,
    testName: string,
  ) {
    this.dir = path.join(ARTIFACTS_DIR, slug(testName));
  }

  async visitor(name: string): Promise<Page> {
    const context = await this.browser.newContext({
      baseURL: this.origin,
      viewport: VIEWPORT,
      locale: 'en-US',
      timezoneId: 'UTC',
      reducedMotion: 'reduce',
    });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS * 2);
    this.contexts.push(context);
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (!LOCAL_SCHEMES.has(url.protocol) && url.origin !== this.origin) {
        this.foreignRequests.push(`${name}: ${request.method()} ${request.url()}`);
      }
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const source = message.location().url;
      if (this.isExpectedFailure(message.text(), source)) return;
      if (this.wentOffline.has(name) && message.text().includes('net::ERR_INTERNET_DISCONNECTED')) return;
      this.consoleProblems.push({ visitor: name, page: page.url(), text: message.text(), source });
    });
    page.on('pageerror', (error) => {
      this.consoleProblems.push({ visitor: name, page: page.url(), text: `uncaught: ${error.stack}`, source: '' });
    });
    this.pages.set(name, page);
    return page;
  }

  async step(page: Page, name: string): Promise<void> {
    this.steps += 1;
    if (!STEP_SCREENSHOTS) return;
    mkdirSync(this.dir, { recursive: true });
    await page.screenshot({ path: path.join(this.dir, `${pad(this.steps)}-${slug(name)}.png`) });
  }

  async doc(page: Page, name: string): Promise<void> {
    if (!DOCS_SCREENSHOTS) return;
    mkdirSync(DOCS_DIR, { recursive: true });
    // Viewport only, no animation or caret: small files that do not change from run to run.
    await page.screenshot({ path: path.join(DOCS_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
  }

  expectFailedRequest(status: number, pathPrefix: string): void {
    this.allowedFailures.push({ status, pathPrefix });
  }

  async setOffline(page: Page, offline: boolean): Promise<void> {
    const name = [...this.pages].find(([, visitorPage]) => visitorPage === page)?.[0];
    if (name === undefined) throw new Error('setOffline: not a page of this test');
    if (offline) this.wentOffline.add(name);
    await page.context().setOffline(offline);
  }

  private isExpectedFailure(text: string, source: string): boolean {
    const failed = /^Failed to load resource: the server responded with a status of (\d{3})/.exec(text);
    if (!failed || !source) return false;
    const { pathname, origin } = new URL(source);
    return this.allowedFailures.some(
      (allowed) =>
        origin === this.origin && Number(failed[1]) === allowed.status && pathname.startsWith(allowed.pathPrefix),
    );
  }

  /** What the test did not assert itself but must hold for every test. */
  verifyHygiene(): void {
    const problems: string[] = [];
    if (this.foreignRequests.length > 0) {
      problems.push(`requests left the platform (${this.origin}):\n  ${this.foreignRequests.join('\n  ')}`);
    }
    if (this.consoleProblems.length > 0) {
      const lines = this.consoleProblems.map(
        (p) => `${p.visitor} on ${p.page}: ${p.text}${p.source ? ` (${p.source})` : ''}`,
      );
      problems.push(`console errors:\n  ${lines.join('\n  ')}`);
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }

  async captureFailure(platform: Platform): Promise<string> {
    mkdirSync(this.dir, { recursive: true });
    for (const [name, page] of this.pages) {
      if (page.isClosed()) continue;
      await page
        .screenshot({ path: path.join(this.dir, `failure-${slug(name)}.png`), fullPage: true, timeout: 3_000 })
        .catch(() => undefined);
    }
    // The platform's data directory goes away when it stops: keep the logs next to the screenshots.
    const logs = path.join(platform.dataDir, 'logs');
    if (existsSync(logs)) {
      mkdirSync(path.join(this.dir, 'logs'), { recursive: true });
      for (const file of readdirSync(logs)) copyFileSync(path.join(logs, file), path.join(this.dir, 'logs', file));
    }
    return path.relative(ROOT, this.dir);
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.close().catch(() => undefined)));
  }
}

export interface Marketplace {
  /** The platform's one origin, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** The HTTP API through the gateway, for arranging data a test is not about. */
  api: ReturnType<typeof createApi>;
  /** A jest test with a BrowserTest; fails on foreign requests or console errors, screenshots on failure. */
  scenario(name: string, body: (t: BrowserTest) => Promise<void>, timeoutMs?: number): void;
}

/**
 * Starts the platform (with `env`) and Chromium before the file's tests, stops both after them.
 * Chromium gets a fresh temporary profile (user-data-dir) from Playwright, removed when it closes.
 */
export function useMarketplace(env: NodeJS.ProcessEnv = {}): Marketplace {
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  let api: ReturnType<typeof createApi> | undefined;
  let starting: [Promise<Platform>, Promise<Browser>] | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH`);
    }
    starting = [
      startPlatform({ JWT_KEY, ...env }, PLATFORM_START_MS, { stopOnFailure: true }),
      chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS }),
    ];
    [platform, browser] = await Promise.all(starting);
    api = createApi(platform.url);
  }, PLATFORM_START_MS + 30_000);

  afterAll(async () => {
    // Whatever started, even if beforeAll gave up waiting for the rest: nothing may outlive the file.
    const [platformStart, browserStart] = await Promise.allSettled(starting ?? []);
    if (browserStart?.status === 'fulfilled') await browserStart.value.close();
    if (platformStart?.status === 'fulfilled') await platformStart.value.stop();
  }, PLATFORM_START_MS + 60_000);

  const started = () => {
    if (!platform || !browser || !api) throw new Error('the platform or the browser did not start (see beforeAll)');
    return { platform, browser, api };
  };

  return {
    get url() {
      return started().platform.url;
    },
    api: (...args) => started().api(...args),
    scenario(name, body, timeoutMs = 60_000) {
      it(
        name,
        async () => {
          const { platform, browser } = started();
          const run = new BrowserTestRun(browser, platform.url, name);
          // Give up a little before jest does, so that a scenario that hangs still gets its screenshots.
          const budgetMs = timeoutMs - 10_000;
          let timer: NodeJS.Timeout | undefined;
          const outOfTime = new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`the scenario was still running after ${budgetMs} ms`)),
              budgetMs,
            );
          });
          try {
            await Promise.race([body(run), outOfTime]);
            run.verifyHygiene();
          } catch (error) {
            const where = await run.captureFailure(platform);
            if (error instanceof Error) error.message += `\n(screenshots and platform logs: ${where})`;
            throw error;
          } finally {
            clearTimeout(timer);
            await run.close();
          }
        },
        timeoutMs,
      );
    },
  };
}
