package io.hastegw.op.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * The cheapest-damage path from the dense model to the most compressed one: starting with every
 * layer dense, each step moves one layer to a more aggressive L, the move with the least damage
 * per MAC saved (layer effects taken as additive). Every step saves MACs and only ever makes a
 * layer more aggressive, so schedules read off the path are monotone: a later point never has
 * a larger L (or dense) on any layer than an earlier one.
 */
final class GreedyPath {
    private GreedyPath() {}

    /**
     * One point of the path.
     *
     * @param choice per layer, the index into its options (0 = dense)
     * @param saving predicted MACs saved
     * @param damage predicted damage
     */
    record Point(int[] choice, double saving, double damage) {}

    /**
     * The path over {@code options}: per layer, option 0 is dense ({@link LayerProbe#dense}), the
     * others its probes in decreasing L.
     */
    static List<Point> walk(List<List<LayerProbe>> options) {
        int layers = options.size();
        int[] choice = new int[layers];
        double saving = 0;
        double damage = 0;
        List<Point> path = new ArrayList<>(List.of(new Point(choice.clone(), 0, 0)));
        while (true) {
            int bestLayer = -1;
            int bestOption = -1;
            double bestRatio = Double.POSITIVE_INFINITY;
            double bestGain = 0;
            for (int i = 0; i < layers; i++) {
                LayerProbe now = options.get(i).get(choice[i]);
                for (int k = choice[i] + 1; k < options.get(i).size(); k++) {
                    LayerProbe next = options.get(i).get(k);
                    double gain = next.saving() - now.saving();
                    if (gain <= 0) {
                        continue;
                    }
                    double ratio = Math.max(0, next.damage() - now.damage()) / gain;
                    if (ratio < bestRatio || (ratio == bestRatio && gain > bestGain)) {
                        bestRatio = ratio;
                        bestGain = gain;
                        bestLayer = i;
                        bestOption = k;
                    }
                }
            }
            if (bestLayer < 0) {
                return path;
            }
            LayerProbe now = options.get(bestLayer).get(choice[bestLayer]);
            LayerProbe next = options.get(bestLayer).get(bestOption);
            saving += next.saving() - now.saving();
            damage += Math.max(0, next.damage() - now.damage());
            choice[bestLayer] = bestOption;
            path.add(new Point(choice.clone(), saving, damage));
        }
    }
}
