package io.hastegw.daemon;

import io.hastegw.daemon.plugin.PluginRuntime;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shutdown hook that names who ended the process when it was not the gateway's own stop: the
 * thread that called {@code System.exit}, the plugin call it was in (from the call ledger) and
 * where. ({@code Runtime.halt} runs no hooks: the call ledger alone attributes it at the next start.)
 */
final class ExitWitness {
    private static final Logger LOG = LoggerFactory.getLogger(ExitWitness.class);

    private ExitWitness() {}

    /** Registers the hook for {@code plugins}; returns it (to remove it after a clean stop). */
    static Thread register(PluginRuntime plugins) {
        Thread hook = new Thread(() -> report(plugins, Thread.getAllStackTraces()), "haste-exit-witness");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Removes {@code hook} (after a clean stop); nothing when the process is already exiting. */
    static void remove(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the process is exiting: the hook runs
        }
    }

    /** Logs the thread among {@code stacks} that is in {@code Runtime.exit}, unless it is the gateway's own stop. */
    static void report(PluginRuntime plugins, Map<Thread, StackTraceElement[]> stacks) {
        stacks.forEach((thread, stack) -> {
            boolean exiting = Arrays.stream(stack).anyMatch(f -> f.getClassName().equals("java.lang.Runtime") && f.getMethodName().equals("exit"));
            boolean ownStop = Arrays.stream(stack).anyMatch(f -> f.getClassName().equals(RunningGateway.class.getName()));
            if (exiting && !ownStop) {
                int last = 0;
                for (int i = 0; i < stack.length; i++) {
                    String c = stack[i].getClassName();
                    if (c.equals("java.lang.System") || c.equals("java.lang.Runtime")) {
                        last = i + 1;
                    }
                }
                String where = Arrays.stream(stack).skip(last).limit(6).map(StackTraceElement::toString).collect(Collectors.joining(" <- "));
                LOG.error("the process is exiting: System.exit was called on thread '{}' {}, at {}", thread.getName(),
                        plugins.callOn(thread).map(c -> "in " + c).orElse("outside any plugin call"), where);
            }
        });
    }
}
