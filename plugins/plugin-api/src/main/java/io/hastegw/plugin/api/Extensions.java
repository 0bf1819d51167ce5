package io.hastegw.plugin.api;

/**
 * Where a plugin registers its stages during {@link Plugin#init}. Each stage has a name, unique
 * within the plugin, used in logs, /status and the gateway's configuration. Which registered
 * stages run is the gateway's choice (docs/plugins.md "Extension points"): every decoder is
 * tried (operators' plugins first), post-processors run in a chain, every sink gets every
 * prediction, every frame source runs; a preprocessor, an energy model and a compression
 * policy are used when the configuration selects them by name.
 */
public interface Extensions {
    /** Frames from somewhere other than MQTT (a directory, an HTTP snapshot URL). */
    void frameSource(String name, FrameSource source);

    /** Encoded bytes to an image. */
    void decoder(String name, FrameDecoder decoder);

    /** Image to the model's input; replaces the model card's preprocessing when {@code pipeline.preprocessor} names it. */
    void preprocessor(String name, ImagePreprocessor preprocessor);

    /** Scores (and the labels so far) to labels. */
    void postProcessor(String name, PostProcessor postProcessor);

    /** Where predictions go besides MQTT (a webhook, a file). */
    void predictionSink(String name, PredictionSink sink);

    /** Energy of an inference; used when {@code energy.model} names it. */
    void energyModel(String name, EnergyModel model);

    /** How the controller judges load; used when {@code control.policy} names it. */
    void compressionPolicy(String name, CompressionPolicy.Factory factory);
}
