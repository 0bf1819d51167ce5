package io.hastegw.op.cli;

import io.hastegw.op.card.ModelCard;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code haste-op calibrate}: measures a HASTE model's cost plan on this device and stores it
 * where the gateway looks (the cost cache), so a board can be calibrated before the gateway starts,
 * at a quiet moment. Without {@code --force} a cached plan is kept unless it was measured on a
 * busy machine and this one is at most half as busy now.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure the cost plan of a HASTE model on this device (which layers run HASTE at each level) and store it in the cost cache.")
final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "the HASTE model")
    Path model;

    @Option(names = "--card", required = true, description = "its model card (to prepare the calibration images)")
    Path card;

    @Option(names = "--images", description = "real images to calibrate on, any folder depth (default: synthetic images)")
    Path images;

    @Mixin
    CostPlanOptions plan;



    @Option(names = "--force", description = "measure again even when a plan is cached")
    boolean force;

    @Override
    public Integer call() throws Exception {
        InspectCommand.printCostPlan(spec.commandLine().getOut(), model, ModelCard.read(card), plan, images,
                force ? InspectCommand.Measure.ALWAYS : InspectCommand.Measure.IF_NEEDED);
        return 0;
    }
}
