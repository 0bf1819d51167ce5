package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.config.MqttSection;
import io.hastegw.daemon.messages.ErrorReason;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.BrokerLink;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.daemon.plugin.DeliverySink;
import io.hastegw.daemon.plugin.PluginRuntime;
import io.hastegw.plugin.api.Prediction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a prediction goes out, on the gateway's event loop: encoded once, published on its
 * camera's predictions topic ({@code mqtt.publish_predictions}, {@code mqtt.prediction_qos}),
 * the same bytes handed to every plugin sink (a sink that throws is logged and counted).
 */
final class PredictionOutput {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionOutput.class);
    private final MqttSection settings;
    private final Topics topics;
    private final Messages messages;
    private final BrokerLink mqtt;
    private final PluginRuntime plugins;
    private final GatewayMetrics metrics;

    PredictionOutput(MqttSection settings, Topics topics, Messages messages, BrokerLink mqtt, PluginRuntime plugins, GatewayMetrics metrics) {
        this.settings = settings;
        this.topics = topics;
        this.messages = messages;
        this.mqtt = mqtt;
        this.plugins = plugins;
        this.metrics = metrics;
    }

    /** Publishes {@code p} and hands it to the sinks. */
    void send(Prediction p) {
        byte[] message = messages.prediction(p);
        if (settings.publishPredictions() && !mqtt.publish(new OutgoingMessage(topics.predictions(p.cameraId()), message,
                settings.predictionQos(), false, "application/json", p.correlationData(), p.userProperties()))) {
            metrics.predictionUnsent();
        }
        for (DeliverySink sink : plugins.sinks()) {
            try {
                sink.deliver(p, message);
            } catch (Exception e) {
                LOG.warn("prediction sink {} failed: {}", sink.getClass().getName(), e.toString());
                metrics.error(ErrorReason.PLUGIN_FAILED);
            }
        }
    }
}
