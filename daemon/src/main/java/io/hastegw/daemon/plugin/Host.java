package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.MqttOutput;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.Prediction;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What the daemon offers every plugin through its context.
 *
 * @param gatewayId      the gateway's id
 * @param model          the model it runs
 * @param limits         the pipeline's limits
 * @param predictionJson the prediction message of a prediction
 * @param dataRoot       the folder under which each plugin gets {@code <id>/} as its data directory
 * @param mqtt           publishing on the gateway's MQTT connection
 */
public record Host(String gatewayId, ModelInfo model, PipelineLimits limits, Function<Prediction, byte[]> predictionJson, Path dataRoot,
                   MqttOutput mqtt) {}
