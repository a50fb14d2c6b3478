// The engine's own process (Electron utilityProcess): sessions, decoding and damage run here, so
// a busy session never stalls the main process's windows and menus. Each window's renderer
// talks to its EngineHost through a MessagePort of its own; the main process only introduces them.
import type { MessageEvent, MessagePortMain } from 'electron';
import { spiceSessionFactory } from '../host/spice-session-adapter';
import { openLibrary } from '../host/store/open-library';
import { stderrLogger } from '../session/logger';
import { validateEngineControl, type EngineControl } from './engine-control';
import { EngineRegistry, type EnginePort } from './engine-registry';

const log = stderrLogger();
let registry: EngineRegistry | null = null;
/** Controls that arrive while the library opens wait here (their ports with them). */
const early: [EngineControl, EnginePort | undefined][] = [];

function asEnginePort(port: MessagePortMain): EnginePort {
  return {
    postMessage: (message) => port.postMessage(message),
    on: (event: 'message' | 'close', listener: ((event: { data: unknown }) => void) | (() => void)) =>
      event === 'message' ? port.on('message', listener as (event: MessageEvent) => void) : port.on('close', listener as () => void),
    start: () => port.start(),
    close: () => port.close(),
  };
}

process.parentPort.on('message', (event: MessageEvent) => {
  const control = validateEngineControl(event.data);
  if (!control) {
    log.warn('engine: ignoring a malformed control message');
    return;
  }
  const port = event.ports[0];
  const enginePort = port ? asEnginePort(port) : undefined;
  if (registry) registry.handle(control, enginePort);
  else early.push([control, enginePort]);
});

void openLibrary(log).then((library) => {
  registry = new EngineRegistry(spiceSessionFactory(log), log, library, (report) => {
    // What a window's guest copied, for the system clipboard (main-process only in Electron).
    process.parentPort.postMessage(report);
  });
  for (const [control, port] of early.splice(0)) registry.handle(control, port);
});

process.on('exit', () => registry?.disposeAll());
