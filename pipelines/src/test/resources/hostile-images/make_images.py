"""Regenerates the hostile-input images of ImageFilesTest with Pillow (Debian python3-pil):
   /usr/bin/python3 make_images.py   (run in this folder)
Each is 16x8: the left half grey 84 (or the colour named), the right half white."""
from PIL import Image

def halves(mode, left, right):
    im = Image.new(mode, (16, 8), right)
    for x in range(8):
        for y in range(8):
            im.putpixel((x, y), left)
    return im

# CMYK JPEG (Pillow writes Adobe-inverted CMYK): grey 84 = K ink 171, no C/M/Y
halves("CMYK", (0, 0, 0, 171), (0, 0, 0, 0)).save("cmyk.jpg", quality=100)
# grey + alpha PNG, opaque
halves("LA", (84, 255), (255, 255)).save("grey-alpha.png")
# 16-bit grey PNG: 84 * 257
halves("I;16", 84 * 257, 65535).save("grey16.png")
# palette PNG: red left, white right
halves("RGB", (255, 0, 0), (255, 255, 255)).convert("P", palette=Image.ADAPTIVE, colors=4).save("palette.png")
# plain grey PNG
halves("L", 84, 255).save("grey.png")
# 1x1 red
Image.new("RGB", (1, 1), (255, 0, 0)).save("one-pixel.png")
