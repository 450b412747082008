// Reads the text chunks (tEXt, iTXt) of a PNG, where diffuse4j stores each image's parameters.
// pngText(arrayBuffer) -> {keyword: text}
"use strict";
function pngText(buffer) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  const out = {};
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b)) {
    throw new Error("not a PNG");
  }
  const latin1 = (a, b) => String.fromCharCode.apply(null, bytes.subarray(a, b));
  let p = 8;
  while (p + 12 <= bytes.length) {
    const len = view.getUint32(p);
    const type = latin1(p + 4, p + 8);
    const start = p + 8;
    const end = start + len;
    if (end > bytes.length) break;
    if (type === "tEXt") {
      const z = bytes.indexOf(0, start);
      if (z > start && z < end) out[latin1(start, z)] = latin1(z + 1, end);
    } else if (type === "iTXt") {
      const z = bytes.indexOf(0, start);
      if (z > start && z + 3 <= end && bytes[z + 1] === 0) {
        const lang = bytes.indexOf(0, z + 3);
        const trans = lang < 0 ? -1 : bytes.indexOf(0, lang + 1);
        if (trans >= 0 && trans < end) {
          out[latin1(start, z)] = new TextDecoder("utf-8").decode(bytes.subarray(trans + 1, end));
        }
      }
    } else if (type === "IEND") {
      break;
    }
    p = end + 4;
  }
  return out;
}
