import { parseWaitForChannels } from '../../core/protocol/base-messages';
import { DisplayCap, DisplayMsg, DisplayMsgc, ImageFlags, SurfaceFlags } from '../../core/protocol/constants';
import { encodeDisplayInit, encodePreferredCompression, encodeStreamReport } from '../../core/protocol/display-client-messages';
import {
  parseCopyBits,
  parseDrawAlphaBlend,
  parseDrawComposite,
  parseDrawCopy,
  parseDrawFill,
  parseDrawMaskOnly,
  parseDrawOpaque,
  parseDrawRop3,
  parseDrawStroke,
  parseDrawText,
  parseDrawTransparent,
  parseInvalList,
  parseInvalPalette,
  parseMonitorsConfig,
  parseSurfaceCreate,
  parseSurfaceDestroy,
  type Head,
} from '../../core/protocol/display-messages';
import type { DisplayBase, DrawCopy, Image, Rect } from '../../core/protocol/display-types';
import { checkImageSize, ProtocolError } from '../../core/protocol/errors';
import type { LargeBodies, SpiceMessage } from '../../core/protocol/framing';
import * as canvas from '../surfaces/canvas';
import { drawAlphaBlend } from '../surfaces/alpha-blend';
import { drawComposite } from '../surfaces/composite';
import { drawRop3 } from '../surfaces/rop3';
import { drawStroke } from '../surfaces/stroke';
import { drawText } from '../surfaces/text';
import { drawTransparent } from '../surfaces/transparent';
import { ImageResolver } from '../surfaces/image-resolver';
import { Surface } from '../surfaces/surface';
import { quicCopyDestination } from '../surfaces/copy-onto';
import { copyBitsMove, type SurfaceMove } from '../surfaces/copy-bits-move';
import type { DisplayResources } from '../surfaces/display-resources';
import type { SessionError } from '../session/session-error';
import { Channel, type ChannelContext, type ChannelObserver } from './channel';
import { engineImageCodecs } from '../codecs/image-codecs';
import type { OffThreadDecoder } from '../codecs/off-thread-decoder';
import { engineVideoSink } from '../streams/mjpeg-surface-sink';
import { VideoStreams } from '../streams/video-streams';
import { decodingCaps, IMAGE_COMPRESSION_VALUES, type DisplayChannelOptions } from './display-options';

export interface DisplayChannelEvents {
  surfaceCreated(surface: Surface, primary: boolean): void;
  surfaceDestroyed(surfaceId: number): void;
  /**
   * Pixels of a surface changed inside rect (already clipped to the surface); `receivedAt`: when
   * the last byte of the message that drew them arrived (performance.now()).
   */
  damage(surface: Surface, rect: Rect, receivedAt?: number, moved?: boolean): void;
  /**
   * A COPY_BITS is about to move pixels of `surface` (called before the copy is applied, so what
   * was drawn before it can still be read as it was); the damage that follows has `moved` set.
   */
  copyBits?(surface: Surface, move: SurfaceMove, receivedAt?: number): void;
  /** The server marked the display as ready to be shown (the first complete frame). */
  mark(): void;
  /** `maxAllowed`: how many monitors the channel can show (MONITORS_CONFIG max_allowed). */
  monitors(heads: Head[], maxAllowed: number): void;
  /** Any display message arrived (screenshot settling watches this). */
  activity(): void;
}

/** Pixmap cache announced to the server, in pixels (spice-gtk: 80 MB of 32-bit pixels). */
const PIXMAP_CACHE_PIXELS = (80 * 1024 * 1024) / 4;
const GLZ_WINDOW_MIN_BYTES = 12 * 1024 * 1024;
const GLZ_WINDOW_MAX_BYTES = 128 * 1024 * 1024;
/**
 * All of one display's surfaces together, as the engine stores them (4 bytes a pixel). A real
 * server keeps its off-screen surfaces in the QXL device's video memory (tens of megabytes by
 * default); 1 GiB is 128 full-HD surfaces.
 */
const MAX_SURFACE_BYTES = 1024 * 1024 * 1024;

/** The GLZ window we announce: half the guest's video RAM, within spice-gtk's bounds, in pixels. */
export function glzWindowPixels(ramHint: number): number {
  const bytes = Math.max(GLZ_WINDOW_MIN_BYTES, Math.min(GLZ_WINDOW_MAX_BYTES, Math.floor(ramHint / 2)));
  return Math.floor(bytes / 4);
}

/**
 * A display channel: surfaces and the drawing commands that change them. Images are decoded
 * through the session's shared resources (GLZ dictionary, image and palette caches).
 */
