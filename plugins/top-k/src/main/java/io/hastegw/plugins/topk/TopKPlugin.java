package io.hastegw.plugins.topk;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;

/** The built-in classification post-processing, {@code top-k}: setting {@code k} (classes per prediction, default 3). */
public final class TopKPlugin implements Plugin {
    /** Classes per prediction when {@code k} is not set. */
    static final int DEFAULT_K = 3;

    @Override
    public void init(PluginContext context, Extensions extensions) {
        int k = ((Number) context.config().getOrDefault("k", DEFAULT_K)).intValue();
        extensions.postProcessor("top-k", new TopK(context.model().labels(), k, !context.model().probabilities()));
    }
}
