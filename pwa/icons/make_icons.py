#!/usr/bin/env python3
"""Draw the swe-swe app icons as PNG files with the standard library only (zlib + struct).

The mark: a teal rounded square holding a chat bubble with a terminal prompt ("›_") in it.
- icon-192.png, icon-512.png: the rounded square on a transparent background ("any" purpose)
- icon-maskable-512.png: full-bleed background, the mark inside the 80 % safe zone ("maskable")
- apple-touch-icon.png (180), favicon-32.png

Run from anywhere: `python3 pwa/icons/make_icons.py`; it writes next to itself.
Shapes are rendered with 4×4 supersampling for smooth edges.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

TEAL_TOP = (20, 150, 136)
TEAL_BOTTOM = (13, 92, 86)
BUBBLE = (255, 255, 255)
INK = (13, 92, 86)
ACCENT = (251, 191, 36)  # the cursor


def rounded_rect(x: float, y: float, x0: float, y0: float, x1: float, y1: float, r: float) -> bool:
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def in_triangle(px: float, py: float, a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> bool:
    def sign(p1, p2, p3):
        return (p1[0] - p3[0]) * (p2[1] - p3[1]) - (p2[0] - p3[0]) * (p1[1] - p3[1])

    p = (px, py)
    d1, d2, d3 = sign(p, a, b), sign(p, b, c), sign(p, c, a)
    neg = d1 < 0 or d2 < 0 or d3 < 0
    pos = d1 > 0 or d2 > 0 or d3 > 0
    return not (neg and pos)


def near_segment(px: float, py: float, a: tuple[float, float], b: tuple[float, float], width: float) -> bool:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    qx, qy = ax + t * dx, ay + t * dy
    return math.hypot(px - qx, py - qy) <= width / 2


def shade(u: float, v: float, maskable: bool) -> tuple[int, int, int, int] | None:
    """Colour at (u, v) in the unit square, or None for transparent."""
    if maskable:
        inside_tile = True
        # the whole mark scaled into the central 80 % safe zone
        s, o = 0.8, 0.1
        mu, mv = (u - o) / s, (v - o) / s
    else:
        inside_tile = rounded_rect(u, v, 0.0, 0.0, 1.0, 1.0, 0.22)
        mu, mv = u, v
    if not inside_tile:
        return None
    t = v
    bg = tuple(round(TEAL_TOP[i] * (1 - t) + TEAL_BOTTOM[i] * t) for i in range(3))

    # chat bubble with a tail at the lower left
    in_bubble = rounded_rect(mu, mv, 0.18, 0.22, 0.82, 0.70, 0.12) or in_triangle(mu, mv, (0.26, 0.64), (0.42, 0.66), (0.22, 0.82))
    if not in_bubble:
        return (*bg, 255)
    # the prompt chevron "›" and the cursor "_"
    if near_segment(mu, mv, (0.31, 0.36), (0.43, 0.46), 0.065) or near_segment(mu, mv, (0.43, 0.46), (0.31, 0.56), 0.065):
        return (*INK, 255)
    if rounded_rect(mu, mv, 0.50, 0.52, 0.69, 0.585, 0.02):
        return (*ACCENT, 255)
    return (*BUBBLE, 255)


def render(size: int, maskable: bool, samples: int = 4) -> bytes:
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type 0
        for x in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(samples):
                for sx in range(samples):
                    u = (x + (sx + 0.5) / samples) / size
                    v = (y + (sy + 0.5) / samples) / size
                    c = shade(u, v, maskable)
                    if c is None:
                        continue
                    a = c[3] / 255
                    acc[0] += c[0] * a
                    acc[1] += c[1] * a
                    acc[2] += c[2] * a
                    acc[3] += a
            n = samples * samples
            alpha = acc[3] / n
            if alpha > 0:
                rgb = [round(acc[i] / acc[3]) for i in range(3)]
            else:
                rgb = [0, 0, 0]
            row += bytes([*rgb, round(alpha * 255)])
        rows.append(bytes(row))
    return b"".join(rows)


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    outputs = {
        "icon-192.png": (192, False),
        "icon-512.png": (512, False),
        "icon-maskable-512.png": (512, True),
        "apple-touch-icon.png": (180, True),  # iOS rounds the corners itself and dislikes transparency
        "favicon-32.png": (32, False),
    }
    for name, (size, maskable) in outputs.items():
        data = png(size, render(size, maskable, samples=4 if size <= 192 else 3))
        (HERE / name).write_bytes(data)
        print(f"{name}: {size}×{size}, {len(data)} bytes")


if __name__ == "__main__":
    main()
