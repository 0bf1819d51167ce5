package io.hastegw.op.reference;

import io.hastegw.op.transform.MergeMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain-Java reference of one HASTE convolution (HASTE.md, whole-map hashing), written as
 * readable loops without ONNX Runtime, so that the ONNX graph can be checked against it.
 * Sums are accumulated in double.
 */
public final class HasteConvReference {
    private HasteConvReference() {}

    /**
     * The result of one HASTE convolution.
     *
     * @param output  {@code [O][Ho][Wo]}
     * @param buckets input channels per bucket, buckets in ascending code order
     */
    public record Result(float[] output, List<List<Integer>> buckets) {
        /** Number of channels actually convolved (C_red). */
        public int reducedChannels() {
            return buckets.size();
        }
    }

    /** The dense convolution of {@code x} ({@code [C][h][w]}) with {@code conv}; output {@code [O][Ho][Wo]}. */
    public static float[] dense(ConvSpec conv, float[] x, int h, int w) {
        return convolve(conv.weights(), conv.bias(), conv, conv.in(), x, h, w);
    }

    /**
     * HASTE: hash the channels of {@code x} ({@code [C][h][w]}) with the first {@code l} of the
     * hyperplanes {@code r} ({@code [h*w][lmax]}), merge channels with identical codes (inputs
     * averaged, filter slices summed) and convolve the merged channels. {@code l = 0} is the
     * dense path: every channel is its own bucket.
     */
    public static Result haste(ConvSpec conv, float[] x, int h, int w, float[] r, int lmax, int l) {
        return haste(conv, x, h, w, new Hash(r, lmax, l, 1, MergeMode.MEAN));
    }

    /**
     * How a layer hashes and merges.
     *
     * @param r      the hyperplanes, {@code [hashed pixels][lmax]}
     * @param lmax   the hyperplanes stored
     * @param l      the hyperplanes used (0: dense, every channel its own bucket)
     * @param stride the hash grid's stride
     * @param merge  how filter slices enter their bucket's sum
     */
    public record Hash(float[] r, int lmax, int l, int stride, MergeMode merge) {}

    /**
     * HASTE as above, as {@code hash} says: hashing on the pixels of a grid of {@code stride} ({@code r}: {@code
     * [ceil(h/stride) * ceil(w/stride)][lmax]}) and merging with {@code merge}: for {@link
     * MergeMode#SCALE} every filter slice enters its bucket's sum multiplied by its channel's scale
     * {@code <x_c, m> / <m, m>} against the bucket's mean m, both on the hashed pixels.
     */
    public static Result haste(ConvSpec conv, float[] x, int h, int w, Hash hash) {
        float[] r = hash.r();
        int lmax = hash.lmax();
        int l = hash.l();
        int stride = hash.stride();
        MergeMode merge = hash.merge();
        int c = conv.in();
        int pixels = h * w;
        float[] xs = subsample(x, c, h, w, stride);
        int hashed = xs.length / c;
        List<List<Integer>> buckets = l == 0 ? singletons(c) : buckets(codes(xs, c, hashed, r, lmax, l));
        double[] scale = merge == MergeMode.SCALE ? scales(xs, hashed, buckets, c) : ones(c);
        int cr = buckets.size();
        float[] mergedX = new float[cr * pixels];
        int kk = conv.kh() * conv.kw();
        float[] mergedW = new float[conv.out() * cr * kk];
        for (int b = 0; b < cr; b++) {
            List<Integer> members = buckets.get(b);
            for (int p = 0; p < pixels; p++) {
                double sum = 0;
                for (int ch : members) {
                    sum += x[ch * pixels + p];
                }
                mergedX[b * pixels + p] = (float) (sum / members.size());
            }
            for (int o = 0; o < conv.out(); o++) {
                for (int k = 0; k < kk; k++) {
                    double sum = 0;
                    for (int ch : members) {
                        sum += scale[ch] * conv.weights()[(o * c + ch) * kk + k];
                    }
                    mergedW[(o * cr + b) * kk + k] = (float) sum;
                }
            }
        }
        return new Result(convolve(mergedW, conv.bias(), conv, cr, mergedX, h, w), buckets);
    }

