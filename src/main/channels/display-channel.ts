import { parseWaitForChannels } from '../../core/protocol/base-messages';
import { DisplayCap, DisplayMsg, DisplayMsgc, SurfaceFlags } from '../../core/protocol/constants';
import { encodeDisplayInit } from '../../core/protocol/display-client-messages';
import {
  parseCopyBits,
  parseDrawCopy,
  parseDrawFill,
  parseDrawMaskOnly,
  parseDrawOpaque,
  parseInvalList,
  parseInvalPalette,
  parseMonitorsConfig,
  parseStreamCreate,
  parseSurfaceCreate,
  parseSurfaceDestroy,
  type Head,
} from '../../core/protocol/display-messages';
import type { DisplayBase, Rect } from '../../core/protocol/display-types';
import { ProtocolError } from '../../core/protocol/errors';
import type { SpiceMessage } from '../../core/protocol/framing';
import * as canvas from '../surfaces/canvas';
import { ImageResolver } from '../surfaces/image-resolver';
import { Surface } from '../surfaces/surface';
import type { DisplayResources } from '../surfaces/display-resources';
import { Channel, type ChannelContext, type ChannelObserver } from './channel';

export interface DisplayChannelEvents {
  surfaceCreated(surface: Surface, primary: boolean): void;
  surfaceDestroyed(surfaceId: number): void;
  /** Pixels of a surface changed inside rect (already clipped to the surface). */
  damage(surface: Surface, rect: Rect): void;
  /** The server marked the display as ready to be shown (the first complete frame). */
  mark(): void;
  monitors(heads: Head[]): void;
  /** Any display message arrived (screenshot settling watches this). */
  activity(): void;
}

/** Pixmap cache announced to the server, in pixels (spice-gtk: 80 MB of 32-bit pixels). */
const PIXMAP_CACHE_PIXELS = (80 * 1024 * 1024) / 4;
const GLZ_WINDOW_MIN_BYTES = 12 * 1024 * 1024;
const GLZ_WINDOW_MAX_BYTES = 128 * 1024 * 1024;

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
  primarySurfaceId: number | null = null;

  constructor(
    id: number,
    context: ChannelContext,
    observer: ChannelObserver,
    private readonly resources: DisplayResources,
    private readonly events: DisplayChannelEvents,
  ) {
    super(2, id, context, observer);
    this.resolver = new ImageResolver(resources, this.surfaces);
  }

  get primarySurface(): Surface | undefined {
    return this.primarySurfaceId === null ? undefined : this.surfaces.get(this.primarySurfaceId);
  }

  protected channelCaps(): number[] {
    // Only what we implement: monitors configuration is parsed and reported.
    return [DisplayCap.MONITORS_CONFIG];
  }

  protected override onReady(): void {
    this.send(DisplayMsgc.INIT, encodeDisplayInit(1, PIXMAP_CACHE_PIXELS, 1, this.resources.glzWindowPixels));
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
        this.draw(op.base, (s) => canvas.drawCopy(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_BLEND: {
        const op = parseDrawCopy(body, 'DRAW_BLEND');
        this.draw(op.base, (s) => canvas.drawBlend(s, op, this.resolver.resolve));
        return;
      }
      case DisplayMsg.DRAW_OPAQUE: {
        const op = parseDrawOpaque(body);
        this.draw(op.base, (s) => canvas.drawOpaque(s, op, this.resolver.resolve));
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
        this.draw(op.base, (s) => canvas.copyBits(s, op));
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
      case DisplayMsg.MONITORS_CONFIG:
        this.events.monitors(parseMonitorsConfig(body).heads);
        return;
      case DisplayMsg.STREAM_CREATE: {
        const stream = parseStreamCreate(body);
        this.context.log.warn(`display: the server started video stream ${stream.id} (codec ${stream.codecType}); video streams are not decoded yet`);
        return;
      }
      case DisplayMsg.STREAM_DATA:
      case DisplayMsg.STREAM_DATA_SIZED:
      case DisplayMsg.STREAM_CLIP:
      case DisplayMsg.STREAM_DESTROY:
      case DisplayMsg.STREAM_DESTROY_ALL:
      case DisplayMsg.STREAM_ACTIVATE_REPORT:
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
    const surface = new Surface(create.surfaceId, create.width, create.height, create.format);
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

  private draw(base: DisplayBase, operation: (surface: Surface) => Rect | null): void {
    const surface = this.surfaces.get(base.surfaceId);
    if (!surface) throw new ProtocolError(`drawing on surface ${base.surfaceId}, which does not exist`);
    const damaged = operation(surface);
    if (damaged) this.events.damage(surface, damaged);
  }
}
