import { CursorMsg } from '../../core/protocol/constants';
import {
  CursorFlags,
  parseCursorInit,
  parseCursorInvalOne,
  parseCursorMove,
  parseCursorSet,
  parseCursorTrail,
  type WireCursor,
} from '../../core/protocol/cursor-messages';
import { ProtocolError } from '../../core/protocol/errors';
import type { SpiceMessage } from '../../core/protocol/framing';
import { Channel, type ChannelContext, type ChannelObserver } from './channel';
import { decodeCursorShape, type CursorShape } from './cursor-shape';

export type { CursorShape } from './cursor-shape';

export interface CursorState {
  x: number;
  y: number;
  visible: boolean;
  /**
   * The pointer image; null for the front end's default pointer. A new object whenever the image
   * changes (and the same object otherwise), so listeners compare by identity.
   */
  shape: CursorShape | null;
  /** Mouse trails the guest asked for (length 0: none). Front ends may ignore them. */
  trail: { length: number; frequency: number };
}

/** Decoded images the server may refer to by id; beyond this the server is misbehaving. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * The cursor channel: where the guest's pointer is, whether it shows, and what it looks like.
 * Shapes arrive in INIT and SET (decoded by cursor-shape.ts); with CACHE_ME the server keeps a
 * copy under the shape's unique id and later sends only FROM_CACHE with that id, until it
 * invalidates it (INVAL_ONE, INVAL_ALL) or resets the channel (RESET).
 */
export class CursorChannel extends Channel {
  readonly cursor: CursorState = { x: 0, y: 0, visible: false, shape: null, trail: { length: 0, frequency: 0 } };
  private readonly cache = new Map<bigint, CursorShape | null>();
  private cacheBytes = 0;

  constructor(context: ChannelContext, observer: ChannelObserver, private readonly onChange: (cursor: CursorState) => void) {
    super(4, 0, context, observer);
  }

  protected channelCaps(): number[] {
    return [];
  }

  /** The number of shapes the server has asked us to keep (for tests and diagnostics). */
  get cachedShapes(): number {
    return this.cache.size;
  }

  protected handleMessage(message: SpiceMessage): void {
    const cursor = this.cursor;
    switch (message.type) {
      case CursorMsg.INIT: {
        const init = parseCursorInit(message.body);
        this.clearCache();
        cursor.x = init.position.x;
        cursor.y = init.position.y;
        cursor.trail = { length: init.trailLength, frequency: init.trailFrequency };
        const shape = this.resolve(init.cursor);
        cursor.shape = shape === undefined ? null : shape;
        cursor.visible = init.visible && shape !== undefined;
        break;
      }
      case CursorMsg.SET: {
        const set = parseCursorSet(message.body);
        cursor.x = set.position.x;
        cursor.y = set.position.y;
        const shape = this.resolve(set.cursor);
        if (shape !== undefined) cursor.shape = shape;
        cursor.visible = set.visible && shape !== undefined;
        break;
      }
      case CursorMsg.MOVE: {
        const position = parseCursorMove(message.body);
        cursor.x = position.x;
        cursor.y = position.y;
        // As spice-gtk: a pointer that moves shows again after a HIDE.
        cursor.visible = true;
        break;
      }
      case CursorMsg.HIDE:
        cursor.visible = false;
        break;
      case CursorMsg.TRAIL: {
        const trail = parseCursorTrail(message.body);
        cursor.trail = { length: trail.length, frequency: trail.frequency };
        break;
      }
      case CursorMsg.RESET:
        // The server starts over (a new INIT follows): forget every shape, hide the pointer.
        this.clearCache();
        cursor.visible = false;
        cursor.shape = null;
        break;
      case CursorMsg.INVAL_ONE: {
        const id = parseCursorInvalOne(message.body);
        const shape = this.cache.get(id);
        if (shape) this.cacheBytes -= shape.rgba.byteLength;
        this.cache.delete(id);
        return;
      }
      case CursorMsg.INVAL_ALL:
        this.clearCache();
        return;
      default:
        this.context.log.debug(`cursor channel: ignoring message type ${message.type}`);
        return;
    }
    this.onChange({ ...cursor });
  }

  /**
   * The shape a Cursor stands for: a CursorShape, null for "draw the default pointer" (a type we
   * cannot draw, or a cache id we do not have), or undefined for "no pointer at all" (NONE).
   */
  private resolve(wire: WireCursor): CursorShape | null | undefined {
    if (wire.flags & CursorFlags.NONE || !wire.header) return undefined;
    const header = wire.header;
    if (wire.flags & CursorFlags.FROM_CACHE) {
      if (!this.cache.has(header.unique)) {
        this.context.log.warn(`cursor channel: the server referred to cursor ${header.unique}, which it never sent; showing the default pointer`);
        return null;
      }
      return this.cache.get(header.unique) ?? null;
    }
    const shape = decodeCursorShape(header, wire.data);
    if (!shape) this.context.log.debug(`cursor channel: cursor type ${header.type} is not drawn; showing the default pointer`);
    if (wire.flags & CursorFlags.CACHE_ME) {
      const previous = this.cache.get(header.unique);
      if (previous) this.cacheBytes -= previous.rgba.byteLength;
      this.cacheBytes += shape?.rgba.byteLength ?? 0;
      if (this.cacheBytes > MAX_CACHE_BYTES) throw new ProtocolError(`cursor: the server asked us to keep more than ${MAX_CACHE_BYTES >> 20} MB of cursor images`);
      this.cache.set(header.unique, shape);
    }
    return shape;
  }

  private clearCache(): void {
    this.cache.clear();
    this.cacheBytes = 0;
  }
}
