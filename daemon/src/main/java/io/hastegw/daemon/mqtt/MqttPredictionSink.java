package io.hastegw.daemon.mqtt;

import io.hastegw.daemon.messages.Messages;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.PredictionSink;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * The built-in publishing stage: the prediction as JSON on
 * {@code haste/<gateway_id>/cameras/<camera_id>/predictions} (QoS 0), with content type
 * {@code application/json}, the frame's correlation data and user properties set again as MQTT 5
 * properties.
 */
public final class MqttPredictionSink implements PredictionSink {
    private final MqttConnection mqtt;
    private final Topics topics;
    private final Messages messages;

    /** Publishes through {@code mqtt}. */
    public MqttPredictionSink(MqttConnection mqtt, Topics topics, Messages messages) {
        this.mqtt = mqtt;
        this.topics = topics;
        this.messages = messages;
    }

    @Override
    public void publish(Prediction prediction) {
        MqttProperties props = new MqttProperties();
        props.setContentType("application/json");
        if (prediction.correlationData() != null) {
            props.setCorrelationData(prediction.correlationData());
        }
        List<UserProperty> user = new ArrayList<>();
        prediction.userProperties().forEach((k, v) -> user.add(new UserProperty(k, v)));
        props.setUserProperties(user);
        mqtt.publish(topics.predictions(prediction.cameraId()), messages.prediction(prediction), 0, false, props);
    }
}
