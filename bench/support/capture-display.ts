import { Channel, type ChannelContext, type ChannelObserver } from '../../src/main/channels/channel';
import { MainChannel } from '../../src/main/channels/main-channel';
import { openTcp } from '../../src/main/session/streams';
import { silentLogger } from '../../src/main/session/logger';
import { encodeDisplayInit } from '../../src/core/protocol/display-client-messages';
import { DisplayCap, DisplayMsg, DisplayMsgc } from '../../src/core/protocol/constants';
import { parseDrawCopy, parseDrawOpaque } from '../../src/core/protocol/display-messages';
import type { ImagePayload } from '../../src/core/protocol/display-types';
import type { SpiceMessage } from '../../src/core/protocol/framing';

/** One image as the server sent it, in arrival order (GLZ images must be decoded in order). */
export interface CapturedImage {
  readonly width: number;
  readonly height: number;
  readonly payload: ImagePayload;
}

export interface Capture {
  readonly images: CapturedImage[];
  /** Bytes of display messages received. */
  readonly bytes: number;
  stop(): void;
}

/** Links a display channel like Saffron does, and keeps every image of every copy/opaque draw. */
class CaptureChannel extends Channel {
  constructor(context: ChannelContext, observer: ChannelObserver, private readonly capture: { images: CapturedImage[]; bytes: number }) {
    super(2, 0, context, observer);
  }
  protected channelCaps(): number[] {
    return [DisplayCap.MONITORS_CONFIG];
  }
  protected override onReady(): void {
    this.send(DisplayMsgc.INIT, encodeDisplayInit(1, (80 << 20) / 4, 1, (64 << 20) / 4));
  }
  protected handleMessage(message: SpiceMessage): void {
    this.capture.bytes += message.body.byteLength + 6;
    const op =
      message.type === DisplayMsg.DRAW_COPY ? parseDrawCopy(message.body) : message.type === DisplayMsg.DRAW_OPAQUE ? parseDrawOpaque(message.body) : null;
    if (op?.source) this.capture.images.push({ width: op.source.descriptor.width, height: op.source.descriptor.height, payload: op.source.payload });
  }
}

/** Connects to a SPICE server on 127.0.0.1:port and captures images until stop(). */
export function captureDisplay(port: number): Promise<Capture> {
  const state = { images: [] as CapturedImage[], bytes: 0 };
  return new Promise((resolve, reject) => {
    let display: CaptureChannel | null = null;
    const observer: ChannelObserver = {
      ready: () => {},
      closed: (_channel, error) => {
        if (error) reject(error);
      },
      notify: () => {},
    };
    const context = (connectionId: number): ChannelContext => ({
      connectionId,
      password: '',
      log: silentLogger,
      openStream: () => openTcp('127.0.0.1', port, 5000),
    });
    let sessionId = 0;
    const main: MainChannel = new MainChannel(context(0), observer, {
      init: (init) => {
        sessionId = init.sessionId;
      },
      channelsList: () => {
        display = new CaptureChannel(context(sessionId), { ...observer, ready: () => resolve(capture) }, state);
        void display.connect();
      },
      mouseMode: () => {},
      agent: () => {},
      guestName: () => {},
      guestUuid: () => {},
    });
    const capture: Capture = {
      images: state.images,
      get bytes() {
        return state.bytes;
      },
      stop() {
        display?.close();
        main.close();
      },
    };
    void main.connect();
  });
}
