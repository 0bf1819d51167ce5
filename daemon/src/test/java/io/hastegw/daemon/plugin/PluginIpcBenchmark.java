package io.hastegw.daemon.plugin;

import io.hastegw.daemon.TestPlugins;
import io.hastegw.daemon.config.PluginsSection;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.ScoredLabel;
import io.hastegw.pluginhost.StageKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a stage call costs across the process boundary (not a test; issue 22's IPC target): a
 * post-processor (10 scores, 3 labels, a frame with a 12 KB JPEG payload: a prediction-sized call)
 * and a decoder handed a 100 KB payload, each called 20,000 times from one thread on a plugin
 * host ({@code isolation: process}), and the same code called in-process, in one run; prints
 * p50 and p99. Usage: {@code java -cp daemon/target/test-classes:daemon/target/haste-gateway-daemon-0.1.0-SNAPSHOT-all.jar
 * io.hastegw.daemon.plugin.PluginIpcBenchmark}.
 */
public final class PluginIpcBenchmark {
    private static final int CALLS = 20_000;

    private PluginIpcBenchmark() {}

    /** Prints one line per stage: p50 and p99 across the boundary and in-process. */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("haste-ipc");
        ScheduledExecutorService supervisor = Executors.newScheduledThreadPool(1);
        try {
            String post = "return labels.stream().map(l -> new ScoredLabel(l.index(), \"seen:\" + l.label(), l.score())).toList();";
            Path jar = TestPlugins.plugin(dir.resolve("ipc.jar"), "ipc", "test.ipc.P", Map.of("test.ipc.P", "package test.ipc;\n"
                    + "import io.hastegw.plugin.api.*;\nimport java.util.*;\n"
                    + "public final class P implements Plugin {\n"
                    + "  public void init(PluginContext context, Extensions extensions) {\n"
                    + "    extensions.postProcessor(\"step\", (scores, labels, frame) -> {\n" + post + "\n    });\n"
                    + "    extensions.decoder(\"grey\", new FrameDecoder() {\n"
                    + "      public boolean supports(String f) { return f.equals(\"grey\"); }\n"
                    + "      public Image decode(byte[] p, String f) { return new Image(4, 4, 1, Arrays.copyOf(p, 16)); }\n"
                    + "    });\n  }\n}\n"), List.of());
            PluginsSection.HostLimits limits = new PluginsSection.HostLimits(64, 64, 384, 3, 600);
            RemotePlugin plugin = new RemotePlugin(List.of(jar), dir.resolve("data"), 2000, service -> new PluginProcess("ipc", limits, 2,
                    dir, supervisor, service, new PluginProcess.Deaths() {
                        @Override
                        public void died(String why, int inWindow) {
                            System.out.println("host died: " + why);
                        }

                        @Override
                        public void quarantine(String why) {
                            System.out.println("quarantined: " + why);
                        }
                    }));
            Host host = new Host("bench", new ModelInfo("m", 3, 32, 32, List.of("a", "b", "c"), false),
                    new PipelineLimits(1 << 20, 1 << 22, 1 << 26, 2000), p -> new byte[0], dir.resolve("data"), null);
            StageRegistry stages = new StageRegistry("ipc");
            plugin.init(new DaemonPluginContext("ipc", host, Map.of(), new SimpleMeterRegistry(), () -> supervisor), stages);
            PostProcessor remotePost = stages.of(StageKind.POST_PROCESSOR, PostProcessor.class).get(0).stage();
            FrameDecoder remoteDecoder = stages.of(StageKind.DECODER, FrameDecoder.class).get(0).stage();
            PostProcessor localPost = (scores, labels, frame) -> labels.stream().map(l -> new ScoredLabel(l.index(), "seen:" + l.label(), l.score()))
                    .toList();
            float[] scores = new float[10];
            List<ScoredLabel> labels = List.of(new ScoredLabel(3, "cat", 0.9), new ScoredLabel(5, "dog", 0.05), new ScoredLabel(1, "car", 0.01));
            Frame frame = new Frame("cam", "f1", new byte[12 * 1024], "image/jpeg", Map.of("site", "a"), null, System.nanoTime());
            byte[] payload = new byte[100 * 1024];
            report("post-processor (10 scores, 3 labels, 12 KB frame)", () -> remotePost.process(scores, labels, frame),
                    () -> localPost.process(scores, labels, frame));
            report("decoder (100 KB payload)", () -> remoteDecoder.decode(payload, "grey"), () -> new io.hastegw.plugin.api.Image(4, 4, 1,
                    Arrays.copyOf(payload, 16)));
            plugin.process().close();
        } finally {
            supervisor.shutdownNow();
            TestPlugins.deleteTree(dir);
        }
        System.exit(0);
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void report(String what, Call remote, Call local) throws Exception {
        double[] r = time(remote);
        double[] l = time(local);
        System.out.printf(Locale.ROOT, "%s: across the process boundary p50 %.3f ms, p99 %.3f ms; in-process p50 %.4f ms, p99 %.4f ms (%d calls each)%n",
                what, r[0], r[1], l[0], l[1], CALLS);
    }

    /** p50 and p99 in ms of {@link #CALLS} calls after 2,000 warm-up calls. */
    private static double[] time(Call call) throws Exception {
        for (int i = 0; i < 2_000; i++) {
            call.run();
        }
        long[] ns = new long[CALLS];
        for (int i = 0; i < CALLS; i++) {
            long t0 = System.nanoTime();
            call.run();
            ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        return new double[] {ns[CALLS / 2] / 1e6, ns[CALLS * 99 / 100] / 1e6};
    }
}
