package io.hastegw.plugins.energy;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in energy model, {@code profile} (docs/energy.md): the board's power profile, chosen
 * by {@code profile} ({@code auto}: from {@code device_model_file}, /proc/device-tree/model, on
 * ARM boards; x86 on x86-64), with {@code idle_watts}, {@code active_watts} and
 * {@code picojoules_per_mac} replacing the profile's figures when above 0. On a board no profile
 * matches it registers nothing and says so: predictions then carry no estimate.
 */
public final class EnergyProfilesPlugin implements Plugin {
    /** Where Linux names an ARM board. */
    static final String DEVICE_MODEL_FILE = "/proc/device-tree/model";

    @Override
    public void init(PluginContext context, Extensions extensions) {
        Map<String, Object> c = context.config();
        String profile = (String) c.getOrDefault("profile", "auto");
        Optional<String> deviceModel = deviceModel(Path.of((String) c.getOrDefault("device_model_file", DEVICE_MODEL_FILE)));
        Optional<DeviceProfile> chosen = profile.equals("auto") ? DeviceProfile.detect(deviceModel, System.getProperty("os.arch"))
                : DeviceProfile.named(profile);
        if (chosen.isEmpty()) {
            context.logger().log(System.Logger.Level.WARNING, "no device profile for this board (" + deviceModel.orElse("no device-tree model")
                    + ", " + System.getProperty("os.arch") + "); predictions carry no energy estimate until plugins.settings.energy-profiles"
                    + ".config.profile is set");
            return;
        }
        DeviceProfile p = chosen.get().overridden(number(c, "idle_watts"), number(c, "active_watts"), number(c, "picojoules_per_mac"));
        if (p.activeWatts() <= p.idleWatts()) {
            throw new IllegalArgumentException("active_watts " + p.activeWatts() + " must be more than idle_watts " + p.idleWatts());
        }
        extensions.energyModel("profile", new ProfileEnergyModel(p));
    }

    private static double number(Map<String, Object> c, String key) {
        return ((Number) c.getOrDefault(key, 0)).doubleValue();
    }

    /** The device tree's model name, NULs and blanks removed; empty when there is none (x86, containers). */
    static Optional<String> deviceModel(Path file) {
        try {
            String model = Files.readString(file).replace("\0", "").trim();
            return model.isEmpty() ? Optional.empty() : Optional.of(model);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