export class DisplayChannel extends Channel {
  readonly surfaces = new Map<number, Surface>();
  private readonly resolver: ImageResolver;
  /** Video streams (STREAM_* messages), played by the sink given in the options. */
  readonly videoStreams: VideoStreams;
  private readonly videoCodecs: readonly number[];
  primarySurfaceId: number | null = null;

  constructor(
    id: number,
    context: ChannelContext,
    observer: ChannelObserver,
    private readonly resources: DisplayResources,
    private readonly events: DisplayChannelEvents,
    private readonly options: DisplayChannelOptions = {},
  ) {
    super(2, id, context, observer);
    const codecs = options.codecs ?? engineImageCodecs();
    this.resolver = new ImageResolver(resources, this.surfaces, codecs, context.log);
    const sink = (options.videoSink ?? engineVideoSink(codecs))({
      displayId: id,
      surface: (surfaceId) => this.surfaces.get(surfaceId),
      damage: (surface, rect) => this.events.damage(surface, rect),
      log: context.log,
    });
    this.videoCodecs = sink.codecs;
    this.videoStreams = new VideoStreams({
      sink,
      multimediaTime: options.multimediaTime ?? (() => 0),
      sendReport: (report) => {
        if (this.serverHasChannelCap(DisplayCap.STREAM_REPORT)) this.send(DisplayMsgc.STREAM_REPORT, encodeStreamReport(report));
      },
      log: context.log,
    });
  }

  get primarySurface(): Surface | undefined {
    return this.primarySurfaceId === null ? undefined : this.surfaces.get(this.primarySurfaceId);
  }

  /**
   * With a decode worker, large bodies (photos) are gathered straight into shared memory as they
   * arrive, so the worker reads a QUIC image where it is instead of from a copy made when its
   * last byte came (3.6 MB for a 1080p photo).
   */
  protected override largeBodies(): LargeBodies | undefined {
    return this.options.offThreadDecoder ? { allocate: (size) => new Uint8Array(new SharedArrayBuffer(size)) } : undefined;
  }

  protected channelCaps(): number[] {
    // Only what we implement: monitors configuration is parsed and reported.
    // COMPOSITE and A8_SURFACE: DRAW_COMPOSITE and A8 surfaces are drawn (surfaces/composite.ts).
    return [DisplayCap.MONITORS_CONFIG, DisplayCap.COMPOSITE, DisplayCap.A8_SURFACE, ...decodingCaps(this.videoCodecs)];
  }

  protected override onReady(): void {
    this.send(DisplayMsgc.INIT, encodeDisplayInit(1, PIXMAP_CACHE_PIXELS, 1, this.resources.glzWindowPixels));
    const compression = this.options.imageCompression;
    if (compression !== undefined) {
      if (this.serverHasChannelCap(DisplayCap.PREF_COMPRESSION)) {
        this.send(DisplayMsgc.PREFERRED_COMPRESSION, encodePreferredCompression(IMAGE_COMPRESSION_VALUES[compression]));
      } else {
        this.context.log.warn(`display: the server does not take a preferred image compression; ${compression} was not applied`);
      }
    }
  }

  override close(): void {
    super.close();
    this.videoStreams.destroyAll();
  }

  protected override fail(error: SessionError): void {
    super.fail(error);
    this.videoStreams.destroyAll();
  }

