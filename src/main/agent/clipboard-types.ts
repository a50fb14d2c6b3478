import { ClipboardSelection, ClipboardType } from '../../core/protocol/agent-messages';

/** Selections as X11 names them; Windows and macOS guests have only 'clipboard'. */
export type ClipboardSelectionName = 'clipboard' | 'primary' | 'secondary';

/** Clipboard formats the agent protocol carries, as MIME types (text is always UTF-8). */
export type ClipboardTypeName = 'text/plain' | 'image/png' | 'image/bmp' | 'image/tiff' | 'image/jpeg';

const SELECTION_NUMBERS: Readonly<Record<ClipboardSelectionName, number>> = {
  clipboard: ClipboardSelection.CLIPBOARD,
  primary: ClipboardSelection.PRIMARY,
  secondary: ClipboardSelection.SECONDARY,
};

const TYPE_NUMBERS: Readonly<Record<ClipboardTypeName, number>> = {
  'text/plain': ClipboardType.UTF8_TEXT,
  'image/png': ClipboardType.IMAGE_PNG,
  'image/bmp': ClipboardType.IMAGE_BMP,
  'image/tiff': ClipboardType.IMAGE_TIFF,
  'image/jpeg': ClipboardType.IMAGE_JPG,
};

export const CLIPBOARD_SELECTIONS = Object.keys(SELECTION_NUMBERS) as ClipboardSelectionName[];
export const CLIPBOARD_TYPES = Object.keys(TYPE_NUMBERS) as ClipboardTypeName[];

export function selectionNumber(selection: ClipboardSelectionName): number {
  return SELECTION_NUMBERS[selection];
}

export function selectionName(selection: number): ClipboardSelectionName | null {
  return CLIPBOARD_SELECTIONS.find((name) => SELECTION_NUMBERS[name] === selection) ?? null;
}

export function typeNumber(type: ClipboardTypeName): number {
  return TYPE_NUMBERS[type];
}

/** A type number as a name; null for NONE, FILE_LIST (WebDAV paths) and numbers we do not know. */
export function typeName(type: number): ClipboardTypeName | null {
  return CLIPBOARD_TYPES.find((name) => TYPE_NUMBERS[name] === type) ?? null;
}

export function isClipboardSelectionName(text: string): text is ClipboardSelectionName {
  return (CLIPBOARD_SELECTIONS as string[]).includes(text);
}

export function isClipboardTypeName(text: string): text is ClipboardTypeName {
  return (CLIPBOARD_TYPES as string[]).includes(text);
}
