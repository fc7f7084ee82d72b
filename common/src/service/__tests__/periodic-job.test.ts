import pino from 'pino';
import { waitFor } from '../../testing/wait-for';
import { PeriodicJob } from '../periodic-job';

const logger = pino({ level: 'silent' });

describe('PeriodicJob', () => {
  it('when started, then it runs at once and again after each interval, never two runs at a time', async () => {
    let running = 0;
    let overlapped = false;
    const starts: number[] = [];
    const job = new PeriodicJob({
      name: 'test-job',
      logger,
      intervalMs: 20,
      run: async () => {
        running += 1;
        overlapped ||= running > 1;
        starts.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
      },
    });

    job.start();
    job.wake();
    job.wake();
    await waitFor(() => starts.length >= 4);
    await job.stop();

    expect(overlapped).toBe(false);
    const gaps = starts.slice(2).map((start, index) => start - (starts[index + 1] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(25);
  });

  it('when woken, then it runs without waiting for the interval', async () => {
    let runs = 0;
    const job = new PeriodicJob({
      name: 'test-job',
      logger,
      intervalMs: 60_000,
      run: async () => {
        runs += 1;
      },
    });
    job.start();
    await waitFor(() => runs === 1);

    job.wake();

    await waitFor(() => runs === 2);
    await job.stop();
  });

  it('when a run fails, then the error is logged and the job runs again', async () => {
    const errors: unknown[] = [];
    const failing = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) });
    let runs = 0;
    const job = new PeriodicJob({
      name: 'flaky-job',
      logger: failing,
      intervalMs: 5,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('database blip');
      },
    });

    job.start();
    await waitFor(() => runs >= 2);
    await job.stop();

    expect(errors).toEqual([
      expect.objectContaining({ msg: 'flaky-job failed', component: 'flaky-job', err: expect.anything() }),
    ]);
  });

  it('when the interval is 0, then it never runs; after stop, wake does nothing', async () => {
    let runs = 0;
    const run = async () => {
      runs += 1;
    };
    const disabled = new PeriodicJob({ name: 'off', logger, intervalMs: 0, run });
    disabled.start();
    disabled.wake();
    const stopped = new PeriodicJob({ name: 'stopped', logger, intervalMs: 60_000, run });
    stopped.start();
    await waitFor(() => runs === 1);
    await stopped.stop();
    stopped.wake();
    await new Promise((resolve) => setTimeout(resolve, 30));

    expect(runs).toBe(1);
  });

  it('when a subclass overrides runOnce, then its runs are scheduled and woken like a given run', async () => {
    class Sweep extends PeriodicJob {
      runs = 0;
      override async runOnce() {
        this.runs += 1;
        return this.runs;
      }
    }
    const sweep = new Sweep({ name: 'sweep', logger, intervalMs: 60_000 });
    sweep.start();
    await waitFor(() => sweep.runs === 1);
    sweep.wake();
    await waitFor(() => sweep.runs === 2);
    await sweep.stop();
    expect(await sweep.runOnce()).toBe(3);
  });

  it('when it was given no run and none is overridden, then runOnce says so', () => {
    expect(() => new PeriodicJob({ name: 'empty', logger, intervalMs: 0 }).runOnce()).toThrow(
      'empty has nothing to run',
    );
  });
});
