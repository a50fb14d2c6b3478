import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';
import { capsToWords } from './capabilities';
import {
  LINK_ERROR_TEXT,
  SPICE_MAGIC,
  SPICE_TICKET_PUBKEY_BYTES,
  SPICE_VERSION_MAJOR,
  SPICE_VERSION_MINOR,
} from './constants';
import { ProtocolError } from './errors';

/**
 * The link handshake that opens every channel (spice-protocol protocol.h):
 *
 *   SpiceLinkHeader (16 bytes): uint32 magic "REDQ", uint32 major, uint32 minor, uint32 size
 *   client → SpiceLinkMess (18 bytes + caps): uint32 connection_id, uint8 channel_type,
 *            uint8 channel_id, uint32 num_common_caps, uint32 num_channel_caps, uint32 caps_offset,
 *            then num_common_caps + num_channel_caps uint32 words at caps_offset
 *   server → SpiceLinkReply (178 bytes + caps): uint32 error, uint8 pub_key[162],
 *            uint32 num_common_caps, uint32 num_channel_caps, uint32 caps_offset, caps words
 *   client → [uint32 auth_mechanism when both sides have PROTOCOL_AUTH_SELECTION]
 *            then uint8 encrypted_ticket[128] (SPICE auth) — or the SASL exchange
 *   server → uint32 link result (a link_err)
 */

export const LINK_HEADER_SIZE = 16;
const LINK_MESS_SIZE = 18;
const LINK_REPLY_FIXED_SIZE = 4 + SPICE_TICKET_PUBKEY_BYTES + 12;
/** A link reply carrying more than this is not a SPICE server. */
export const MAX_LINK_REPLY_SIZE = 4096;

export interface LinkRequest {
  readonly connectionId: number;
  readonly channelType: number;
  readonly channelId: number;
  readonly commonCaps: readonly number[]; // capability bit numbers
  readonly channelCaps: readonly number[];
}

export function encodeLinkRequest(request: LinkRequest): Uint8Array {
  const common = capsToWords(request.commonCaps);
  const channel = capsToWords(request.channelCaps);
  const bodySize = LINK_MESS_SIZE + 4 * (common.length + channel.length);
  const writer = new BufferWriter(LINK_HEADER_SIZE + bodySize)
    .u32(SPICE_MAGIC)
    .u32(SPICE_VERSION_MAJOR)
    .u32(SPICE_VERSION_MINOR)
    .u32(bodySize)
    .u32(request.connectionId)
    .u8(request.channelType)
    .u8(request.channelId)
    .u32(common.length)
    .u32(channel.length)
    .u32(LINK_MESS_SIZE);
  for (const word of [...common, ...channel]) writer.u32(word);
  return writer.finish();
}

export interface LinkHeader {
  readonly major: number;
  readonly minor: number;
  readonly size: number;
}

/** Parses the 16-byte header the server sends before its link reply. */
export function parseLinkHeader(bytes: Uint8Array): LinkHeader {
  const reader = new BufferReader(bytes, 0, 'link header');
  const magic = reader.u32('magic');
  if (magic !== SPICE_MAGIC) {
    throw new ProtocolError('the server did not answer with the SPICE magic (is this a SPICE port?)');
  }
  const major = reader.u32('major version');
  const minor = reader.u32('minor version');
  const size = reader.u32('size');
  if (major !== SPICE_VERSION_MAJOR) {
    throw new ProtocolError(`the server speaks SPICE protocol ${major}.${minor}; Saffron speaks ${SPICE_VERSION_MAJOR}.x`);
  }
  if (size < 4 || size > MAX_LINK_REPLY_SIZE) {
    throw new ProtocolError(`link reply size ${size} is not sane`);
  }
  return { major, minor, size };
}

export interface LinkReply {
  readonly error: number;
  readonly publicKey: Uint8Array;
  readonly commonCaps: number[]; // words
  readonly channelCaps: number[]; // words
}

/** Parses the link reply body (after the header). An error reply may be as short as its error field. */
export function parseLinkReply(body: Uint8Array): LinkReply {
  const reader = new BufferReader(body, 0, 'link reply');
  const error = reader.u32('error');
  if (error !== 0) {
    return { error, publicKey: new Uint8Array(0), commonCaps: [], channelCaps: [] };
  }
  if (body.byteLength < LINK_REPLY_FIXED_SIZE) {
    throw new ProtocolError(`link reply of ${body.byteLength} bytes is shorter than ${LINK_REPLY_FIXED_SIZE}`);
  }
  const publicKey = reader.bytesView(SPICE_TICKET_PUBKEY_BYTES, 'public key').slice();
  const numCommon = reader.u32('num_common_caps');
  const numChannel = reader.u32('num_channel_caps');
  const capsOffset = reader.u32('caps_offset');
  if (numCommon + numChannel > 1024) throw new ProtocolError(`link reply announces ${numCommon + numChannel} capability words`);
  const caps = reader.at(capsOffset, 'link reply capabilities');
  const commonCaps: number[] = [];
  const channelCaps: number[] = [];
  for (let i = 0; i < numCommon; i++) commonCaps.push(caps.u32('common capability'));
  for (let i = 0; i < numChannel; i++) channelCaps.push(caps.u32('channel capability'));
  return { error, publicKey, commonCaps, channelCaps };
}

export function linkErrorText(code: number): string {
  return LINK_ERROR_TEXT[code] ?? `unknown link error ${code}`;
}

export function encodeAuthMechanism(mechanism: number): Uint8Array {
  return new BufferWriter(4).u32(mechanism).finish();
}

/** The final uint32 link result after authentication. */
export function parseLinkResult(bytes: Uint8Array): number {
  return new BufferReader(bytes, 0, 'link result').u32('link result');
}
