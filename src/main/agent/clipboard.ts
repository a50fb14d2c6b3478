import {
  AgentMsg,
  ClipboardType,
  encodeClipboardData,
  encodeClipboardGrab,
  encodeClipboardRelease,
  encodeClipboardRequest,
  parseClipboardData,
  parseClipboardGrab,
  parseClipboardRelease,
  parseClipboardRequest,
  type ClipboardFraming,
} from '../../core/protocol/agent-messages';
import type { Logger } from '../session/logger';
import { AgentTimeoutError, AgentUnavailableError } from './agent-errors';
import {
  selectionName,
  selectionNumber,
  typeName,
  typeNumber,
  type ClipboardSelectionName,
  type ClipboardTypeName,
} from './clipboard-types';

/** Gives the bytes of one offered type when the guest pastes; null when it cannot. */
export type ClipboardProvider = (type: ClipboardTypeName) => Uint8Array | null | Promise<Uint8Array | null>;

/** The guest copied something: these are the types it can give. */
export interface ClipboardGrabEvent {
  readonly selection: ClipboardSelectionName;
  readonly types: ClipboardTypeName[];
}

export interface ClipboardReleaseEvent {
  readonly selection: ClipboardSelectionName;
}

/** What the clipboard needs of the agent around it. */
export interface ClipboardHost {
  /** Sends one agent message. */
  send(type: number, payload: Uint8Array): void;
  /** The framing agreed with the agent; null while clipboard-by-demand is not agreed. */
  framing(): ClipboardFraming | null;
  grabbed(event: ClipboardGrabEvent): void;
  released(event: ClipboardReleaseEvent): void;
  readonly log: Logger;
}

interface PendingRequest {
  readonly type: number;
  /** Timed out: the caller has its answer; the agent's late reply, if any, is swallowed here. */
  expired: boolean;
  resolve(data: Uint8Array | null): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Offer {
  readonly types: readonly ClipboardTypeName[];
  readonly provider: ClipboardProvider;
}

/**
 * The shared clipboard, by demand (VD_AGENT_CAP_CLIPBOARD_BY_DEMAND): whoever copies sends a
 * GRAB listing the types it can give; whoever pastes sends a REQUEST for one type and gets a
 * CLIPBOARD with the bytes (type NONE when there is nothing). Selections (clipboard, primary)
 * each have their own owner. With GRAB_SERIAL both sides count grabs per selection, so when both
 * grab at once the client's grab wins and the guest's stale one is discarded.
 */
export class GuestClipboard {
  /** Types the guest offers, per selection, since its last GRAB. */
  private readonly guestTypes = new Map<number, ClipboardTypeName[]>();
  private readonly offers = new Map<number, Offer>();
  private readonly pending = new Map<number, PendingRequest[]>();
  private readonly serials = new Map<number, number>();
  /** The last answer under way per selection. */
  private readonly answering = new Map<number, Promise<void>>();

  constructor(private readonly host: ClipboardHost) {}

  /** What the guest announced for a selection (empty: nothing known; it may still have something). */
  guestOffers(selection: ClipboardSelectionName = 'clipboard'): ClipboardTypeName[] {
    return [...(this.guestTypes.get(selectionNumber(selection)) ?? [])];
  }

  /** Whether our offer owns the selection in the guest. */
  owns(selection: ClipboardSelectionName = 'clipboard'): boolean {
    return this.offers.has(selectionNumber(selection));
  }

