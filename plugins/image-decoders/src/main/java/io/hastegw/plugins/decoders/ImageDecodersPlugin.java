package io.hastegw.plugins.decoders;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;

/**
 * The built-in decoders: {@code imageio} (JPEG and PNG through the JDK's ImageIO, subsampled to
 * what the model needs and refused beyond the pipeline's pixel and memory limits) and
 * {@code raw} (HRAW frames). No settings: the limits are the gateway's {@code pipeline.*}.
 */
public final class ImageDecodersPlugin implements Plugin {
    @Override
    public void init(PluginContext context, Extensions extensions) {
        PipelineLimits limits = context.limits();
        ModelInfo model = context.model();
        extensions.decoder("imageio", new ImageIoFrames(new DecodeLimits(limits.maxImagePixels(), model.width(), model.height(),
                limits.decodeMemoryBytes())));
        extensions.decoder("raw", new RawFrames(limits.maxImagePixels()));
    }
}
