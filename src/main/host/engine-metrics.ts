import { createHook, type AsyncHook } from 'node:async_hooks';
import { appendFileSync, closeSync, openSync, readSync, writeFileSync } from 'node:fs';

/**
 * What the engine measures about itself for the end-to-end bench (bench/end-to-end.ts):
 * how long after its last byte arrived each display update was handed to the front end, its
 * longest task (how long input could have waited), and the process's memory. Off unless
 * SAFFRON_ENGINE_METRICS names a file; then one JSON line is appended to it every interval:
 *
 *   {"t": epoch ms, "latencyMs": [...updates handed since the previous line], "addedMs": [...the
 *    same updates, from drawn], "flushes": n, "pixelBytes": n, "copies": n, "taskMaxMs": n,
 *    "taskMaxCpuMs": n, "tasks": n, "rssMb": n}
 *
 * copies: COPY_BITS handed to the front end as moves (copyArea) instead of pixels.
 *
 * taskMaxCpuMs is the longest single callback (socket data, timer, immediate) counted in this
 * thread's own CPU time (/proc/thread-self/schedstat), which other processes cannot inflate (it
 * may overstate by up to 2 ms, see TaskTimer): how long input can have waited behind the
 * engine's own work. taskMaxMs is the longest callback's wall time (it includes time spent
 * waiting for a core).
 *
 * Measuring must not cost what it measures: the bench counts the engine's CPU while this runs.
 * A loop-delay sampler (perf_hooks' monitorEventLoopDelay at 1 ms) used to run here too; its
 * timer woke the loop a thousand times a second and cost the engine 0.35-0.45 s of CPU a
 * scrolling-text run (2.72-2.81 s against 2.35-2.38 s, interleaved), and every callback it
 * could have caught late is timed above anyway.
 */
export interface EngineMetrics {
  /**
   * One update's pixels were handed to the front end `latencyMs` after its last byte arrived,
   * `addedMs` after it was drawn (decoded and applied to the surface).
   */
  updateHanded(latencyMs: number, addedMs: number): void;
  /** A flush handed `bytes` of pixels to the front end. */
  flushed(bytes: number): void;
  /** A COPY_BITS went to the front end as a move (copyArea), its pixels not sent. */
  copied?(): void;
  stop(): void;
}

export const ENGINE_METRICS_VARIABLE = 'SAFFRON_ENGINE_METRICS';
const INTERVAL_MS = 250;

/** The recorder SAFFRON_ENGINE_METRICS asks for, or undefined when it is not set. */
export function engineMetricsFromEnv(env: NodeJS.ProcessEnv): EngineMetrics | undefined {
  const path = env[ENGINE_METRICS_VARIABLE];
  return path ? new FileEngineMetrics(path) : undefined;
}

/** Callbacks shorter than this in wall time are not checked for CPU time (they cannot exceed it). */
const CPU_CHECK_MS = 4;
/** How old the CPU reading a callback starts from may be. */
const STALE_MS = 2;

class FileEngineMetrics implements EngineMetrics {
  private latencies: number[] = [];
  private added: number[] = [];
  private flushes = 0;
  private pixelBytes = 0;
  private copies = 0;
  private stopped = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly tasks: TaskTimer | null;

  constructor(private readonly path: string) {
    writeFileSync(path, '');
    this.tasks = TaskTimer.start();
    this.timer = setInterval(() => this.write(), INTERVAL_MS);
    this.timer.unref();
  }

  updateHanded(latencyMs: number, addedMs: number): void {
    this.latencies.push(Math.round(latencyMs * 100) / 100);
    this.added.push(Math.round(addedMs * 100) / 100);
  }

  flushed(bytes: number): void {
    this.flushes++;
    this.pixelBytes += bytes;
  }

  copied(): void {
    this.copies++;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.write();
    this.tasks?.stop();
  }

  private write(): void {
    const line = {
      t: Date.now(),
      latencyMs: this.latencies,
      addedMs: this.added,
      flushes: this.flushes,
      pixelBytes: this.pixelBytes,
      copies: this.copies,
      taskMaxMs: Math.round((this.tasks?.maxWallMs ?? 0) * 100) / 100,
      taskMaxCpuMs: Math.round((this.tasks?.maxCpuMs ?? 0) * 100) / 100,
      tasks: this.tasks?.count ?? 0,
      rssMb: Math.round(process.memoryUsage.rss() / 1e5) / 10,
    };
    this.latencies = [];
    this.added = [];
    this.flushes = 0;
    this.pixelBytes = 0;
    this.copies = 0;
    this.tasks?.reset();
    try {
      appendFileSync(this.path, `${JSON.stringify(line)}\n`);
    } catch {
      // The file went away (the bench is over): measuring must never take the engine down.
      this.stop();
    }
  }
}

/**
 * Times every top-level callback of this thread (async_hooks before/after): its wall time and,
 * for callbacks longer than CPU_CHECK_MS of wall time, its CPU time from
 * /proc/thread-self/schedstat (nanoseconds on a CPU; Linux only: elsewhere null). Reading
 * schedstat costs about 6 µs, so the starting value is read at most every STALE_MS: a long
 * callback's CPU time then includes up to STALE_MS of what ran just before it (an overestimate).
 */
class TaskTimer {
  maxWallMs = 0;
  maxCpuMs = 0;
  /** Callbacks timed. */
  count = 0;
  private depth = 0;
  private startWall = 0;
  private cpuReadAt = -Infinity;
  private cpuAtRead = 0;
  private readonly hook: AsyncHook;
  private readonly buffer = Buffer.alloc(64);

  private constructor(private readonly fd: number) {
    this.hook = createHook({
      before: () => {
        if (this.depth++ > 0) return;
        const now = performance.now();
        this.startWall = now;
        if (now - this.cpuReadAt > STALE_MS) {
          this.cpuAtRead = this.cpuNs();
          this.cpuReadAt = now;
        }
      },
      after: () => {
        if (--this.depth > 0) return;
        this.depth = 0;
        this.count++;
        const wall = performance.now() - this.startWall;
        if (wall > this.maxWallMs) this.maxWallMs = wall;
        if (wall > CPU_CHECK_MS) {
          const cpu = (this.cpuNs() - this.cpuAtRead) / 1e6;
          if (cpu > this.maxCpuMs) this.maxCpuMs = cpu;
        }
      },
    });
    this.hook.enable();
  }
  static start(): TaskTimer | null {
    try {
      return new TaskTimer(openSync('/proc/thread-self/schedstat', 'r'));
    } catch {
      return null;
    }
  }

  reset(): void {
    this.maxWallMs = 0;
    this.maxCpuMs = 0;
    this.count = 0;
  }

  stop(): void {
    this.hook.disable();
    closeSync(this.fd);
  }

  /**
   * schedstat: "<ns on a CPU> <ns waiting for one> <timeslices>". The first number is read digit
   * by digit: making a string and splitting it cost the engine 57 ms a scrolling-text run.
   */
  private cpuNs(): number {
    const n = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
    let ns = 0;
    for (let i = 0; i < n; i++) {
      const digit = this.buffer[i] - 0x30;
      if (digit < 0 || digit > 9) break;
      ns = ns * 10 + digit;
    }
    return ns;
  }
}
