import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';

/** Main-channel messages (spice.proto, MainChannel). */

/**
 * INIT: uint32 session_id, uint32 display_channels_hint, uint32 supported_mouse_modes,
 * uint32 current_mouse_mode, uint32 agent_connected, uint32 agent_tokens,
 * uint32 multi_media_time, uint32 ram_hint.
 */
export interface MainInit {
  readonly sessionId: number;
  readonly displayChannelsHint: number;
  readonly supportedMouseModes: number;
  readonly currentMouseMode: number;
  readonly agentConnected: boolean;
  readonly agentTokens: number;
  readonly multiMediaTime: number;
  readonly ramHint: number;
}
export function parseMainInit(body: Uint8Array): MainInit {
  const r = new BufferReader(body, 0, 'MAIN_INIT');
  return {
    sessionId: r.u32('session_id'),
    displayChannelsHint: r.u32('display_channels_hint'),
    supportedMouseModes: r.u32('supported_mouse_modes'),
    currentMouseMode: r.u32('current_mouse_mode'),
    agentConnected: r.u32('agent_connected') !== 0,
    agentTokens: r.u32('agent_tokens'),
    multiMediaTime: r.u32('multi_media_time'),
    ramHint: r.u32('ram_hint'),
  };
}

/** CHANNELS_LIST: uint32 num_of_channels, then {uint8 type, uint8 id}[num]. */
export interface ChannelId {
  readonly type: number;
  readonly id: number;
}
export function parseChannelsList(body: Uint8Array): ChannelId[] {
  const r = new BufferReader(body, 0, 'CHANNELS_LIST');
  const count = r.u32('num_of_channels');
  // Each entry is 2 bytes: a count beyond the body is caught by the reader on the first missing entry.
  const out: ChannelId[] = [];
  for (let i = 0; i < count; i++) out.push({ type: r.u8('channel type'), id: r.u8('channel id') });
  return out;
}

/** MOUSE_MODE: uint16 supported_modes, uint16 current_mode. */
export function parseMouseMode(body: Uint8Array): { supported: number; current: number } {
  const r = new BufferReader(body, 0, 'MOUSE_MODE');
  return { supported: r.u16('supported_modes'), current: r.u16('current_mode') };
}

/** MULTI_MEDIA_TIME: uint32 time (ms). */
export function parseMultiMediaTime(body: Uint8Array): number {
  return new BufferReader(body, 0, 'MULTI_MEDIA_TIME').u32('time');
}

/** AGENT_DISCONNECTED: uint32 error_code. */
export function parseAgentDisconnected(body: Uint8Array): number {
  return new BufferReader(body, 0, 'AGENT_DISCONNECTED').u32('error_code');
}

/** AGENT_TOKEN and AGENT_CONNECTED_TOKENS: uint32 num_tokens. */
export function parseAgentTokens(body: Uint8Array): number {
  return new BufferReader(body, 0, 'AGENT_TOKEN').u32('num_tokens');
}

/** NAME: uint32 name_len, uint8 name[name_len] (NUL-terminated). */
export function parseName(body: Uint8Array): string {
  const r = new BufferReader(body, 0, 'NAME');
  const length = r.u32('name_len');
  const bytes = r.bytesView(Math.min(length, r.remaining), 'name');
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

/** UUID: uint8 uuid[16], shown in the usual 8-4-4-4-12 form. */
export function parseUuid(body: Uint8Array): string {
  const bytes = new BufferReader(body, 0, 'UUID').bytesView(16, 'uuid');
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** MOUSE_MODE_REQUEST: uint16 mode. */
export function encodeMouseModeRequest(mode: number): Uint8Array {
  return new BufferWriter(2).u16(mode).finish();
}

/** AGENT_START and AGENT_TOKEN (client): uint32 num_tokens. */
export function encodeAgentTokens(tokens: number): Uint8Array {
  return new BufferWriter(4).u32(tokens).finish();
}
