import { appendFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * What the engine measures about itself for the end-to-end bench (bench/end-to-end.ts):
 * how long after its last byte arrived each display update was handed to the front end, how
 * long the event loop was ever blocked, and the process's memory. Off unless
 * SAFFRON_ENGINE_METRICS names a file; then one JSON line is appended to it every interval:
 *
 *   {"t": epoch ms, "latencyMs": [...updates handed since the previous line], "addedMs": [...the
 *    same updates, from drawn], "flushes": n, "pixelBytes": n, "loopMaxMs": n, "rssMb": n}
 */
export interface EngineMetrics {
  /**
   * One update's pixels were handed to the front end `latencyMs` after its last byte arrived,
   * `addedMs` after it was drawn (decoded and applied to the surface).
   */
  updateHanded(latencyMs: number, addedMs: number): void;
  /** A flush handed `bytes` of pixels to the front end. */
  flushed(bytes: number): void;
  stop(): void;
}

export const ENGINE_METRICS_VARIABLE = 'SAFFRON_ENGINE_METRICS';
const INTERVAL_MS = 250;

/** The recorder SAFFRON_ENGINE_METRICS asks for, or undefined when it is not set. */
export function engineMetricsFromEnv(env: NodeJS.ProcessEnv): EngineMetrics | undefined {
  const path = env[ENGINE_METRICS_VARIABLE];
  return path ? new FileEngineMetrics(path) : undefined;
}

class FileEngineMetrics implements EngineMetrics {
  private latencies: number[] = [];
  private added: number[] = [];
  private flushes = 0;
  private pixelBytes = 0;
  private stopped = false;
  private readonly loop: IntervalHistogram;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly path: string) {
    writeFileSync(path, '');
    // 1 ms resolution: a stall is seen to within a millisecond or so.
    this.loop = monitorEventLoopDelay({ resolution: 1 });
    this.loop.enable();
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

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.write();
    this.loop.disable();
  }

  private write(): void {
    const line = {
      t: Date.now(),
      latencyMs: this.latencies,
      addedMs: this.added,
      flushes: this.flushes,
      pixelBytes: this.pixelBytes,
      // The histogram is in nanoseconds; its max is the longest wait of the sampling timer.
      loopMaxMs: Math.round(this.loop.max / 1e4) / 100,
      rssMb: Math.round(process.memoryUsage.rss() / 1e5) / 10,
    };
    this.latencies = [];
    this.added = [];
    this.flushes = 0;
    this.pixelBytes = 0;
    this.loop.reset();
    try {
      appendFileSync(this.path, `${JSON.stringify(line)}\n`);
    } catch {
      // The file went away (the bench is over): measuring must never take the engine down.
      this.stop();
    }
  }
}
