#!/usr/bin/env python3
"""Writes the seed corpora in corpus/<target>/ (committed; re-run after
changing an input format). Each seed is a realistic session encoded in
the byte format its fuzz target decodes; see the targets' comments.
Usage: make_corpus.py [OUT_DIR] (default: corpus/ next to this file).

The ring seeds follow tests/data/real-xen/
displif-requests-modetest-1conn.txt: modetest -s <conn>:800x600 -v on a
real xen-drm-front (two 800x600 XRGB8888 dumb buffers of 469 pages each,
SET_CONFIG, PG_FLIPs alternating, FB_DETACH). The XenStore seeds read
tests/data/real-xen/xenstore-frontend-connected.txt."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL_XEN = os.path.join(HERE, '..', 'data', 'real-xen')

# fuzz_displ_ring.c: enum action
(A_REQ, A_REQ_RAW, A_KICK, A_DISPATCH, A_FLIP_DONE, A_EVT_CONSUME,
 A_EVT_FIRE, A_REQ_PROD, A_RING_POKE, A_IN_CONS, A_BUF_NEW, A_DIR_POKE,
 A_REVOKE, A_PRES_MODE, A_STORE_POKE, A_RECONNECT) = range(16)
# act_request's op table
R_CREATE, R_DESTROY, R_ATTACH, R_DETACH, R_SETCFG, R_FLIP, R_EDID = range(7)
# pick_dim: low 2 bits 0 = table index in bits 2..4
DIM = {800: 0x00, 600: 0x04, 1024: 0x08, 0: 0x0c, 1: 0x10, 4096: 0x14}
# act_buf_new size table index
SIZE_469 = 4
XRGB8888 = 2  # index in displ_formats.c


def dim(v):
    if v in DIM:
        return bytes([DIM[v]])
    return bytes([2]) + struct.pack('<H', v)


class Ring:
    def __init__(self, conns=1, version=0, be_alloc=False, dmabuf=False,
                 sync=False, trace=False, per_turn=64, flips=8):
        flip_code = {1: 0, 2: 1, 4: 2}.get(flips, 3)
        b = (conns - 1) | version << 2 | be_alloc << 4 | dmabuf << 5 | \
            sync << 6 | trace << 7
        self.out = bytes([b, (per_turn - 1) | flip_code << 6])

    def act(self, a, ci=0, payload=b''):
        self.out += bytes([a, ci]) + payload

    def buf(self, slot, size_idx=SIZE_469, dir_only=False):
        self.act(A_BUF_NEW, 0, bytes([slot, size_idx | dir_only << 7]))

    def create(self, ck, w, h, slot, ci=0, alloc=False):
        self.act(A_REQ, ci, bytes([R_CREATE, ck]) + dim(w) + dim(h) +
                 bytes([0, 0, 0, 1 if alloc else 0, slot]))

    def attach(self, fb, db, w, h, ci=0):
        self.act(A_REQ, ci, bytes([R_ATTACH, fb, db]) + dim(w) + dim(h) +
                 bytes([XRGB8888]))

    def set_config(self, fb, w, h, ci=0, x=0):
        xs = dim(1) + dim(x) if x else dim(800)
        self.act(A_REQ, ci, bytes([R_SETCFG, fb]) + xs + dim(800) +
                 dim(w) + dim(h))

    def simple(self, op, ck, ci=0):
        self.act(A_REQ, ci, bytes([op, ck]))

    def edid(self, slot, ci=0):
        self.act(A_REQ, ci, bytes([R_EDID, slot, 0]))

    def kick(self, ci=0):
        self.act(A_KICK, ci)

    def done(self, ci=0):
        self.act(A_FLIP_DONE, ci)
        self.act(A_EVT_CONSUME, ci)


def modetest(r, be_alloc=False, flips=12):
    r.buf(0, dir_only=be_alloc)
    r.create(1, 800, 600, 0, alloc=be_alloc)
    r.kick()
    r.attach(1, 1, 800, 600)
    r.kick()
    r.set_config(1, 800, 600)
    r.kick()
    r.buf(1, dir_only=be_alloc)
    r.create(2, 800, 600, 1, alloc=be_alloc)
    r.kick()
    r.attach(2, 2, 800, 600)
    r.kick()
    for i in range(flips):
        r.simple(R_FLIP, 2 if i % 2 == 0 else 1)
        r.kick()
        if i % 3 != 2:
            r.done()
    r.act(A_DISPATCH)
    r.simple(R_DETACH, 1)
    r.simple(R_DETACH, 2)
    r.simple(R_DESTROY, 1)
    r.simple(R_DESTROY, 2)
    r.kick()
    return r


def ring_seeds():
    s = {}
    s['modetest-1conn'] = modetest(Ring()).out
    s['modetest-be-alloc'] = modetest(Ring(be_alloc=True)).out
    s['modetest-be-alloc-dmabuf'] = modetest(Ring(be_alloc=True,
                                                  dmabuf=True)).out
    s['modetest-dmabuf-sync'] = modetest(Ring(dmabuf=True, sync=True,
                                              trace=True)).out
    # Connectors 800x600 and 1024x768 side by side on one 1824x768 fb
    # (Linux shares one wide fb between CRTCs), and a protocol-2 EDID.
    r = Ring(conns=2, version=2)
    r.buf(0, size_idx=9)
    r.create(1, 1824, 768, 0)
    r.attach(1, 1, 1824, 768)
    r.set_config(1, 800, 600, ci=0)
    r.kick()
    r.set_config(1, 800, 600, ci=1, x=800)
    r.kick(1)
    r.buf(2, size_idx=0)
    r.edid(2, ci=1)
    r.simple(R_FLIP, 1, ci=1)
    r.kick(1)
    r.done(1)
    s['two-conns-edid'] = r.out
    # A hostile guest: req_prod far ahead, a scribbled ring, a directory
    # that loops, then a reconnect.
    r = modetest(Ring(per_turn=4, flips=2), flips=3)
    r.act(A_DIR_POKE, 0, bytes([0, 0, 0]) + struct.pack('<H', 0))
    r.create(3, 800, 600, 0)
    r.act(A_REQ_PROD, 0, bytes([0xff]) + struct.pack('<I', 1000))
    r.kick()
    r.act(A_RING_POKE, 0, struct.pack('<HI', 1, 7))
    r.kick()
    r.act(A_DISPATCH)
    r.act(A_RECONNECT)
    s['hostile-reconnect'] = r.out
    return s


def dir_seeds():
    # mode (bit0 fill, bit7 wrong domain), npages pick, ndir pages, page
    # flags, detour count + detours, first ref pick
    s = {}
    s['chain-469-read'] = bytes([0, 4, 0, 0, 0, 0])
    s['chain-1023-fill'] = bytes([1, 2, 1, 0, 0, 0, 0])
    s['loop'] = bytes([0, 7, 2, 0, 0, 0, 1, 2, 0, 0])
    s['huge'] = bytes([0, 6, 3, 0, 0, 0, 0, 0])
    return s


def xs_seeds():
    fe = '/local/domain/1/device/vdispl/0/'
    src = os.path.join(REAL_XEN, 'xenstore-frontend-connected.txt')
    lines = []
    with open(src) as f:
        for line in f:
            path, _, rest = line.partition(' = ')
            if path.startswith(fe):
                lines.append('%s=%s' % (path[len(fe):],
                                        rest.split('"')[1]))
    first = [l for l in lines if l.startswith('0/resolution')]
    body = first + [l for l in lines if l not in first]
    s = {'real-two-conns': b'\x10' + '\n'.join(body).encode()}
    s['version2-beallo'] = b'\x01' + '\n'.join(
        ['0/resolution=16384x1'] + body[1:] + ['version=2', 'be-alloc=1']
    ).encode()
    return s


def edid_seeds():
    return {'%dx%d' % (w, h): struct.pack('<IIB', w, h, 0)
            for w, h in ((800, 600), (1024, 768), (4095, 4095), (1, 1),
                         (4096, 600), (0, 0))}


def write(out, target, seeds):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, 'seed-' + name), 'wb') as f:
            f.write(data)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'corpus')
    write(out, 'fuzz_displ_ring', ring_seeds())
    write(out, 'fuzz_displ_dir', dir_seeds())
    write(out, 'fuzz_displ_xs', xs_seeds())
    write(out, 'fuzz_displ_edid', edid_seeds())
    return 0


if __name__ == '__main__':
    sys.exit(main())