  protected handleMessage(message: SpiceMessage): void {
    this.events.activity();
    const body = message.body;
    switch (message.type) {
      case DisplayMsg.SURFACE_CREATE:
        this.createSurface(body);
        return;
      case DisplayMsg.SURFACE_DESTROY:
        this.destroySurface(parseSurfaceDestroy(body));
        return;
      case DisplayMsg.DRAW_FILL: {
        const op = parseDrawFill(body);
        this.draw(op.base, (s) => canvas.drawFill(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_COPY: {
        const op = parseDrawCopy(body);
        if (this.decodeOntoSurface(op)) return;
        this.drawWithSource(op.base, op.source, (s) => canvas.drawCopy(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_BLEND: {
        const op = parseDrawCopy(body, 'DRAW_BLEND');
        this.drawWithSource(op.base, op.source, (s) => canvas.drawBlend(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_OPAQUE: {
        const op = parseDrawOpaque(body);
        this.drawWithSource(op.base, op.source, (s) => canvas.drawOpaque(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_BLACKNESS: {
        const op = parseDrawMaskOnly(body, 'DRAW_BLACKNESS');
        this.draw(op.base, (s) => canvas.drawBlackness(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_WHITENESS: {
        const op = parseDrawMaskOnly(body, 'DRAW_WHITENESS');
        this.draw(op.base, (s) => canvas.drawWhiteness(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_INVERS: {
        const op = parseDrawMaskOnly(body, 'DRAW_INVERS');
        this.draw(op.base, (s) => canvas.drawInvers(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.COPY_BITS: {
        const op = parseCopyBits(body);
        const target = this.surfaces.get(op.base.surfaceId);
        const move = target && this.events.copyBits ? copyBitsMove(target.width, target.height, op) : null;
        if (target && move) this.events.copyBits?.(target, move, this.messageArrivedAt);
        this.draw(op.base, (s) => canvas.copyBits(s, op), move !== null);
        return;
      }
      case DisplayMsg.DRAW_ROP3: {
        const op = parseDrawRop3(body);
        this.draw(op.base, (s) => drawRop3(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_STROKE: {
        const op = parseDrawStroke(body);
        this.draw(op.base, (s) => drawStroke(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_TEXT: {
        const op = parseDrawText(body);
        this.draw(op.base, (s) => drawText(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_TRANSPARENT: {
        const op = parseDrawTransparent(body);
        this.draw(op.base, (s) => drawTransparent(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_ALPHA_BLEND: {
        const op = parseDrawAlphaBlend(body);
        this.draw(op.base, (s) => drawAlphaBlend(s, op, this.resolver.resolve, this.surfaceOf));
        return;
      }
      case DisplayMsg.DRAW_COMPOSITE: {
        const op = parseDrawComposite(body);
        this.draw(op.base, (s) => drawComposite(s, op, this.resolver.resolve, this.surfaceOf));
        return;
      }
      case DisplayMsg.INVAL_LIST:
        for (const resource of parseInvalList(body)) this.resources.images.remove(resource.id);
        return;
      case DisplayMsg.INVAL_ALL_PIXMAPS:
        parseWaitForChannels(body, 'INVAL_ALL_PIXMAPS');
        this.resources.images.clear();
        return;
      case DisplayMsg.INVAL_PALETTE:
        this.resources.palettes.remove(parseInvalPalette(body));
        return;
      case DisplayMsg.INVAL_ALL_PALETTES:
        this.resources.palettes.clear();
        return;
      case DisplayMsg.MARK:
        this.events.mark();
        return;
      case DisplayMsg.RESET:
        // The server forgets its side of the caches and the GLZ history; so do we.
        this.resources.images.clear();
        this.resources.palettes.clear();
        this.resources.glz.clear();
        return;
      case DisplayMsg.MONITORS_CONFIG: {
        const config = parseMonitorsConfig(body);
        this.events.monitors(config.heads, config.maxAllowed);
        return;
      }
      case DisplayMsg.STREAM_CREATE:
        this.videoStreams.create(body, (surfaceId) => this.surfaces.has(surfaceId));
        return;
      case DisplayMsg.STREAM_DATA:
        this.videoStreams.data(body, false);
        return;
      case DisplayMsg.STREAM_DATA_SIZED:
        this.videoStreams.data(body, true);
        return;
      case DisplayMsg.STREAM_CLIP:
        this.videoStreams.clip(body);
        return;
      case DisplayMsg.STREAM_DESTROY:
        this.videoStreams.destroy(body);
        return;
      case DisplayMsg.STREAM_DESTROY_ALL:
        this.videoStreams.destroyAll();
        return;
      case DisplayMsg.STREAM_ACTIVATE_REPORT:
        this.videoStreams.activateReport(body);
        return;
      case DisplayMsg.MODE:
      case DisplayMsg.QUALITY_INDICATOR:
        return;
      default:
        throw new ProtocolError(`display message type ${message.type} is not supported`);
    }
  }

  private createSurface(body: Uint8Array): void {
    const create = parseSurfaceCreate(body);
    if (this.surfaces.has(create.surfaceId)) {
      throw new ProtocolError(`surface ${create.surfaceId} created twice`);
    }
    // Each surface alone is bounded (checkImageSize, which Surface's constructor also runs: here
    // first, so one too large alone is reported as such); so is their sum, before allocating: a
    // server creating surface after surface must not take the engine's memory, and with it
    // every other session of the same process. Surfaces are few; the sum is taken afresh.
    checkImageSize(`surface ${create.surfaceId}`, create.width, create.height);
    let bytes = create.width * create.height * 4;
    for (const surface of this.surfaces.values()) bytes += surface.pixels.byteLength;
    if (bytes > MAX_SURFACE_BYTES) {
      throw new ProtocolError(
        `surface ${create.surfaceId} (${create.width}x${create.height}) would take the display's surfaces past ${MAX_SURFACE_BYTES / 2 ** 20} MB`,
      );
    }
    // In shared memory when a decode worker may draw a photo straight onto it (decodeOntoSurface).
    const surface = new Surface(create.surfaceId, create.width, create.height, create.format, this.options.offThreadDecoder !== undefined);
    const primary = (create.flags & SurfaceFlags.PRIMARY) !== 0;
    this.surfaces.set(create.surfaceId, surface);
    if (primary) this.primarySurfaceId = create.surfaceId;
    this.events.surfaceCreated(surface, primary);
  }

  private destroySurface(surfaceId: number): void {
    if (!this.surfaces.delete(surfaceId)) return;
    if (this.primarySurfaceId === surfaceId) this.primarySurfaceId = null;
    this.events.surfaceDestroyed(surfaceId);
  }

  /** The surface an IMAGE_TYPE_SURFACE image refers to (drawing formats depend on it). */
  private readonly surfaceOf = (image: Image): Surface | undefined =>
    image.payload.kind === 'surface' ? this.surfaces.get(image.payload.surfaceId) : undefined;

  private draw(base: DisplayBase, operation: (surface: Surface) => Rect | null, moved = false): void {
    const surface = this.surfaces.get(base.surfaceId);
    if (!surface) throw new ProtocolError(`drawing on surface ${base.surfaceId}, which does not exist`);
    const damaged = operation(surface);
    if (damaged) this.events.damage(surface, damaged, this.messageArrivedAt, moved || undefined);
  }

  /**
   * A DRAW_COPY that is a large QUIC image copied whole onto a surface (quicCopyDestination): the
   * decode worker writes it straight onto the surface, and later messages wait for it, as for
   * drawWithSource. Should the worker refuse or fail, the draw is done in line, which reports a
   * bad payload the usual way. False: not such a draw.
   */
  private decodeOntoSurface(op: DrawCopy): boolean {
    const job = this.offThreadJob(op.source);
    // The image cache keeps images: those are decoded as images.
    if (!job || job.cached) return false;
    const surface = this.surfaces.get(op.base.surfaceId);
    const destination = surface ? quicCopyDestination(surface, op) : null;
    if (!surface || !destination) return false;
    const box = op.base.box;
    this.hold(
      job.decoder.decodeQuicOnto(job.data, destination).then(
        () => {
          if (this.state === 'ready') this.events.damage(surface, box, this.messageArrivedAt);
        },
        () => {
          if (this.state === 'ready') this.draw(op.base, (s) => canvas.drawCopy(s, op, this.resolver.resolve));
        },
      ),
    );
    return true;
  }

  /**
   * A draw whose source image may be a large QUIC image: with an off-thread decoder that image is
   * decoded on the worker while this thread serves everything else, and the draw (and every later
   * message of this channel) waits for it. Should the worker fail, the image decodes in line,
   * which reports a bad payload the usual way.
   */
  private drawWithSource(base: DisplayBase, source: Image | null, operation: (surface: Surface) => Rect | null): void {
    const job = this.offThreadJob(source);
    if (!job) {
      this.draw(base, operation);
      return;
    }
    const { decoder, data, cached } = job;
    const decoded = decoder.decodeQuic(data).catch(() => null);
    this.hold(
      decoded.then((image) => {
        if (this.state !== 'ready') return;
        this.resolver.provide(data, image);
        try {
          this.draw(base, operation);
        } finally {
          this.resolver.provide(null, null);
          // What the image cache keeps must stay; anything else is only drawn, then its storage is free.
          if (image && !cached) decoder.recycle(image);
        }
      }),
    );
  }

  /**
   * For a QUIC image large enough to be worth the trip to the decode worker: the worker, the
   * payload, and whether the server asked to cache the image. Null otherwise (no worker, no
   * image, another kind, a small one).
   */
  private offThreadJob(source: Image | null): { readonly decoder: OffThreadDecoder; readonly data: Uint8Array; readonly cached: boolean } | null {
    const decoder = this.options.offThreadDecoder;
    if (!decoder || !source || source.payload.kind !== 'quic' || source.descriptor.width * source.descriptor.height < decoder.minPixels) return null;
    const cached = (source.descriptor.flags & (ImageFlags.CACHE_ME | ImageFlags.CACHE_REPLACE_ME)) !== 0;
    return { decoder, data: source.payload.data, cached };
  }
}
