import { useEffect, useRef } from 'react';
import type { Hotkey } from '../../shared/hotkeys';
import type { CursorEvent, SaffronApi } from '../../shared/ipc';
import type { MouseModeName } from '../../shared/session-types';
import { DisplayInput } from '../input/display-input';
import type { LockKeySync } from '../input/lock-keys';
import type { PreparedCursor } from '../paint/cursor-image';
import type { DisplayModel } from '../paint/display-model';
import { MonitorPainter } from '../paint/monitor-painter';
import type { MonitorLayout } from '../view/layout';

interface Props {
  readonly layout: MonitorLayout;
  readonly model: DisplayModel;
  readonly api: SaffronApi;
  /** CSS pixels per guest pixel. */
  readonly scale: number;
  readonly mouseMode: MouseModeName;
  readonly cursor: CursorEvent | null;
  readonly cursorImage: PreparedCursor | null;
  readonly lockKeys: LockKeySync;
  readonly releaseHotkey: Hotkey | null;
  readonly onGrab: (grabbed: boolean) => void;
  /** Where the session view keeps every monitor's input, to release them all from a menu. */
  readonly inputs: Set<DisplayInput>;
}

/**
 * One guest monitor: its canvas (the guest's pixels and nothing else: role img, named "Remote
 * display…") and, beside it in the same box, a transparent overlay where the guest's pointer is
 * drawn in server mouse mode. In client mode the guest's pointer is the local pointer's image.
 */
export function MonitorView({ layout, model, api, scale, mouseMode, cursor, cursorImage, lockKeys, releaseHotkey, onGrab, inputs }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const inputRef = useRef<DisplayInput | null>(null);
  const live = useRef({ layout, releaseHotkey, onGrab });
  live.current = { layout, releaseHotkey, onGrab };

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    return model.attach(new MonitorPainter(canvas, layout));
  }, [model, layout]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const input = new DisplayInput(canvas, {
      api,
      monitor: () => live.current.layout,
      lockKeys,
      releaseHotkey: () => live.current.releaseHotkey,
      onGrab: (grabbed) => live.current.onGrab(grabbed),
    });
    inputRef.current = input;
    inputs.add(input);
    return () => {
      inputs.delete(input);
      input.dispose();
      inputRef.current = null;
    };
  }, [api, lockKeys, inputs]);

  useEffect(() => inputRef.current?.setMouseMode(mouseMode), [mouseMode]);

  // The guest's pointer, drawn by us in server mode (the local one is locked and hidden then).
  const overlayShown = mouseMode === 'server' && cursor !== null && cursor.visible && cursorImage !== null;
  useEffect(() => {
    const overlay = overlayRef.current;
    if (!overlay) return;
    const context = overlay.getContext('2d');
    if (!context) return;
    if (overlay.width !== layout.width || overlay.height !== layout.height) {
      overlay.width = layout.width;
      overlay.height = layout.height;
    } else {
      context.clearRect(0, 0, overlay.width, overlay.height);
    }
    if (!overlayShown || !cursor || !cursorImage) return;
    const { image, canvas } = cursorImage;
    context.drawImage(canvas, cursor.x - image.hotX - layout.x, cursor.y - image.hotY - layout.y);
  }, [overlayShown, cursor, cursorImage, layout]);

  const width = layout.width * scale;
  const height = layout.height * scale;
  const localCursor = mouseMode !== 'client' ? 'default' : cursor && !cursor.visible ? 'none' : (cursorImage?.css ?? 'default');
  // Upscaled pixels stay crisp; downscaled ones are smoothed (a pixelated shrink drops detail).
  const rendering = scale * window.devicePixelRatio >= 1 ? 'pixelated' : 'auto';
  return (
    <div className="monitor" style={{ width: `${width}px`, height: `${height}px` }}>
      <canvas
        ref={canvasRef}
        className="display"
        role="img"
        aria-label={layout.name}
        tabIndex={0}
        data-surface={`${layout.width}x${layout.height}`}
        style={{ width: `${width}px`, height: `${height}px`, cursor: localCursor, imageRendering: rendering }}
      />
      <canvas ref={overlayRef} className="cursor-overlay" aria-hidden="true" hidden={!overlayShown} style={{ width: `${width}px`, height: `${height}px` }} />
    </div>
  );
}
