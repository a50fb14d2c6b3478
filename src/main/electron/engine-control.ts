/**
 * Messages from the Electron main process to the engine utility process. The engine checks each
 * one: it trusts its parent, but a malformed message must fail loudly, not half-work.
 */
import { validateHostRequest, type ConnectParams } from '../../shared/ipc';
import { isKeyComboName } from '../host/key-combos';

export type EngineControl =
  /** A window's MessagePort arrives with this message; `launch` is what the window should open. */
  | { readonly kind: 'attach'; readonly windowId: number; readonly launch?: ConnectParams }
  | { readonly kind: 'detach'; readonly windowId: number }
  | { readonly kind: 'sendKeys'; readonly windowId: number; readonly combo: string };

function isWindowId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

export function validateEngineControl(value: unknown): EngineControl | null {
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Readonly<Record<string, unknown>>;
  if (!isWindowId(fields.windowId)) return null;
  switch (fields.kind) {
    case 'attach': {
      if (fields.launch === undefined) return { kind: 'attach', windowId: fields.windowId };
      // The launch target is a connect request in all but name: validate it as one.
      const checked = validateHostRequest({ ...(fields.launch as object), type: 'connect' });
      if (!checked.ok || checked.value.type !== 'connect') return null;
      const { type: _type, ...launch } = checked.value;
      return { kind: 'attach', windowId: fields.windowId, launch };
    }
    case 'detach':
      return { kind: 'detach', windowId: fields.windowId };
    case 'sendKeys':
      return isKeyComboName(fields.combo) ? { kind: 'sendKeys', windowId: fields.windowId, combo: fields.combo } : null;
    default:
      return null;
  }
}
