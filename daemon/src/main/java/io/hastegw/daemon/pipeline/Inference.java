package io.hastegw.daemon.pipeline;

import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.Prediction;

/**
 * A frame the model has run on, handed from its inference worker to its camera's
 * post-processing lane ({@link FrameProcessor#finish}). Holds the decoded image's size, not its
 * pixels, so frames waiting in a lane keep little memory.
 *
 * @param frame      the frame
 * @param format     its format (as sniffed or declared)
 * @param wallMillis its arrival time, for the prediction's timestamp
 * @param width      the decoded image's width
 * @param height     the decoded image's height
 * @param result     the model's outputs
 * @param latency    queue, decode and inference times; its total is arrival to the model's answer
 */
record Inference(Frame frame, String format, long wallMillis, int width, int height, InferenceResult result, Prediction.Latency latency) {}
