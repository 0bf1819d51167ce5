package io.hastegw.op.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which cost plan a command reads or measures: the cache folder, the intra-op threads, stream reuse (a picocli mixin). */
public final class CostPlanOptions {
    @Option(names = "--cost-cache", description = "folder of cost plans (default: the gateway's, <tmp>/haste-gateway/cost; the package's: "
            + "/var/lib/haste-gateway/cost)")
    Path costCache;

    @Option(names = "--threads", defaultValue = "1", description = "intra-op threads the plan is for (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--stream-reuse", description = "the plan of a gateway with stream reuse on (its default): reused frames timed")
    boolean streamReuse;
}
