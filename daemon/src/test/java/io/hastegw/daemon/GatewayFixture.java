package io.hastegw.daemon;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/** Test support: a gateway started in-process through {@link Main#start}, with its own gateway id. */
final class GatewayFixture implements AutoCloseable {
    final String id = "t" + UUID.randomUUID().toString().substring(0, 8);
    final RunningGateway running;

    GatewayFixture(Path model, String... sets) {
        List<String> args = new ArrayList<>(List.of("--set", "gateway_id=" + id, "--set", "mqtt.host=127.0.0.1", "--set", "model.path=" + model,
                "--set", "model.card=" + TestModels.resnet20Card(), "--set", "model.cost_plan=false",
                // Tests of the pipeline run the level they set; the controller's tests set control.mode=auto.
                "--set", "control.mode=fixed"));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicReference<RunningGateway> ref = new AtomicReference<>();
        int status = Main.start(args.toArray(new String[0]), Map.of(), System.out, new PrintStream(err, true), ref);
        if (status != -1) {
            throw new AssertionError("gateway did not start (" + status + "): " + err);
        }
        running = ref.get();
    }

    String frames(String camera) {
        return "haste/" + id + "/cameras/" + camera + "/frames";
    }

    String all() {
        return "haste/" + id + "/#";
    }

    /** Waits until the broker connection is ready (subscribed). */
    GatewayFixture ready() throws InterruptedException {
        for (int i = 0; i < 200 && !running.gateway().mqtt().isReady(); i++) {
            Thread.sleep(25);
        }
        if (!running.gateway().mqtt().isReady()) {
            throw new AssertionError("gateway " + id + " never connected");
        }
        return this;
    }

    @Override
    public void close() {
        running.stop();
        MqttTestClient.clearRetained(running.config().gatewayId());
    }
}
