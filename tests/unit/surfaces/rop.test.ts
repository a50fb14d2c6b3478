import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ropd } from '../../../src/core/protocol/constants';
import { Rop, RopInput, ropCopy, ropdToRop, ropSolid } from '../../../src/main/surfaces/rop';

/** The ROP's result for one bit pair, from its truth table (bit k ↔ (s,d) = (1,1),(1,0),(0,1),(0,0)). */
function bit(rop: number, s: number, d: number): number {
  const index = s ? (d ? 0 : 1) : d ? 2 : 3;
  return (rop >> index) & 1;
}

/** Applies a ROP bit by bit from its truth table: an independent reference for the kernels. */
function reference(rop: number, s: number, d: number): number {
  let out = 0;
  for (let k = 0; k < 32; k++) out |= bit(rop, (s >>> k) & 1, (d >>> k) & 1) << k;
  return out >>> 0;
}

const SRC = [0x00000000, 0xffffffff, 0x12345678, 0xf0f0a5a5];
const DST = [0x00000000, 0xffffffff, 0x0ff00ff0, 0x87654321];

test('the named ROPs have the documented truth tables', () => {
  assert.equal(reference(Rop.AND_REVERSE, 0b1100, 0b1010), 0b0100); // src & ~dst
  assert.equal(reference(Rop.AND_INVERTED, 0b1100, 0b1010), 0b0010); // ~src & dst
  assert.equal(reference(Rop.EQUIV, 0b1100, 0b1010) & 0xf, 0b1001); // ~src ^ dst
  assert.equal(reference(Rop.OR_REVERSE, 0b1100, 0b1010) & 0xf, 0b1101); // src | ~dst
  assert.equal(reference(Rop.OR_INVERTED, 0b1100, 0b1010) & 0xf, 0b1011); // ~src | dst
  assert.equal(reference(Rop.NAND, 0b1100, 0b1010) & 0xf, 0b0111);
  assert.equal(reference(Rop.NOR, 0b1100, 0b1010) & 0xf, 0b0001);
});

test('ropSolid and ropCopy compute all 16 ROPs, with and without forced alpha', () => {
  for (let rop = 0; rop < 16; rop++) {
    for (const orBits of [0, 0xff000000]) {
      for (const s of SRC) {
        const dst = Uint32Array.from([7, ...DST, 7]);
        ropSolid(dst, 1, 1 + DST.length, s, rop, orBits);
        assert.deepEqual([...dst], [7, ...DST.map((d) => (reference(rop, s, d) | orBits) >>> 0), 7], `solid rop ${rop}`);
      }
      const dst = Uint32Array.from([7, ...DST, 7]);
      const src = Uint32Array.from([9, 9, ...SRC]);
      ropCopy(dst, 1, src, 2, SRC.length, rop, orBits);
      assert.deepEqual([...dst], [7, ...DST.map((d, i) => (reference(rop, SRC[i], d) | orBits) >>> 0), 7], `copy rop ${rop}`);
    }
  }
});

test('ropdToRop: the examples spelt out in spice-common', () => {
  const { BRUSH, DEST, SRC: S } = RopInput;
  assert.equal(ropdToRop(Ropd.OP_OR | Ropd.INVERS_RES | Ropd.INVERS_SRC, S, DEST), Rop.AND_REVERSE); // !(!src | dst)
  assert.equal(ropdToRop(Ropd.OP_OR | Ropd.INVERS_RES | Ropd.INVERS_DEST, S, DEST), Rop.AND_INVERTED);
  assert.equal(ropdToRop(Ropd.OP_AND | Ropd.INVERS_SRC | Ropd.INVERS_DEST, S, DEST), Rop.NOR);
  assert.equal(ropdToRop(Ropd.OP_XOR | Ropd.INVERS_RES, S, DEST), Rop.EQUIV);
  assert.equal(ropdToRop(Ropd.OP_XOR | Ropd.INVERS_SRC | Ropd.INVERS_DEST, S, DEST), Rop.XOR);
  assert.equal(ropdToRop(Ropd.OP_PUT | Ropd.INVERS_SRC | Ropd.INVERS_RES, S, DEST), Rop.COPY);
  assert.equal(ropdToRop(Ropd.OP_BLACKNESS, S, DEST), Rop.CLEAR);
  assert.equal(ropdToRop(Ropd.OP_WHITENESS | Ropd.INVERS_RES, S, DEST), Rop.SET);
  assert.equal(ropdToRop(0, S, DEST), Rop.COPY);
  // Operand roles: for a fill the brush bit inverts "src", for opaque the source bit inverts "dst".
  assert.equal(ropdToRop(Ropd.OP_AND | Ropd.INVERS_BRUSH, BRUSH, DEST), Rop.AND_INVERTED);
  assert.equal(ropdToRop(Ropd.OP_AND | Ropd.INVERS_SRC, BRUSH, DEST), Rop.AND);
  assert.equal(ropdToRop(Ropd.OP_AND | Ropd.INVERS_SRC, BRUSH, S), Rop.AND_REVERSE);
  assert.equal(ropdToRop(Ropd.OP_AND | Ropd.INVERS_DEST, BRUSH, S), Rop.AND);
});

test('ropdToRop agrees with evaluating the descriptor for every combination', () => {
  const pairs = [
    [RopInput.BRUSH, RopInput.DEST],
    [RopInput.SRC, RopInput.DEST],
    [RopInput.BRUSH, RopInput.SRC],
  ] as const;
  const invBit = [Ropd.INVERS_SRC, Ropd.INVERS_BRUSH, Ropd.INVERS_DEST];
  for (const [srcInput, destInput] of pairs) {
    for (let desc = 0; desc < 2048; desc++) {
      const rop = ropdToRop(desc, srcInput, destInput);
      for (let s = 0; s < 2; s++) {
        for (let d = 0; d < 2; d++) {
          const si = desc & invBit[srcInput] ? 1 - s : s;
          const di = desc & invBit[destInput] ? 1 - d : d;
          let expected: number;
          if (desc & Ropd.OP_PUT) expected = si;
          else if (desc & Ropd.OP_OR) expected = si | di;
          else if (desc & Ropd.OP_AND) expected = si & di;
          else if (desc & Ropd.OP_XOR) expected = si ^ di;
          else if (desc & Ropd.OP_BLACKNESS) expected = 0;
          else if (desc & Ropd.OP_WHITENESS) expected = 1;
          else if (desc & Ropd.OP_INVERS) expected = 1 - d;
          else expected = s;
          // INVERS_RES applies to PUT/OR/AND/XOR only, not to the fixed results.
          if (desc & Ropd.INVERS_RES && desc & (Ropd.OP_PUT | Ropd.OP_OR | Ropd.OP_AND | Ropd.OP_XOR)) expected = 1 - expected;
          assert.equal(bit(rop, s, d), expected, `descriptor 0x${desc.toString(16)} inputs ${srcInput},${destInput} s=${s} d=${d}`);
        }
      }
    }
  }
});
