/**
 * GLib key files ("desktop entry" syntax), as `g_key_file_load_from_data` reads them, which is
 * what remote-viewer uses for `.vv` files:
 *
 *   # comment                  lines starting with '#' (after leading blanks) and blank lines
 *   [group name]               a group; keys before the first group are an error
 *   key = value                blanks around the key and before the value are dropped; the rest
 *                              of the line (including '=' and trailing blanks) is the raw value
 *   key[locale]=value          a translation: kept apart, never returned for `key`
 *
 * Raw values are decoded on read: \s space, \n newline, \t tab, \r carriage return, \\ backslash;
 * any other escape, or a backslash ending the value, is an error. Lists separate items with ';'
 * ('\;' is a literal ';', also accepted in plain strings); a trailing ';' ends the list. A later
 * key of the same name wins; groups of the same name merge. Lines may end in LF or CRLF.
 */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

export class KeyFile {
  private readonly groups = new Map<string, Map<string, string>>();

  static parse(text: string): KeyFile {
    const file = new KeyFile();
    let group: Map<string, string> | null = null;
    const lines = text.replace(/^\uFEFF/, '').split('\n');
    lines.forEach((rawLine, index) => {
      const line = rawLine.replace(/\r$/, '').replace(/^[ \t\f\v]+/, '');
      const where = `line ${index + 1}`;
      if (line === '' || line.startsWith('#')) return;
      if (line.startsWith('[')) {
        const close = line.indexOf(']');
        const name = close > 0 ? line.slice(1, close) : '';
        // eslint-disable-next-line no-control-regex -- GLib refuses control characters in group names
        if (close < 0 || line.slice(close + 1).trim() !== '' || name === '' || /[[\]\x00-\x1f]/.test(name)) {
          throw new KeyFileError(`${where}: "${printable(line)}" is not a valid group header`);
        }
        group = file.groups.get(name) ?? new Map<string, string>();
        file.groups.set(name, group);
        return;
      }
      const eq = line.indexOf('=');
      if (eq < 0) throw new KeyFileError(`${where}: "${printable(line)}" is not a key=value pair, a group or a comment`);
      const key = line.slice(0, eq).replace(/[ \t]+$/, '');
      // eslint-disable-next-line no-control-regex -- GLib refuses control characters in key names
      if (key === '' || /[\x00-\x1f[\]]/.test(key.replace(/\[[^\]]*\]$/, ''))) {
        throw new KeyFileError(`${where}: "${printable(key)}" is not a valid key name`);
      }
      if (group === null) throw new KeyFileError(`${where}: key "${printable(key)}" comes before any [group]`);
      const value = line.slice(eq + 1).replace(/^[ \t]+/, '');
      (group as Map<string, string>).set(key, value);
    });
    return file;
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** The group's keys in file order, without translations (`key[locale]`). */
  keys(group: string): string[] {
    return [...(this.groups.get(group)?.keys() ?? [])].filter((key) => !key.endsWith(']'));
  }

  has(group: string, key: string): boolean {
    return this.groups.get(group)?.has(key) ?? false;
  }

  /** The raw (undecoded) value, or undefined when the key is absent. */
  raw(group: string, key: string): string | undefined {
    return this.groups.get(group)?.get(key);
  }

  /** The decoded string value, or undefined when absent. Throws on a bad escape. */
  string(group: string, key: string): string | undefined {
    const raw = this.raw(group, key);
    return raw === undefined ? undefined : decodeValue(raw, key, false)[0];
  }

  /** A ';'-separated list, decoded; undefined when absent. */
  list(group: string, key: string): string[] | undefined {
    const raw = this.raw(group, key);
    return raw === undefined ? undefined : decodeValue(raw, key, true);
  }
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const shown = text.replace(/[\x00-\x1f]/g, '?');
  return shown.length > 60 ? `${shown.slice(0, 60)}...` : shown;
}

/** Decodes escapes; with `asList`, splits at unescaped ';' (a trailing ';' adds no empty item). */
function decodeValue(raw: string, key: string, asList: boolean): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === ';' && asList) {
      items.push(current);
      current = '';
      continue;
    }
    if (ch !== '\\') {
      current += ch;
      continue;
    }
    if (i + 1 >= raw.length) throw new KeyFileError(`key "${key}": the value ends with an escape character`);
    const next = raw[++i];
    switch (next) {
      case 's':
        current += ' ';
        break;
      case 'n':
        current += '\n';
        break;
      case 't':
        current += '\t';
        break;
      case 'r':
        current += '\r';
        break;
      case '\\':
        current += '\\';
        break;
      case ';':
        current += ';';
        break;
      default:
        throw new KeyFileError(`key "${key}": invalid escape sequence "\\${printable(next)}"`);
    }
  }
  if (!asList) return [current];
  if (current !== '') items.push(current);
  return items;
}
