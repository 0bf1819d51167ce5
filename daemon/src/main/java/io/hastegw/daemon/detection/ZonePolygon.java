package io.hastegw.daemon.detection;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A zone's polygon in a camera's frame pixels, and the point-in-polygon rule: a point is inside
 * when a ray from it to the right crosses the polygon's edges an odd number of times (points on a
 * left or top edge count as inside, on a right or bottom edge as outside, so adjacent zones that
 * share an edge never both claim a point).
 */
public final class ZonePolygon {
    private final double[] xs;
    private final double[] ys;

    private ZonePolygon(double[] xs, double[] ys) {
        this.xs = xs;
        this.ys = ys;
    }

    /** The polygon of {@code points} ({@code [x, y]} each), which {@link #problem} found valid. */
    public static ZonePolygon of(List<List<Double>> points) {
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = points.get(i).get(0);
            ys[i] = points.get(i).get(1);
        }
        return new ZonePolygon(xs, ys);
    }

    /** Whether (x, y) lies inside. */
    public boolean contains(double x, double y) {
        boolean inside = false;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            if ((ys[i] > y) != (ys[j] > y)) {
                double cross = xs[j] + (y - ys[j]) * (xs[i] - xs[j]) / (ys[i] - ys[j]);
                if (x < cross) {
                    inside = !inside;
                }
            }
        }
        return inside;
    }

    /**
     * What is wrong with {@code points} as a zone of a {@code width x height} frame: too few
     * corners, a corner that is not two finite numbers or lies outside the frame, edges that cross
     * or touch beyond their shared corner (which also refuses corners on one line: a polygon
     * without area); empty when it is a valid zone.
     */
    public static Optional<String> problem(List<List<Double>> points, int width, int height) {
        if (points == null || points.size() < 3) {
            return Optional.of("must list at least 3 corners [x, y] (got " + (points == null ? 0 : points.size()) + ")");
        }
        for (int i = 0; i < points.size(); i++) {
            List<Double> p = points.get(i);
            if (p == null || p.size() != 2 || p.get(0) == null || p.get(1) == null || !Double.isFinite(p.get(0)) || !Double.isFinite(p.get(1))) {
                return Optional.of("corner " + i + " must be [x, y], two numbers (got " + p + ")");
            }
            if (p.get(0) < 0 || p.get(0) > width || p.get(1) < 0 || p.get(1) > height) {
                return Optional.of(String.format(Locale.ROOT, "corner %d [%s, %s] lies outside the camera's %dx%d frame (x 0 to %d, y 0 to %d)",
                        i, num(p.get(0)), num(p.get(1)), width, height, width, height));
            }
        }
        ZonePolygon z = of(points);
        int n = points.size();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                boolean adjacent = j == i + 1 || (i == 0 && j == n - 1);
                if (adjacent ? z.overlapping(i, j) : z.touching(i, j)) {
                    return Optional.of(String.format(Locale.ROOT, "crosses itself: edge %d (corners %d-%d) and edge %d (corners %d-%d) meet",
                            i, i, (i + 1) % n, j, j, (j + 1) % n));
                }
            }
        }
        return Optional.empty();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Whether non-adjacent edges i and j share any point. */
    private boolean touching(int i, int j) {
        int n = xs.length;
        int i2 = (i + 1) % n;
        int j2 = (j + 1) % n;
        double d1 = orient(j, j2, i);
        double d2 = orient(j, j2, i2);
        double d3 = orient(i, i2, j);
        double d4 = orient(i, i2, j2);
        if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
            return true;
        }
        return (d1 == 0 && onSegment(j, j2, i)) || (d2 == 0 && onSegment(j, j2, i2)) || (d3 == 0 && onSegment(i, i2, j))
                || (d4 == 0 && onSegment(i, i2, j2));
    }

    /** Whether adjacent edges i and j fold back on each other (collinear and overlapping beyond their shared corner). */
    private boolean overlapping(int i, int j) {
        int n = xs.length;
        int shared = j == i + 1 ? j : i;
        int a = j == i + 1 ? i : j;
        int b = j == i + 1 ? (j + 1) % n : (i + 1) % n;
        if (orient(a, shared, b) != 0) {
            return false;
        }
        double dx1 = xs[a] - xs[shared];
        double dy1 = ys[a] - ys[shared];
        double dx2 = xs[b] - xs[shared];
        double dy2 = ys[b] - ys[shared];
        return dx1 * dx2 + dy1 * dy2 > 0;
    }

    /** Cross product of (b - a) and (c - a): which side of line a-b corner c lies on. */
    private double orient(int a, int b, int c) {
        return (xs[b] - xs[a]) * (ys[c] - ys[a]) - (ys[b] - ys[a]) * (xs[c] - xs[a]);
    }

    /** Whether corner c, collinear with a-b, lies within segment a-b. */
    private boolean onSegment(int a, int b, int c) {
        return Math.min(xs[a], xs[b]) <= xs[c] && xs[c] <= Math.max(xs[a], xs[b]) && Math.min(ys[a], ys[b]) <= ys[c]
                && ys[c] <= Math.max(ys[a], ys[b]);
    }
}
