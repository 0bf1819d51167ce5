package io.hastegw.pluginhost;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.PredictionSink;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plugin host: the main class of the process an operator's plugin runs in
 * ({@code isolation: process}). It connects to the gateway's Unix socket (its one argument),
 * loads the plugin's jars (sent with {@link Op#INIT}) in a class loader that shows them the API
 * and the JDK only, and serves each request on a thread of its own, so a call that hangs holds
 * only its thread ({@link Op#CANCEL} interrupts it). When the gateway's connection ends, the host
 * ends.
 */
public final class HostMain {
    /** The exit status after an {@link OutOfMemoryError} outside the heap (the heap's own ends the JVM with 3). */
    public static final int EXIT_OUT_OF_MEMORY = 4;

    private final Link link;
    private final Requests requests;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "plugin-call");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, Thread> running = new ConcurrentHashMap<>();
    private final Map<Integer, CompressionPolicy> policies = new ConcurrentHashMap<>();
    private final HostStages stages = new HostStages();
    private volatile Plugin plugin;
    private volatile HostContext context;

    private HostMain(Link link) {
        this.link = link;
        this.requests = new Requests(link);
    }

    /** Connects to the socket {@code args[0]} and serves the gateway until it goes. */
    public static void main(String[] args) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        new HostMain(Link.of(channel)).serve();
    }

    private void serve() {
        try {
            while (true) {
                Link.Message m = link.read();
                switch (m.op()) {
                    case REPLY, FAILED -> requests.answer(m);
                    // Interrupts under the map's lock for the id: once its call is removed, no interrupt can reach its thread.
                    case CANCEL -> running.computeIfPresent(m.id(), (id, t) -> {
                        t.interrupt();
                        return t;
                    });
                    default -> calls.execute(() -> handle(m));
                }
            }
        } catch (IOException e) {
            requests.end(e);
        }
        // The gateway is gone (stopped, or it replaces this host): nothing here may outlive it.
        Runtime.getRuntime().halt(0);
    }

    private void handle(Link.Message m) {
        running.put(m.id(), Thread.currentThread());
        Link.Body reply = null;
        Throwable failure = null;
        try {
            reply = answer(m.op(), m.body(), m.tail());
        } catch (Throwable e) {
            failure = e;
        }
        // The call is over: no CANCEL may interrupt this thread any more, and a pending interrupt must not reach the
        // socket (a socket channel closes itself when a thread writing to it is interrupted).
        running.remove(m.id());
        Thread.interrupted();
        Link.Body answer = reply;
        if (failure == null) {
            quietly(() -> link.send(Op.REPLY, m.id(), answer));
        } else if (failure instanceof FrameRejectedException e) {
            quietly(() -> link.fail(m.id(), Op.Failure.REJECTED, e.getMessage(), e.reason().name()));
        } else if (failure instanceof Unloadable e) {
            quietly(() -> link.fail(m.id(), Op.Failure.UNLOADABLE, e.getMessage(), null));
        } else {
            String message = failure.toString();
            quietly(() -> link.fail(m.id(), Op.Failure.THREW, message, null));
        }
        if (m.op() == Op.STOP) {
            Runtime.getRuntime().halt(0);
        }
        if (failure instanceof OutOfMemoryError) {
            // Memory outside the heap (the data limit: a native allocation, a thread's stack) ran out; the heap's own
            // ends the JVM already (-XX:+ExitOnOutOfMemoryError). Nothing here can be trusted after it: end, and with it
            // whatever the plugin holds, as a heap exhausted does.
            System.err.println("Terminating due to " + failure);
            Runtime.getRuntime().halt(EXIT_OUT_OF_MEMORY);
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (IOException e) {
            // the connection is gone; the reader ends the host
        }
    }

    /** Runs request {@code op} ({@code tail}: a decoder's payload) and returns its answer's body. */
    private Link.Body answer(Op op, DataInputStream in, byte[] tail) throws Exception {
        return switch (op) {
            case INIT -> init(in);
            case START -> {
                plugin.start();
                yield out -> { };
            }
            case STOP -> {
                plugin.stop();
                context.close();
                yield out -> { };
            }
            case HEALTH -> {
                Health h = plugin.health();
                Health health = h == null ? Health.down("health() returned null") : h;
                yield out -> ApiWire.health(out, health);
            }
            case SUPPORTS -> {
                boolean yes = stages.get(Wire.string(in), FrameDecoder.class).supports(Wire.string(in));
                yield out -> out.writeBoolean(yes);
            }
            case DECODE -> {
                FrameDecoder d = stages.get(Wire.string(in), FrameDecoder.class);
                io.hastegw.plugin.api.Image image = d.decode(tail, Wire.string(in));
                yield out -> ApiWire.image(out, image);
            }
            case PREPROCESS -> {
                io.hastegw.plugin.api.InputTensor t = stages.get(Wire.string(in), ImagePreprocessor.class).apply(ApiWire.image(in));
                yield out -> ApiWire.tensor(out, t);
            }
            case POST_LABELS -> {
                PostProcessor p = stages.get(Wire.string(in), PostProcessor.class);
                float[] scores = Wire.floats(in);
                var labels = p.process(scores, java.util.List.copyOf(ApiWire.labels(in)), ApiWire.frame(in));
                yield out -> ApiWire.labels(out, labels);
            }
            case POST_DETECTIONS -> {
                PostProcessor p = stages.get(Wire.string(in), PostProcessor.class);
                var found = p.detections(java.util.List.copyOf(ApiWire.detections(in)), ApiWire.frame(in));
                yield out -> ApiWire.detections(out, found);
            }
            case SINK -> {
                PredictionSink s = stages.get(Wire.string(in), PredictionSink.class);
                s.publish(ApiWire.prediction(in), Wire.bytes(in));
                yield out -> { };
            }
            case ENERGY -> {
                double mj = stages.get(Wire.string(in), EnergyModel.class).millijoules(in.readLong(), in.readDouble(), in.readInt());
                yield out -> out.writeDouble(mj);
            }
            case POLICY_CREATE, POLICY_ASSESS -> policy(op, in);
            case SOURCE_START -> {
                stages.get(Wire.string(in), FrameSource.class).start(frame -> context.ask(Op.SUBMIT, o -> ApiWire.frame(o, frame),
                        DataInputStream::readBoolean));
                yield out -> { };
            }
            case SOURCE_STOP -> {
                stages.get(Wire.string(in), FrameSource.class).stop();
                yield out -> { };
            }
            default -> throw new IllegalArgumentException("the host does not serve " + op);
        };
    }

    /** A policy by the gateway's id, created for its targets when new (or new to this host); its name or judgement. */
    private Link.Body policy(Op op, DataInputStream in) throws IOException {
        String stage = Wire.string(in);
        int id = in.readInt();
        CompressionPolicy.Targets targets = ApiWire.targets(in);
        CompressionPolicy p = policies.computeIfAbsent(id, k -> stages.get(stage, CompressionPolicy.Factory.class).create(targets));
        if (op == Op.POLICY_CREATE) {
            String name = p.name();
            return out -> Wire.string(out, name);
        }
        CompressionPolicy.Assessment a = p.assess(ApiWire.signals(in));
        return out -> ApiWire.assessment(out, a);
    }

    /** Loads the plugin from the jars INIT names and calls its {@code init}; answers with its stages. */
    private Link.Body init(DataInputStream in) throws Exception {
        int jars = in.readInt();
        URL[] urls = new URL[jars];
        for (int i = 0; i < jars; i++) {
            urls[i] = Path.of(Wire.string(in)).toUri().toURL();
        }
        context = new HostContext(link, requests, in);
        URLClassLoader loader = new URLClassLoader("plugin:" + context.pluginId(), urls, new ApiOnlyClassLoader(HostMain.class.getClassLoader()));
        Plugin p = instantiate(loader);
        Thread.currentThread().setContextClassLoader(loader);
        p.init(context, stages);
        plugin = p;
        return stages::seal;
    }

    /** The one plugin its jars name, with the gateway's in-process wording for what prevents it. */
    private static Plugin instantiate(ClassLoader loader) throws Unloadable {
        try {
            Iterator<Plugin> found = ServiceLoader.load(Plugin.class, loader).iterator();
            if (!found.hasNext()) {
                throw new Unloadable("no implementation of " + Plugin.class.getName() + " named in META-INF/services/" + Plugin.class.getName()
                        + " of its jars", null);
            }
            Plugin p = found.next();
            if (found.hasNext()) {
                throw new Unloadable("more than one implementation of " + Plugin.class.getName() + " in its jars; a plugin has one", null);
            }
            return p;
        } catch (java.util.ServiceConfigurationError | LinkageError e) {
            throw new Unloadable("cannot load: " + e, e);
        }
    }

    /** The plugin's code cannot be loaded: answered {@link Op.Failure#UNLOADABLE}. */
    private static final class Unloadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unloadable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
