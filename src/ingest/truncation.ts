import { dataError, type MoaError } from '../errors.js';

const PAR1 = [0x50, 0x41, 0x52, 0x31];
const ARROW1 = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];

const startsWith = (bytes: Uint8Array, magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
const endsWith = (bytes: Uint8Array, magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[bytes.length - magic.length + i] === b);

/**
 * Why a file that failed to decode looks cut off, from its framing alone — or null when it does not. A cut-off
 * upload or copy is the common cause of an unreadable file, and its fix (copy it again) differs from a wrong format.
 */
export function truncationOf(format: 'parquet' | 'arrow', bytes: Uint8Array, decodeMessage: string): string | null {
  if (format === 'parquet') {
    if (startsWith(bytes, PAR1) && !endsWith(bytes, PAR1)) return 'it starts like Parquet (PAR1) but does not end with the PAR1 footer magic';
    return null;
  }
  if (startsWith(bytes, ARROW1)) {
    return endsWith(bytes, ARROW1) ? null : 'it starts like an Arrow IPC file (ARROW1) but does not end with the ARROW1 footer magic';
  }
  // The IPC stream format: messages (each after a 0xFFFFFFFF continuation marker since Arrow 0.15), then an
  // end-of-stream marker (0xFFFFFFFF 0x00000000). Bytes that do not start like that are not Arrow at all.
  if (!startsWith(bytes, [0xff, 0xff, 0xff, 0xff])) return null;
  if (/expected to read \d+ bytes/i.test(decodeMessage)) return `a message is cut short (${decodeMessage.replace(/\.$/, '')})`;
  const eos = bytes.length >= 4 && bytes[bytes.length - 1] === 0 && bytes[bytes.length - 2] === 0 && bytes[bytes.length - 3] === 0 && bytes[bytes.length - 4] === 0;
  return eos ? null : 'the Arrow IPC stream ends without its end-of-stream marker';
}

/** The named error for a truncated file: what is missing, how many bytes there are, and the fix. */
export function truncatedError(subject: string, uri: string, what: string, bytes: number, reason: string): MoaError {
  return dataError('data.truncated', `${subject}: ${uri} is not a readable ${what} file: it is truncated (${reason}; ${bytes} bytes).`, {
    subject: uri,
    fix: 'Copy or write the file again: an upload, copy or write that was cut off leaves a file like this.',
  });
}
