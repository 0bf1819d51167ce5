package io.hastegw.op.schedule;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.TransformResult;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;

/**
 * {@code haste-op transform --budgets}: a HASTE model whose levels are MACs budgets. The model is
 * first transformed with the candidate L values (in memory), {@link ScheduleSearch} probes it,
 * and the model is transformed again with the schedule found; its metadata says how the schedule
 * was made. The hyperplanes are drawn hyperplane by hyperplane, so a layer hashes alike in the
 * probes and in the final model although it stores fewer hyperplanes there.
 */
public final class BudgetTransform {
    private final OrtEnvironment env;
    private final ScheduleSearch search;
    private final RuntimeOptions runtime;

    /** Searches with {@code search}, which probes on {@code runtime}. */
    public BudgetTransform(OrtEnvironment env, RuntimeOptions runtime, ScheduleSearch search) {
        this.env = env;
        this.runtime = runtime;
        this.search = search;
    }

    /**
     * The transformed model and what the search found.
     *
     * @param transform the final model, its metadata and the per-layer decisions
     * @param search    the probes and the predicted cost of every level
     */
    public record Outcome(TransformResult transform, ScheduleSearch.Result search) {}

    /**
     * Transforms {@code model} ({@code options} as for {@link HasteTransformer#transform}, its level
     * list and schedule ignored) with a schedule searched on {@code frames}.
     *
     * @param frameSource where the frames came from, in words, for the metadata
     */
    public Outcome transform(ModelProto model, long[] inputShape, HasteOptions options, ModelCard card, List<FloatTensor> frames,
                             String frameSource, BudgetOptions budget) throws OrtException {
        HasteTransformer transformer = new HasteTransformer(env);
        TransformResult candidates = transformer.transform(model, inputShape, options.withLevels(budget.candidates()).withDenseBypass(false));
        if (candidates.info() == null) {
            return new Outcome(candidates, null);
        }
        ScheduleSearch.Result found = search.search(model, candidates.info(), card, frames, budget);
        TransformResult result = transformer.transform(model, inputShape, options.withSchedule(found.schedule()));
        String origin = String.format(Locale.ROOT, "searched for MACs budgets %s of dense on %d %s (damage: %s; MACs of the %s kernel on "
                        + "exact channel counts)",
                budget.budgets().stream().map(b -> String.format(Locale.ROOT, "%.2f", b)).collect(Collectors.joining(",")),
                frames.size(), frameSource, OutputDamage.of(card).describe(), runtime.kernel().kernel().isPresent() ? "native" : "portable");
        HasteModelInfo info = result.info().withScheduleOrigin(origin);
        return new Outcome(new TransformResult(info.storedIn(result.model()), info, result.decisions(), result.warnings()), found);
    }
}
