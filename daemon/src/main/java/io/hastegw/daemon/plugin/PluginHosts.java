package io.hastegw.daemon.plugin;

import io.hastegw.daemon.config.PluginsSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the process-isolated plugins of one run: each a {@link RemotePlugin} over a
 * {@link PluginProcess} with a private socket folder, all supervised by one thread; a plugin whose
 * host died {@code plugins.host.max_deaths} times is quarantined here (persisted, as after a crash
 * of an in-process plugin) and disabled.
 */
final class PluginHosts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHosts.class);

    private final PluginQuarantine quarantine;
    private final List<Path> folders = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService supervisor;

    PluginHosts(PluginQuarantine quarantine) {
        this.quarantine = quarantine;
    }

    /** The process-isolated plugin {@code id} of {@code c}, run as {@code loaded}. */
    RemotePlugin plugin(PluginCandidate c, String id, Path dataDir, PluginsSection config, LoadedPlugin loaded) {
        Path folder = folder(id);
        return new RemotePlugin(c.jars(), dataDir, config.stageTimeoutMs(), service -> new PluginProcess(id, config.host(), config.maxStuckCalls(),
                folder, supervisor(), service, new PluginProcess.Deaths() {
                    @Override
                    public void died(String why, int inWindow) {
                        // logged by the process; its calls meanwhile fail as HOST_DOWN
                    }

                    @Override
                    public void quarantine(String why) {
                        try {
                            quarantine.add(id, why);
                        } catch (IOException e) {
                            LOG.error("plugin {}: cannot save its quarantine: {}", id, e.getMessage());
                        }
                        loaded.quarantine(why);
                    }
                }));
    }

    private synchronized ScheduledExecutorService supervisor() {
        if (supervisor == null) {
            supervisor = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "plugin-hosts");
                t.setDaemon(true);
                return t;
            });
        }
        return supervisor;
    }

    /** A folder only the gateway's user can enter, for {@code id}'s socket. */
    private Path folder(String id) {
        try {
            Path f = Files.createTempDirectory("haste-plugin-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            folders.add(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the host of plugin " + id, e);
        }
    }

    @Override
    public synchronized void close() {
        if (supervisor != null) {
            supervisor.shutdownNow();
        }
        for (Path f : folders) {
            try (var files = Files.list(f)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", f, e.getMessage());
            }
        }
        folders.clear();
    }
}