    /**
     * Patch-wise HASTE (HASTE.md, the journal variant): {@code x} padded with the convolution's
     * pads, its output cut into tiles of {@code tile x tile} pixels, and each tile computed by
     * {@link #haste} from its own input window ({@code (tile - 1) * stride + (k - 1) * dilation + 1}
     * pixels a side, overlapping its neighbours by the kernel's halo) without padding, hashed with
     * {@code r} ({@code [window pixels on the hash grid][lmax]}). The result's buckets are every
     * tile's in turn, so its channel count is the sum over the tiles.
     */
    public static Result hastePatched(ConvSpec conv, float[] x, int h, int w, Hash hash, int tile) {
        int c = conv.in();
        int[] pads = conv.pads();
        int hp = h + pads[0] + pads[2];
        int wp = w + pads[1] + pads[3];
        float[] padded = new float[c * hp * wp];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(x, (ch * h + y) * w, padded, (ch * hp + y + pads[0]) * wp + pads[1], w);
            }
        }
        ConvSpec unpadded = new ConvSpec(conv.weights(), conv.bias(), conv.out(), c, conv.kh(), conv.kw(), conv.strides(),
                new int[] {0, 0, 0, 0}, conv.dilations());
        int ho = conv.outHeight(h);
        int wo = conv.outWidth(w);
        int windowH = (tile - 1) * conv.strides()[0] + (conv.kh() - 1) * conv.dilations()[0] + 1;
        int windowW = (tile - 1) * conv.strides()[1] + (conv.kw() - 1) * conv.dilations()[1] + 1;
        float[] output = new float[conv.out() * ho * wo];
        List<List<Integer>> buckets = new ArrayList<>();
        for (int ty = 0; ty < ho / tile; ty++) {
            for (int tx = 0; tx < wo / tile; tx++) {
                int y0 = ty * tile * conv.strides()[0];
                int x0 = tx * tile * conv.strides()[1];
                float[] window = new float[c * windowH * windowW];
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < windowH; y++) {
                        System.arraycopy(padded, (ch * hp + y0 + y) * wp + x0, window, (ch * windowH + y) * windowW, windowW);
                    }
                }
                Result part = haste(unpadded, window, windowH, windowW, hash);
                buckets.addAll(part.buckets());
                for (int o = 0; o < conv.out(); o++) {
                    for (int y = 0; y < tile; y++) {
                        System.arraycopy(part.output(), (o * tile + y) * tile, output, (o * ho + ty * tile + y) * wo + tx * tile, tile);
                    }
                }
            }
        }
        return new Result(output, buckets);
    }

    /**
     * The hash code of every channel: centre across channels at each pixel, project onto the
     * first {@code l} hyperplanes, bit j set iff the projection is strictly positive.
     */
    public static long[] codes(float[] x, int c, int pixels, float[] r, int lmax, int l) {
        double[] mean = new double[pixels];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < pixels; p++) {
                mean[p] += x[ch * pixels + p];
            }
        }
        for (int p = 0; p < pixels; p++) {
            mean[p] /= c;
        }
        long[] codes = new long[c];
        for (int ch = 0; ch < c; ch++) {
            for (int j = 0; j < l; j++) {
                double projection = 0;
                for (int p = 0; p < pixels; p++) {
                    projection += (x[ch * pixels + p] - mean[p]) * r[p * lmax + j];
                }
                if (projection > 0) {
                    codes[ch] |= 1L << j;
                }
            }
        }
        return codes;
    }

    /** The pixels of {@code x} ({@code [c][h][w]}) on rows and columns 0, stride, 2 stride, ... */
    public static float[] subsample(float[] x, int c, int h, int w, int stride) {
        int hs = (h + stride - 1) / stride;
        int ws = (w + stride - 1) / stride;
        float[] out = new float[c * hs * ws];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < hs; y++) {
                for (int i = 0; i < ws; i++) {
                    out[(ch * hs + y) * ws + i] = x[(ch * h + y * stride) * w + i * stride];
                }
            }
        }
        return out;
    }

    /** Each channel's least-squares scale against its bucket's mean (1 for a bucket of one or a zero mean). */
    private static double[] scales(float[] xs, int pixels, List<List<Integer>> buckets, int c) {
        double[] scale = ones(c);
        for (List<Integer> members : buckets) {
            if (members.size() == 1) {
                continue;
            }
            double[] mean = new double[pixels];
            for (int ch : members) {
                for (int p = 0; p < pixels; p++) {
                    mean[p] += xs[ch * pixels + p] / (double) members.size();
                }
            }
            double norm = 0;
            for (double m : mean) {
                norm += m * m;
            }
            for (int ch : members) {
                double dot = 0;
                for (int p = 0; p < pixels; p++) {
                    dot += xs[ch * pixels + p] * mean[p];
                }
                scale[ch] = norm > 0 ? dot / norm : 1;
            }
        }
        return scale;
    }

    private static double[] ones(int c) {
        double[] a = new double[c];
        Arrays.fill(a, 1);
        return a;
    }

    private static List<List<Integer>> buckets(long[] codes) {
        Map<Long, List<Integer>> byCode = new TreeMap<>();
        for (int ch = 0; ch < codes.length; ch++) {
            byCode.computeIfAbsent(codes[ch], k -> new ArrayList<>()).add(ch);
        }
        return new ArrayList<>(byCode.values());
    }

    private static List<List<Integer>> singletons(int c) {
        List<List<Integer>> b = new ArrayList<>();
        for (int ch = 0; ch < c; ch++) {
            b.add(List.of(ch));
        }
        return b;
    }

    /** Direct convolution of {@code x} ({@code [cin][h][w]}) with weights {@code [O][cin][kh][kw]}. */
    private static float[] convolve(float[] weights, float[] bias, ConvSpec conv, int cin, float[] x, int h, int w) {
        int ho = conv.outHeight(h);
        int wo = conv.outWidth(w);
        float[] y = new float[conv.out() * ho * wo];
        for (int o = 0; o < conv.out(); o++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    double acc = bias == null ? 0 : bias[o];
                    for (int ci = 0; ci < cin; ci++) {
                        for (int ky = 0; ky < conv.kh(); ky++) {
                            int iy = oy * conv.strides()[0] - conv.pads()[0] + ky * conv.dilations()[0];
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < conv.kw(); kx++) {
                                int ix = ox * conv.strides()[1] - conv.pads()[1] + kx * conv.dilations()[1];
                                if (ix < 0 || ix >= w) {
                                    continue;
                                }
                                acc += weights[((o * cin + ci) * conv.kh() + ky) * conv.kw() + kx] * x[(ci * h + iy) * w + ix];
                            }
                        }
                    }
                    y[(o * ho + oy) * wo + ox] = (float) acc;
                }
            }
        }
        return y;
    }
}
