/**
 * Snappy, LZ4 and zstd for kafkajs, in pure JavaScript (zstd as WebAssembly embedded in JS), so
 * the VSIX carries no native module. Registered once for both directions: the producer compresses
 * with them and the tail's consumer decompresses with them.
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import * as lz4 from 'lz4js';
import * as lz4xxh32 from 'lz4js/xxh32';
import * as snappy from 'snappyjs';
import { decompress as fzstdDecompress } from 'fzstd';
import { ZstdCodec } from 'zstd-codec';

/** The codecs a user can pick when producing. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export const COMPRESSION_NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** kafkajs' numeric codec id for a name. */
export function compressionType(name: CompressionName | undefined): CompressionTypes {
  switch (name ?? 'none') {
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
    default:
      return CompressionTypes.None;
  }
}

/** What kafkajs hands a codec to compress: an Encoder whose `buffer` holds the record bytes. */
interface EncoderLike {
  buffer: Buffer;
}

// Java clients frame snappy the xerial way: a magic header, then [4-byte length][raw snappy] chunks.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_LENGTH = 16;

/** Decompresses raw snappy (librdkafka, kafkajs) or xerial-framed snappy (the Java client). */
export function snappyDecompress(input: Buffer): Buffer {
  if (input.length >= XERIAL_HEADER_LENGTH && input.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    const chunks: Buffer[] = [];
    let position = XERIAL_HEADER_LENGTH;
    while (position + 4 <= input.length) {
      const size = input.readUInt32BE(position);
      position += 4;
      chunks.push(Buffer.from(snappy.uncompress(input.subarray(position, position + size))));
      position += size;
    }
    return Buffer.concat(chunks);
  }
  return Buffer.from(snappy.uncompress(input));
}

export function snappyCompress(input: Buffer): Buffer {
  return Buffer.from(snappy.compress(input));
}

// LZ4 frame constants (lz4 frame format spec): magic, FLG = version 01 + block independence, BD = 64 KB blocks.
const LZ4_MAGIC = 0x184d2204;
const LZ4_FLG = 0x60;
const LZ4_BD = 0x40;
const LZ4_BLOCK_SIZE = 64 * 1024;

/**
 * LZ4 frame format, which Kafka uses for record batches since message format v2. Blocks are
 * compressed independently and flagged so: Kafka's Java decoder refuses dependent blocks, which
 * is what lz4js' own frame writer produces.
 */
export function lz4Compress(input: Buffer): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt32LE(LZ4_MAGIC, 0);
  header[4] = LZ4_FLG;
  header[5] = LZ4_BD;
  header[6] = (lz4xxh32.hash(0, header, 4, 2) >>> 8) & 0xff;
  const parts: Buffer[] = [header];
  const scratch = Buffer.alloc(lz4.compressBound(LZ4_BLOCK_SIZE));
  for (let start = 0; start < input.length; start += LZ4_BLOCK_SIZE) {
    const block = input.subarray(start, Math.min(start + LZ4_BLOCK_SIZE, input.length));
    const size = lz4.compressBlock(block, scratch, 0, block.length, new Uint32Array(1 << 16));
    const length = Buffer.alloc(4);
    if (size === 0 || size >= block.length) {
      length.writeUInt32LE((0x80000000 | block.length) >>> 0, 0);
      parts.push(length, Buffer.from(block));
    } else {
      length.writeUInt32LE(size, 0);
      parts.push(length, Buffer.from(scratch.subarray(0, size)));
    }
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

export function lz4Decompress(input: Buffer): Buffer {
  return Buffer.from(lz4.decompress(input));
}

interface ZstdSimpleLike {
  compress(input: Uint8Array, level?: number): Uint8Array | null;
}

let zstd: Promise<ZstdSimpleLike> | undefined;

/** The zstd WebAssembly module starts asynchronously, once, on first use. */
function zstdSimple(): Promise<ZstdSimpleLike> {
  zstd ??= new Promise((resolve) => ZstdCodec.run((binding) => resolve(new binding.Simple())));
  return zstd;
}

const ZSTD_LEVEL = 3;

export async function zstdCompress(input: Buffer): Promise<Buffer> {
  const out = (await zstdSimple()).compress(input, ZSTD_LEVEL);
  if (!out) {
    throw new Error('zstd compression failed');
  }
  return Buffer.from(out);
}

/** fzstd (pure JS) decompresses every frame, including streamed ones without a content size (librdkafka's). */
export function zstdDecompress(input: Buffer): Buffer {
  return Buffer.from(fzstdDecompress(input));
}

let registered = false;

/** Registers the three codecs with kafkajs (idempotent; kafkajs keeps them in a process-wide table). */
export function registerCompressionCodecs(): void {
  if (registered) {
    return;
  }
  registered = true;
  const codec = (compress: (b: Buffer) => Buffer | Promise<Buffer>, decompress: (b: Buffer) => Buffer | Promise<Buffer>) => () => ({
    compress: async (encoder: EncoderLike) => compress(encoder.buffer),
    decompress: async (buffer: Buffer) => decompress(buffer),
  });
  const table = CompressionCodecs as unknown as Record<number, () => unknown>;
  table[CompressionTypes.Snappy] = codec(snappyCompress, snappyDecompress);
  table[CompressionTypes.LZ4] = codec(lz4Compress, lz4Decompress);
  table[CompressionTypes.ZSTD] = codec(zstdCompress, zstdDecompress);
}
