package io.hastegw.plugins.mqtt;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.MqttOutput;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.PredictionSink;

/**
 * The built-in publishing stage, sink {@code mqtt}: every prediction as its JSON message
 * ({@code haste.prediction/3}) on {@code haste/<gateway_id>/cameras/<camera_id>/predictions},
 * QoS {@code qos} (0), content type application/json, with the frame's correlation data and user
 * properties set again as MQTT 5 properties. It never blocks (the MQTT client queues), so the
 * gateway calls it on its event loop, without a queue of its own. A prediction the client did not
 * take (broker down) is counted: {@code haste_plugin_mqtt_unsent_total}.
 */
public final class MqttSinkPlugin implements Plugin, PredictionSink {
    private PluginContext context;
    private MqttOutput mqtt;
    private int qos;

    @Override
    public void init(PluginContext context, Extensions extensions) {
        this.context = context;
        this.mqtt = context.mqtt();
        this.qos = ((Number) context.config().getOrDefault("qos", 0)).intValue();
        extensions.predictionSink("mqtt", this);
    }

    @Override
    public void publish(Prediction p) {
        if (!mqtt.publish(mqtt.predictionTopic(p.cameraId()), context.predictionJson(p), qos, false, p.userProperties(), p.correlationData(),
                "application/json")) {
            context.metrics().count("mqtt_unsent", 1);
        }
    }

    @Override
    public boolean blocking() {
        return false;
    }
}
