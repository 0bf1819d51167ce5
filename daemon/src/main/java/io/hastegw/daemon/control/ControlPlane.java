package io.hastegw.daemon.control;

import io.hastegw.daemon.config.ControlSection;
import io.hastegw.plugin.api.CompressionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the gateway needs to control compression, built once at start from the
 * configuration: the {@link AdaptiveControl} (start settings from the state file when one was
 * saved, else from the configuration), where settings persist, and the optional command
 * authorisation.
 *
 * @param control      the controller state
 * @param store        where the operator's settings persist (empty: not persisted)
 * @param auth         HMAC authorisation of commands (empty: the broker's ACL alone)
 * @param periodMs     the sampling period
 * @param startProblem a problem with the state file found at start (reported once connected), or null
 */
public record ControlPlane(AdaptiveControl control, Optional<ControlStateFile> store, Optional<CommandAuth> auth, long periodMs,
                           String startProblem) {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    /**
     * The control state operators see (retained {@code control/state}, acks, /status): the
     * controller's state, where settings persist and any problem with the state file, and whether
     * commands must be signed.
     */
    public Map<String, Object> state() {
        Map<String, Object> m = control.state();
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("path", store.map(s -> s.path().toString()).orElse(null));
        file.put("problem", startProblem);
        m.put("state_file", file);
        m.put("signed_commands", auth.isPresent());
        return m;
    }

    /** A configuration that cannot be put in force (bad key file, bounds the model lacks). */
    public static final class SetupException extends Exception {
        SetupException(String message) {
            super(message);
        }

        SetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Builds the control plane.
     *
     * @param c           the control configuration
     * @param fixedLevel  {@code model.level}: the level of fixed mode
     * @param timing      what the model's levels cost on this device
     * @param env         the environment (STATE_DIRECTORY)
     * @param policies    the compression policies plugins registered, by name
     * @param nowNanos    the time now
     */
    public static ControlPlane create(ControlSection c, int fixedLevel, ModelTiming timing, Map<String, String> env,
                                      Map<String, CompressionPolicy.Factory> policies, long nowNanos)
            throws SetupException {
        int levels = timing.levels();
        int max = c.maxLevel() < 0 ? levels - 1 : c.maxLevel();
        boolean derived = c.latencyTargetMs() == 0;
        ControlSettings configured = new ControlSettings(c.mode(), fixedLevel, c.minLevel(), max, c.policy(),
                derived ? AdaptiveControl.derivedTargetMs(timing.denseMillis()) : c.latencyTargetMs(), c.cpuBudgetPercent(), c.shedding());
        var problems = configured.problems(levels, policies.keySet());
        if (!problems.isEmpty()) {
            throw new SetupException("control settings do not fit the model and plugins: " + String.join("; ", problems)
                    .replace("min_level", "control.min_level").replace("max_level", "control.max_level").replace("policy must", "control.policy must")
                    .replace("policy '", "control.policy '"));
        }
        Optional<CommandAuth> auth = Optional.empty();
        if (c.hmacKeyFile() != null && !c.hmacKeyFile().isBlank()) {
            try {
                byte[] key = CommandAuth.keyFromFile(Files.readAllBytes(Path.of(c.hmacKeyFile())));
                auth = Optional.of(new CommandAuth(key, TimeUnit.SECONDS.toMillis(c.hmacWindowSeconds()), System.currentTimeMillis()));
            } catch (IOException e) {
                throw new SetupException("cannot read control.hmac_key_file " + c.hmacKeyFile() + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new SetupException("control.hmac_key_file " + c.hmacKeyFile() + ": " + e.getMessage(), e);
            }
        }
        Optional<ControlStateFile> store = ControlStateFile.locate(c.stateFile(), env);
        ControlSettings start = configured;
        String problem = null;
        if (store.isPresent()) {
            try {
                Optional<ControlSettings> saved = store.get().read(configured, levels, policies.keySet());
                if (saved.isPresent()) {
                    start = saved.get();
                    LOG.info("control: settings from {} (saved by an operator command): {}", store.get().path(), AdaptiveControl.settingsJson(start));
                }
            } catch (IOException e) {
                problem = e.getMessage() + "; ignored, the configured control settings are in force";
                LOG.error("control: {}", problem);
            }
        }
        Controller controller = new Controller(timing.relativeCosts(), start.controlMode() == ControlMode.FIXED ? start.level() : start.minLevel(), c.maxShedEvery(),
                TimeUnit.MILLISECONDS.toNanos(c.dwellMs()), nowNanos);
        AdaptiveControl control = new AdaptiveControl(start, c, timing, controller, policies, nowNanos);
        return new ControlPlane(control, store, auth, c.samplePeriodMs(), problem);
    }
}
