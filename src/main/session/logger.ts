/** Where the engine writes diagnostics. Never given secrets. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

/** Writes to stderr; debug lines only when SAFFRON_DEBUG is set. */
export function stderrLogger(debug = Boolean(process.env.SAFFRON_DEBUG)): Logger {
  return {
    debug: (message) => {
      if (debug) process.stderr.write(`saffron[debug]: ${message}\n`);
    },
    info: (message) => {
      if (debug) process.stderr.write(`saffron[info]: ${message}\n`);
    },
    warn: (message) => process.stderr.write(`saffron: warning: ${message}\n`),
  };
}
