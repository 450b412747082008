"""Pixel judge for the bundled model's world. The Java judge (samples/.../judge/ShapeJudge.java)
implements the same rules: nearest palette colour per pixel, background = the most common colour,
the shape = the largest 4-connected blob of other pixels, its kind from how much of its bounding
box it fills, its position from the box centre, its size from the box side."""
import numpy as np

from world import COLOURS, COLOUR_NAMES, POSITIONS

PALETTE = np.array([COLOURS[c] for c in COLOUR_NAMES], np.float32)


def judge(img):
    """img: uint8 [64, 64, 3] -> dict(bg, colour, shape, cx, cy, side)."""
    h, w, _ = img.shape
    d = ((img[:, :, None, :].astype(np.float32) - PALETTE[None, None]) ** 2).sum(-1)
    lab = d.argmin(-1)
    counts = np.bincount(lab.ravel(), minlength=8)
    bg = int(counts.argmax())
    fg = lab != bg
    seen = np.zeros_like(fg)
    best = []
    for y0 in range(h):
        for x0 in range(w):
            if fg[y0, x0] and not seen[y0, x0]:
                comp, stack = [], [(y0, x0)]
                seen[y0, x0] = True
                while stack:
                    y, x = stack.pop()
                    comp.append((y, x))
                    for yy, xx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                        if 0 <= yy < h and 0 <= xx < w and fg[yy, xx] and not seen[yy, xx]:
                            seen[yy, xx] = True
                            stack.append((yy, xx))
                if len(comp) > len(best):
                    best = comp
    out = dict(bg=COLOUR_NAMES[bg], colour=None, shape=None, cx=None, cy=None, side=0.0)
    if len(best) < 4:
        return out
    ys = np.array([p[0] for p in best])
    xs = np.array([p[1] for p in best])
    colour = int(np.bincount(lab[ys, xs], minlength=8).argmax())
    bw, bh = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    fill = len(best) / float(bw * bh)
    shape = "square" if fill >= 0.88 else "circle" if fill >= 0.65 else "triangle"
    out.update(colour=COLOUR_NAMES[colour], shape=shape, cx=(xs.min() + xs.max() + 1) / 2 / w,
               cy=(ys.min() + ys.max() + 1) / 2 / h, side=max(bw, bh) / w)
    return out


def score(spec, j):
    """Per-attribute correctness (None where the prompt does not state it)."""
    r = dict(bg=j["bg"] == spec["bg"], colour=j["colour"] == spec["colour"], shape=j["shape"] == spec["shape"],
             pos=None, size=None)
    if spec["pos"]:
        px, py = POSITIONS[spec["pos"]]
        r["pos"] = j["cx"] is not None and abs(j["cx"] - px) <= 0.1 and abs(j["cy"] - py) <= 0.1
    if spec["size"]:
        r["size"] = (j["side"] < 0.33) == (spec["size"] == "small") and j["side"] > 0.1
    return r
