import { BufferReader } from '../../core/protocol/buffer-reader';
import { CursorMsg } from '../../core/protocol/constants';
import type { SpiceMessage } from '../../core/protocol/framing';
import { Channel, type ChannelContext, type ChannelObserver } from './channel';

export interface CursorState {
  x: number;
  y: number;
  visible: boolean;
}

/**
 * The cursor channel: where the guest's pointer is and whether it shows. (Cursor shapes — the
 * Cursor structure after the position — are decoded by the app's cursor work; here they are
 * skipped.) Layouts: INIT = Point16 position, uint16 trail_length, uint16 trail_frequency,
 * uint8 visible, Cursor; SET = Point16 position, uint8 visible, Cursor; MOVE = Point16 position.
 */
export class CursorChannel extends Channel {
  readonly cursor: CursorState = { x: 0, y: 0, visible: false };

  constructor(context: ChannelContext, observer: ChannelObserver, private readonly onChange: (cursor: CursorState) => void) {
    super(4, 0, context, observer);
  }

  protected channelCaps(): number[] {
    return [];
  }

  protected handleMessage(message: SpiceMessage): void {
    const r = new BufferReader(message.body, 0, 'cursor message');
    switch (message.type) {
      case CursorMsg.INIT:
        this.cursor.x = r.i16('x');
        this.cursor.y = r.i16('y');
        r.u16('trail_length');
        r.u16('trail_frequency');
        this.cursor.visible = r.u8('visible') !== 0;
        break;
      case CursorMsg.SET:
        this.cursor.x = r.i16('x');
        this.cursor.y = r.i16('y');
        this.cursor.visible = r.u8('visible') !== 0;
        break;
      case CursorMsg.MOVE:
        this.cursor.x = r.i16('x');
        this.cursor.y = r.i16('y');
        break;
      case CursorMsg.HIDE:
        this.cursor.visible = false;
        break;
      case CursorMsg.RESET:
      case CursorMsg.TRAIL:
      case CursorMsg.INVAL_ONE:
      case CursorMsg.INVAL_ALL:
        return;
      default:
        this.context.log.debug(`cursor channel: ignoring message type ${message.type}`);
        return;
    }
    this.onChange({ ...this.cursor });
  }
}
