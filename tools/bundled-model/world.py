"""The bundled model's world: prompts of a fixed grammar and the 64x64 images they describe.

Shared by the dataset, the Python judge and (mirrored in Java) the project's judge:
samples/cli/src/main/java/io/diffuse4j/samples/judge/.
"""
import numpy as np

SIZE = 64
COLOURS = {
    "red": (220, 40, 40), "green": (40, 170, 60), "blue": (40, 80, 220), "yellow": (240, 220, 50),
    "white": (245, 245, 245), "black": (25, 25, 25), "purple": (140, 60, 180), "orange": (245, 140, 30),
}
COLOUR_NAMES = list(COLOURS)
SHAPES = ["circle", "square", "triangle"]
SIZES = {"small": (0.18, 0.26), "large": (0.40, 0.50)}
ANY_SIZE = (0.18, 0.50)
POSITIONS = {"left": (0.27, 0.5), "right": (0.73, 0.5), "top": (0.5, 0.27), "bottom": (0.5, 0.73),
             "center": (0.5, 0.5)}
JITTER = 0.04
WORDS = ["a", "an", "small", "large"] + COLOUR_NAMES + SHAPES + ["on", "background", "at", "the"] + list(POSITIONS)


def held_out_triples():
    """The (shape colour, shape, background colour) triples kept out of training: 17 of 168 (>10%),
    chosen with a fixed seed so that every colour and shape still appears in training."""
    triples = [(c, s, b) for c in COLOUR_NAMES for s in SHAPES for b in COLOUR_NAMES if b != c]
    rng = np.random.RandomState(1234)
    order = rng.permutation(len(triples))
    return sorted(triples[i] for i in order[:17])


HELD_OUT = set(held_out_triples())


def article(word):
    return "an" if word[0] in "aeiou" else "a"


def make_prompt(colour, shape, bg, size=None, pos=None):
    first = size if size else colour
    p = f"{article(first)} {size + ' ' if size else ''}{colour} {shape} on {article(bg)} {bg} background"
    if pos:
        p += f" at the {pos}"
    return p


def sample_spec(rng, train=True, p_size=0.5, p_pos=0.6):
    """A random scene: dict with colour, shape, bg, size word (or None), pos word (or None)."""
    while True:
        colour = COLOUR_NAMES[rng.randint(8)]
        bg = COLOUR_NAMES[rng.randint(8)]
        shape = SHAPES[rng.randint(3)]
        if bg == colour:
            continue
        if train and (colour, shape, bg) in HELD_OUT:
            continue
        break
    size = list(SIZES)[rng.randint(2)] if rng.rand() < p_size else None
    pos = list(POSITIONS)[rng.randint(5)] if rng.rand() < p_pos else None
    return dict(colour=colour, shape=shape, bg=bg, size=size, pos=pos)


def spec_prompt(spec):
    return make_prompt(spec["colour"], spec["shape"], spec["bg"], spec["size"], spec["pos"])


def render(spec, rng):
    """Draws the scene: returns uint8 [64, 64, 3]."""
    lo, hi = SIZES[spec["size"]] if spec["size"] else ANY_SIZE
    side = rng.uniform(lo, hi)
    if spec["pos"]:
        cx, cy = POSITIONS[spec["pos"]]
        cx += rng.uniform(-JITTER, JITTER)
        cy += rng.uniform(-JITTER, JITTER)
    else:
        cx = rng.uniform(side / 2, 1 - side / 2)
        cy = rng.uniform(side / 2, 1 - side / 2)
    img = np.empty((SIZE, SIZE, 3), np.uint8)
    img[:] = COLOURS[spec["bg"]]
    ys, xs = np.mgrid[0:SIZE, 0:SIZE]
    x = (xs + 0.5) / SIZE
    y = (ys + 0.5) / SIZE
    half = side / 2
    if spec["shape"] == "circle":
        m = (x - cx) ** 2 + (y - cy) ** 2 <= half ** 2
    elif spec["shape"] == "square":
        m = (np.abs(x - cx) <= half) & (np.abs(y - cy) <= half)
    else:  # isosceles triangle, apex up, base along the bottom of its box
        top = cy - half
        t = (y - top) / side  # 0 at apex, 1 at base
        m = (t >= 0) & (t <= 1) & (np.abs(x - cx) <= half * t)
    img[m] = COLOURS[spec["colour"]]
    return img
