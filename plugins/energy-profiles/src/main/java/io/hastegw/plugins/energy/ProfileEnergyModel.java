package io.hastegw.plugins.energy;

import io.hastegw.plugin.api.EnergyModel;
import java.util.Locale;

/**
 * The built-in energy model: {@code E = MACs x e_mac + active time x (P_active - P_idle) x
 * threads / cores}. The first term is the arithmetic itself; the second is what the board draws
 * above idle while the inference keeps {@code threads} of its cores busy (P_active is the board
 * with all cores busy, so one core's share is a fraction of the difference).
 */
public record ProfileEnergyModel(DeviceProfile profile) implements EnergyModel {
    @Override
    public String method() {
        return String.format(Locale.ROOT, "estimate, profile %s: MACs x %.1f pJ + active ms x (%.1f W - %.1f W) x threads/%d",
                profile.id(), profile.picojoulesPerMac(), profile.activeWatts(), profile.idleWatts(), profile.cores());
    }

    @Override
    public double millijoules(long macs, double activeMillis, int threads) {
        double share = Math.min(threads, profile.cores()) / (double) profile.cores();
        return macs * profile.picojoulesPerMac() * 1e-9 + activeMillis * (profile.activeWatts() - profile.idleWatts()) * share;
    }
}
