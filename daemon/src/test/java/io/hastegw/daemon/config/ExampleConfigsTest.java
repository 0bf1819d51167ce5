package io.hastegw.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped configurations (package default and deploy/examples) load and validate. */
class ExampleConfigsTest {
    private static Vertx vertx;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    @ParameterizedTest
    @CsvSource({
        "deploy/package/src/deb/etc/config.yaml, gateway, haste/gateway/cameras/+/frames",
        "deploy/examples/single-board.yaml, pi-garage, haste/pi-garage/cameras/+/frames",
        "deploy/examples/fleet-member.yaml, fleet-gw-01, fleet/cameras/+/frames",
    })
    void aShippedConfigurationIsValid(String file, String gatewayId, String frameFilter) throws Exception {
        Path path = Path.of("..").resolve(file);
        GatewayConfig c = ConfigLoader.load(vertx, path, Map.of(), List.of()).toCompletionStage().toCompletableFuture().get();
        assertEquals(gatewayId, c.gatewayId());
        assertEquals(frameFilter, c.frameFilter());
    }
}
