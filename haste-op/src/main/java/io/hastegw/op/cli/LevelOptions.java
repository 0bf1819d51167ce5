package io.hastegw.op.cli;

import io.hastegw.op.transform.LevelSchedule;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --levels}: the hyperplanes L of levels 1..N, the same for every layer (a picocli mixin of the commands that transform). */
public final class LevelOptions {
    @Option(names = "--levels", split = ",", description = "hyperplanes L for levels 1..N, same for every layer (default: 16,14,13,12,11,10,9,8)")
    List<Integer> levels = LevelSchedule.DEFAULT_LEVELS;
}
