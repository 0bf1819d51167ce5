package io.hastegw.daemon.mqtt;

/**
 * One subscription the connection makes after every connect.
 *
 * @param filter            the topic filter (a {@code $share/<group>/} prefix for a fleet's frames)
 * @param qos               its QoS
 * @param retainAsPublished MQTT 5's Retain As Published: a retained message keeps its flag even when delivered live
 *                          (the control topics: a retained command is then recognised and refused)
 */
public record Subscription(String filter, int qos, boolean retainAsPublished) {}