  /**
   * Asks the guest for its content of one type. Resolves with the bytes, or null when the guest
   * has nothing of that type. Works whether or not the guest announced a grab: text copied
   * before we connected is still answered.
   */
  async request(type: ClipboardTypeName, selection: ClipboardSelectionName = 'clipboard', timeoutMs = 10_000): Promise<Uint8Array | null> {
    const framing = this.requireFraming(selection);
    const sel = selectionNumber(selection);
    const wanted = typeNumber(type);
    return await new Promise<Uint8Array | null>((resolve, reject) => {
      const entry: PendingRequest = {
        type: wanted,
        expired: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          // Stays queued: answers come in order, so a late one must not go to the next request.
          entry.expired = true;
          reject(new AgentTimeoutError(`the guest agent did not answer a ${selection} request for ${type} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      const queue = this.pending.get(sel) ?? [];
      queue.push(entry);
      this.pending.set(sel, queue);
      this.host.send(AgentMsg.CLIPBOARD_REQUEST, encodeClipboardRequest(framing, sel, wanted));
    });
  }

  /** The guest's text (UTF-8), or null when it has none. A trailing NUL (Windows agents) is dropped. */
  async requestText(selection: ClipboardSelectionName = 'clipboard', timeoutMs = 10_000): Promise<string | null> {
    const bytes = await this.request('text/plain', selection, timeoutMs);
    if (bytes === null) return null;
    let end = bytes.byteLength;
    while (end > 0 && bytes[end - 1] === 0) end--;
    return new TextDecoder('utf-8').decode(bytes.subarray(0, end));
  }

  /**
   * Offers our content to the guest (we "copy"): a GRAB with the types, then the provider
   * answers each REQUEST. Replaces any earlier offer on the selection.
   */
  offer(types: readonly ClipboardTypeName[], provider: ClipboardProvider, selection: ClipboardSelectionName = 'clipboard'): void {
    if (types.length === 0) throw new Error('an offer needs at least one type');
    const framing = this.requireFraming(selection);
    const sel = selectionNumber(selection);
    this.offers.set(sel, { types: [...types], provider });
    this.guestTypes.delete(sel);
    const serial = this.serials.get(sel) ?? 0;
    this.serials.set(sel, (serial + 1) >>> 0);
    this.host.send(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(framing, sel, serial, types.map(typeNumber)));
  }

  /** Offers fixed content: each entry one type with its bytes. */
  offerData(items: ReadonlyMap<ClipboardTypeName, Uint8Array>, selection: ClipboardSelectionName = 'clipboard'): void {
    this.offer([...items.keys()], (type) => items.get(type) ?? null, selection);
  }

  offerText(text: string, selection: ClipboardSelectionName = 'clipboard'): void {
    this.offerData(new Map([['text/plain', new TextEncoder().encode(text)]]), selection);
  }

  /** Withdraws our offer (the local clipboard was emptied). */
  release(selection: ClipboardSelectionName = 'clipboard'): void {
    const sel = selectionNumber(selection);
    if (!this.offers.delete(sel)) return;
    const framing = this.host.framing();
    if (framing === null) return;
    this.host.send(AgentMsg.CLIPBOARD_RELEASE, encodeClipboardRelease(framing, sel));
  }

  /** A new capability exchange: grab counters restart at 0 on both sides. */
  resetSerials(): void {
    this.serials.clear();
  }

  /** The agent went away: offers and guest content are gone, pending requests fail. */
  reset(reason: string): void {
    this.guestTypes.clear();
    this.offers.clear();
    this.serials.clear();
    for (const queue of this.pending.values()) {
      for (const entry of queue) {
        clearTimeout(entry.timer);
        if (!entry.expired) entry.reject(new AgentUnavailableError(reason));
      }
    }
    this.pending.clear();
  }

  /** One clipboard message from the agent. */
  handle(type: number, data: Uint8Array): void {
    const framing = this.host.framing();
    if (framing === null) {
      this.host.log.debug(`agent: clipboard message ${type} before clipboard-by-demand was agreed; ignored`);
      return;
    }
    switch (type) {
      case AgentMsg.CLIPBOARD_GRAB:
        this.guestGrab(framing, data);
        return;
      case AgentMsg.CLIPBOARD_REQUEST: {
        const request = parseClipboardRequest(framing, data);
        // Answers of one selection keep the order of its requests, however long a provider takes.
        const previous = this.answering.get(request.selection) ?? Promise.resolve();
        const next = previous
          .then(() => this.answer(framing, request.selection, request.type))
          .catch((error: unknown) => this.host.log.warn(`clipboard: could not answer the guest: ${(error as Error).message}`));
        this.answering.set(request.selection, next);
        void next.finally(() => {
          if (this.answering.get(request.selection) === next) this.answering.delete(request.selection);
        });
        return;
      }
      case AgentMsg.CLIPBOARD: {
        const content = parseClipboardData(framing, data);
        const queue = this.pending.get(content.selection);
        const entry = queue?.shift();
        if (!entry) {
          this.host.log.debug(`agent: clipboard data for selection ${content.selection} nobody asked for; ignored`);
          return;
        }
        clearTimeout(entry.timer);
        if (entry.expired) return;
        entry.resolve(content.type === ClipboardType.NONE || content.type !== entry.type ? null : content.data);
        return;
      }
      case AgentMsg.CLIPBOARD_RELEASE: {
        const sel = parseClipboardRelease(framing, data);
        this.guestTypes.delete(sel);
        const name = selectionName(sel);
        if (name) this.host.released({ selection: name });
        return;
      }
    }
  }

  private guestGrab(framing: ClipboardFraming, data: Uint8Array): void {
    const grab = parseClipboardGrab(framing, data);
    if (grab.serial !== null) {
      const expected = this.serials.get(grab.selection) ?? 0;
      if (grab.serial !== expected) {
        // We grabbed meanwhile: ours is the newer copy, and the agent knows it too.
        this.host.log.debug(`agent: guest grab with serial ${grab.serial} discarded (expected ${expected})`);
        return;
      }
      this.serials.set(grab.selection, (expected + 1) >>> 0);
    }
    const name = selectionName(grab.selection);
    if (name === null) return;
    this.offers.delete(grab.selection);
    const types = grab.types.map(typeName).filter((t): t is ClipboardTypeName => t !== null);
    this.guestTypes.set(grab.selection, types);
    this.host.grabbed({ selection: name, types });
  }

  private async answer(framing: ClipboardFraming, sel: number, type: number): Promise<void> {
    const offer = this.offers.get(sel);
    const name = typeName(type);
    let data: Uint8Array | null = null;
    if (offer && name !== null && offer.types.includes(name)) {
      try {
        data = await offer.provider(name);
      } catch (error) {
        this.host.log.warn(`clipboard: could not read the local ${name} content: ${(error as Error).message}`);
      }
    }
    if (this.host.framing() === null) return; // the agent left while we read
    if (data === null) this.host.send(AgentMsg.CLIPBOARD, encodeClipboardData(framing, sel, ClipboardType.NONE, new Uint8Array(0)));
    else this.host.send(AgentMsg.CLIPBOARD, encodeClipboardData(framing, sel, type, data));
  }

  private requireFraming(selection: ClipboardSelectionName): ClipboardFraming {
    const framing = this.host.framing();
    if (framing === null) throw new AgentUnavailableError('the guest agent is not connected, or does not share the clipboard');
    if (!framing.selection && selection !== 'clipboard') {
      throw new AgentUnavailableError(`the guest agent knows only the clipboard selection, not ${selection}`);
    }
    return framing;
  }
}
