"""Stable Diffusion's parts, small: a CLIP-style text encoder, a VAE (64x64x3 <-> 16x16x4) and a
conditional U-Net with ResBlocks, GroupNorm, timestep embedding and cross-attention."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

TEXT_DIM = 64
MAX_LEN = 77
# The U-Net reads only the first CTX_TOKENS text positions: every prompt of the grammar fits (<= 13 tokens),
# and with causal attention those positions do not depend on the later ones, so training on 20-token
# sequences is exact for 77-token inputs.
CTX_TOKENS = 20


class TextEncoder(nn.Module):
    """CLIP-style: token + position embeddings, causal pre-norm transformer, final layer norm.
    pooler_output = the hidden state at the end token (CLIP takes argmax(input_ids): the end token
    has the highest id)."""

    def __init__(self, vocab_size, dim=TEXT_DIM, layers=2, heads=4):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.zeros(MAX_LEN, dim))
        nn.init.normal_(self.pos, std=0.01)
        self.layers = nn.ModuleList([Block(dim, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        mask = torch.full((MAX_LEN, MAX_LEN), float("-inf")).triu(1)
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, input_ids):
        ids = input_ids.long()
        n = ids.shape[1]
        x = self.tok(ids) + self.pos[:n]
        for layer in self.layers:
            x = layer(x, self.mask[:n, :n])
        x = self.norm(x)
        eot = ids.argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0]), eot]
        return x, pooled


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, dim * 2), nn.GELU(), nn.Linear(dim * 2, dim))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.ff(self.ln2(x))


def norm(c):
    return nn.GroupNorm(min(16, c // 4), c)


class Res(nn.Module):
    def __init__(self, cin, cout, temb=None):
        super().__init__()
        self.n1 = norm(cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout) if temb else None
        self.n2 = norm(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, t=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(t)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class Encoder(nn.Module):
    def __init__(self, ch=32, z=4):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, ch, 3, padding=1), Res(ch, ch),
            nn.Conv2d(ch, ch * 2, 3, stride=2, padding=1), Res(ch * 2, ch * 2),
            nn.Conv2d(ch * 2, ch * 2, 3, stride=2, padding=1), Res(ch * 2, ch * 2),
            norm(ch * 2), nn.SiLU(), nn.Conv2d(ch * 2, 2 * z, 3, padding=1))

    def forward(self, x):
        return self.net(x)


class Decoder(nn.Module):
    def __init__(self, ch=32, z=4):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(z, ch * 2, 3, padding=1), Res(ch * 2, ch * 2),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(ch * 2, ch * 2, 3, padding=1), Res(ch * 2, ch),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(ch, ch, 3, padding=1), Res(ch, ch),
            norm(ch), nn.SiLU(), nn.Conv2d(ch, 3, 3, padding=1))

    def forward(self, z):
        return self.net(z)


class CrossAttn(nn.Module):
    """Pre-norm cross-attention from image positions (queries) to text tokens, 1x1 convs in/out."""

    def __init__(self, c, ctx=TEXT_DIM, heads=4):
        super().__init__()
        self.heads = heads
        self.n = norm(c)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Linear(ctx, c)
        self.v = nn.Linear(ctx, c)
        self.o = nn.Conv2d(c, c, 1)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        hd = c // self.heads
        q = self.q(self.n(x)).reshape(b, self.heads, hd, h * w).transpose(2, 3)  # b,H,hw,hd
        k = self.k(ctx).reshape(b, -1, self.heads, hd).permute(0, 2, 3, 1)  # b,H,hd,L
        v = self.v(ctx).reshape(b, -1, self.heads, hd).transpose(1, 2)  # b,H,L,hd
        a = torch.softmax(q @ k / math.sqrt(hd), dim=-1)
        o = (a @ v).transpose(2, 3).reshape(b, c, h, w)
        return x + self.o(o)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class UNet(nn.Module):
    """16x16 latents: levels at 16, 8 and 4 pixels, cross-attention at 16 (cheap: 77 keys), 8 and 4."""

    def __init__(self, ch=(64, 128, 128), zc=4, temb=256):
        super().__init__()
        c1, c2, c3 = ch
        self.temb_dim = temb
        self.temb = nn.Sequential(nn.Linear(c1, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.inp = nn.Conv2d(zc, c1, 3, padding=1)
        self.d1 = Res(c1, c1, temb)
        self.a1 = CrossAttn(c1)
        self.down1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.d2 = Res(c1, c2, temb)
        self.a2 = CrossAttn(c2)
        self.down2 = nn.Conv2d(c2, c2, 3, stride=2, padding=1)
        self.m1 = Res(c2, c3, temb)
        self.ma = CrossAttn(c3)
        self.m2 = Res(c3, c3, temb)
        self.up2 = nn.Conv2d(c3, c3, 3, padding=1)
        self.u2 = Res(c3 + c2, c2, temb)
        self.ua2 = CrossAttn(c2)
        self.up1 = nn.Conv2d(c2, c2, 3, padding=1)
        self.u1 = Res(c2 + c1, c1, temb)
        self.ua1 = CrossAttn(c1)
        self.out = nn.Sequential(norm(c1), nn.SiLU(), nn.Conv2d(c1, zc, 3, padding=1))
        self.c1 = c1

    def forward(self, sample, timestep, encoder_hidden_states):
        t = timestep.reshape(-1).float()
        if t.shape[0] != sample.shape[0]:
            t = t.expand(sample.shape[0])
        te = self.temb(timestep_embedding(t, self.c1))
        ctx = encoder_hidden_states[:, :CTX_TOKENS]
        h1 = self.a1(self.d1(self.inp(sample), te), ctx)
        h2 = self.a2(self.d2(self.down1(h1), te), ctx)
        m = self.m2(self.ma(self.m1(self.down2(h2), te), ctx), te)
        u = self.up2(F.interpolate(m, scale_factor=2.0, mode="nearest"))
        u = self.ua2(self.u2(torch.cat([u, h2], 1), te), ctx)
        u = self.up1(F.interpolate(u, scale_factor=2.0, mode="nearest"))
        u = self.ua1(self.u1(torch.cat([u, h1], 1), te), ctx)
        return self.out(u)
