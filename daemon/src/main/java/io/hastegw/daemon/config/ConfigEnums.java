package io.hastegw.daemon.config;

/** The closed sets of configuration values (written in lower case in files: {@code drop_oldest}, {@code portable}, ...). */
public final class ConfigEnums {
    private ConfigEnums() {}

    /** {@code pipeline.drop_policy}: which frame a full camera queue drops. */
    public enum DropPolicy {
        /** The oldest waiting frame makes room for the new one. */
        DROP_OLDEST,
        /** The new frame is dropped. */
        DROP_NEWEST
    }

    /** {@code model.optimization}: ONNX Runtime's graph optimisation level. */
    public enum GraphOptimization {
        /** No optimisation. */
        NONE,
        /** Basic. */
        BASIC,
        /** Extended. */
        EXTENDED,
        /** All, layout included. */
        ALL
    }

    /** {@code model.kernel}: how HASTE layers run. */
    public enum KernelChoice {
        /** The native kernel when it loads, else the portable one with a warning. */
        AUTO,
        /** Standard ONNX operators only. */
        PORTABLE
    }

    /** {@code energy.meter}: whether the board's energy meter is read. */
    public enum MeterChoice {
        /** Read RAPL or INA3221 when there is one. */
        AUTO,
        /** Estimates only. */
        NONE
    }
}
