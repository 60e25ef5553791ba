// Minimal typings for the pure-JS codec packages (they ship none).
declare module 'snappyjs' {
  export function compress(input: Buffer): Buffer;
  export function uncompress(input: Buffer): Buffer;
}

declare module 'lz4js' {
  export function compress(input: Uint8Array | Buffer): Uint8Array;
  export function decompress(input: Uint8Array | Buffer): Uint8Array;
  export function compressBound(length: number): number;
  /** Compresses src[sIndex, sIndex + sLength) into dst; returns the compressed size (0 = not compressible). */
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
}

declare module 'lz4js/xxh32' {
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number;
}

declare module 'zstd-codec' {
  interface ZstdSimple {
    compress(input: Uint8Array, level?: number): Uint8Array | null;
    decompress(input: Uint8Array): Uint8Array | null;
  }
  interface ZstdBinding {
    Simple: new () => ZstdSimple;
  }
  export const ZstdCodec: { run(callback: (zstd: ZstdBinding) => void): void };
}
