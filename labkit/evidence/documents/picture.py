"""A procedurally drawn outdoor photo: sky, sun, hills, a city skyline, sensor noise.

Everything comes from the given ``random.Random`` and Pillow's deterministic
drawing primitives, so the same stream gives the same pixels on every machine.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFilter

Colour = tuple[int, int, int]

# (sky top, sky horizon, ground) for a clear day, an overcast day and an evening
_PALETTES: tuple[tuple[Colour, Colour, Colour], ...] = (
    ((58, 110, 190), (176, 208, 236), (96, 128, 62)),
    ((128, 138, 150), (205, 208, 212), (88, 104, 70)),
    ((44, 62, 128), (238, 160, 96), (70, 74, 52)),
    ((80, 150, 215), (214, 230, 242), (176, 156, 104)),
)


def _shade(colour: Colour, factor: float) -> Colour:
    return (
        max(0, min(255, int(colour[0] * factor))),
        max(0, min(255, int(colour[1] * factor))),
        max(0, min(255, int(colour[2] * factor))),
    )


def _vertical_gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _ridge(rng: random.Random, width: int, base: int, roughness: int) -> list[tuple[int, int]]:
    """A hill line as a random walk across the picture."""
    points, y, step = [], base, max(4, width // 48)
    for x in range(0, width + step, step):
        y += rng.randint(-roughness, roughness)
        y = max(base - 3 * roughness, min(base + 3 * roughness, y))
        points.append((x, y))
    return points


def _skyline(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, horizon: int, colour: Colour) -> None:
    x = rng.randint(0, width // 6)
    while x < width:
        building_width = rng.randint(width // 40 + 2, width // 12 + 3)
        top = horizon - rng.randint(horizon // 10 + 1, horizon // 2 + 2)
        tone = _shade(colour, rng.uniform(0.75, 1.15))
        draw.rectangle((x, top, x + building_width, horizon), fill=tone)
        window = max(2, building_width // 8)
        for window_y in range(top + window, horizon - window, window * 2):
            for window_x in range(x + window, x + building_width - window, window * 2):
                if rng.random() < 0.55:
                    lit = _shade(tone, rng.uniform(1.25, 1.6))
                    draw.rectangle(
                        (window_x, window_y, window_x + window - 1, window_y + window - 1), fill=lit
                    )
        x += building_width + rng.randint(0, width // 30 + 1)


def _ground_texture(
    draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int, horizon: int, ground: Colour
) -> None:
    """Tufts of grass and trees, larger towards the camera, so the ground is not a flat fill."""
    for _ in range(width * height // 1500):
        y = rng.randint(horizon, height - 1)
        size = 1 + (y - horizon) * 8 // max(1, height - horizon)
        x = rng.randint(0, width - 1)
        draw.ellipse((x, y, x + size * 2, y + size), fill=_shade(ground, rng.uniform(0.7, 1.2)))
    for _ in range(rng.randint(4, 14)):
        y = rng.randint(horizon + height // 40, height - 1)
        size = 3 + (y - horizon) * 40 // max(1, height - horizon)
        x = rng.randint(0, width - 1)
        draw.rectangle((x - size // 8, y - size, x + size // 8, y), fill=(74, 56, 40))
        draw.ellipse(
            (x - size, y - 3 * size, x + size, y - size), fill=_shade(ground, rng.uniform(0.45, 0.7))
        )


def draw_outdoor_scene(rng: random.Random, width: int, height: int) -> Image.Image:
    """An RGB picture of an outdoor scene that compresses like a real photo."""
    sky_top, horizon_colour, ground = rng.choice(_PALETTES)
    horizon = int(height * rng.uniform(0.45, 0.65))
    image = _vertical_gradient((width, height), sky_top, horizon_colour)
    draw = ImageDraw.Draw(image)
    if rng.random() < 0.6:
        radius = max(3, int(min(width, height) * rng.uniform(0.03, 0.07)))
        cx, cy = rng.randint(radius, width - radius), rng.randint(radius, max(radius + 1, horizon // 2))
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(255, 244, 214))
    for layer in range(3):
        base = horizon - int(height * 0.12) + layer * int(height * 0.06)
        ridge = _ridge(rng, width, base, max(1, height // 60))
        draw.polygon([*ridge, (width, height), (0, height)], fill=_shade(ground, 0.55 + 0.2 * layer))
    if rng.random() < 0.7:
        _skyline(draw, rng, width, horizon + int(height * 0.05), _shade(horizon_colour, 0.55))
    _ground_texture(draw, rng, width, height, horizon, ground)
    road_top = horizon + int(height * 0.08)
    draw.polygon(
        [(width // 2 - width // 50, road_top), (width // 2 + width // 50, road_top),
         (width * 3 // 4, height), (width // 4, height)],
        fill=(92, 92, 96),
    )  # fmt: skip
    image = image.filter(ImageFilter.GaussianBlur(radius=max(0.6, min(width, height) / 900)))
    noise = Image.frombytes("L", (width, height), rng.randbytes(width * height)).convert("RGB")
    return Image.blend(image, noise, 0.06)
